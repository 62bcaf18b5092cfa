package io.dbrestore.aurora;

import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.cli.MaskingOptions;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.Sample;
import io.dbrestore.masking.sql.SqlMasking;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aurora-restore mask}: masks an Aurora PostgreSQL or MySQL copy in place, then verifies it;
 * the same rules, options and output as {@code mongo-mask-snapshot mask}.
 */
@Command(
    name = "mask",
    description = {
      "Mask an SQL copy (PostgreSQL, MySQL, MariaDB) in place with a rules file, then verify it.",
      "Stops (exit 3) before any write when a table or column is not declared, a masked table has"
          + " no primary key, or a trigger, rule or event trigger would fire; exits 5 when verification"
          + " fails. A killed run resumes where it stopped when started again with the same rules."
    })
public final class MaskCommand extends JobCommand {
  private static final Logger LOG = LoggerFactory.getLogger(MaskCommand.class);

  @Mixin MaskingOptions masking;

  @Option(
      names = "--jdbc-url",
      paramLabel = "<url>",
      required = true,
      description =
          "The database to mask: jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db"
              + " (Aurora MySQL too).")
  String jdbcUrl;

  @Option(
      names = "--user",
      paramLabel = "<name>",
      description = "Database user. Default: the username of --password-secret.")
  String user;

  @Option(
      names = "--password-env",
      paramLabel = "<variable>",
      description = "Read the password from this environment variable (or use --password-secret).")
  String passwordEnv;

  @Option(
      names = "--password-secret",
      paramLabel = "<arn>",
      description =
          "Read the password (and the user) from this Secrets Manager secret, in the RDS"
              + " managed-master-user format {\"username\": …, \"password\": …}.")
  String passwordSecret;

  @Option(
      names = "--range-rows",
      paramLabel = "<n>",
      defaultValue = "200000",
      description =
          "Split tables into primary-key ranges of about this many rows. Default: 200000.")
  int rangeRows;

  @Override
  protected boolean emitsMetrics() {
    return false; // a tool for a database a person reaches, not a pipeline run
  }

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(8);
  }

  @Override
  protected Object execute(JobContext context) throws Exception {
    MaskingPlan plan = masking.plan(context);
    if (rangeRows < 100) {
      throw JobException.invalidInput("--range-rows must be at least 100, got " + rangeRows);
    }
    Properties credentials = credentials(context);
    context.resource("database", jdbcUrl.replaceAll("//[^/@]*@", "//"));
    SqlMasking.Connections connections =
        () -> {
          Connection c = DriverManager.getConnection(jdbcUrl, credentials);
          c.setAutoCommit(true);
          return c;
        };
    try (Connection probe = connections.open()) {
      LOG.info(
          "connected to {} {}",
          probe.getMetaData().getDatabaseProductName(),
          probe.getMetaData().getDatabaseProductVersion());
    } catch (SQLException e) {
      throw JobException.invalidInput(
          "cannot connect to --jdbc-url (SQL state "
              + e.getSQLState()
              + "): "
              + Redactor.redact(e.getMessage()));
    }
    Progress progress = MaskingOptions.progress(LOG);
    RunOptions options =
        SqlMasking.defaultOptions()
            .withParallelism(masking.parallelism)
            .withUnitSize(rangeRows)
            .withDryRun(context.dryRun())
            .withProgress(progress);
    MaskingResult result;
    List<Sample> samples = null;
    try {
      context.step(masking.verifyOnly ? "verify" : "mask");
      SqlMasking engine;
      try {
        engine = new SqlMasking(jdbcUrl, connections, plan, options);
      } catch (IllegalArgumentException e) {
        throw JobException.invalidInput(e.getMessage());
      }
      result = masking.verifyOnly ? engine.verifyOnly() : engine.run();
      if (context.dryRun()) {
        samples = engine.samples(2);
      }
    } catch (MaskingException e) {
      throw MaskingInputs.toJobException(e);
    }
    return masking.finish(context, plan, result, samples, "rows", "tables");
  }

  private Properties credentials(JobContext context) {
    if ((passwordEnv == null) == (passwordSecret == null)) {
      throw JobException.invalidInput(
          "give exactly one of --password-env <variable> and --password-secret <arn>");
    }
    Properties p = SqlMasking.connectionProperties(jdbcUrl);
    String name = user;
    String secretPassword;
    if (passwordSecret != null) {
      Map<String, String> secret = context.secrets().json(passwordSecret);
      secretPassword = secret.get("password");
      if (secretPassword == null) {
        throw JobException.invalidInput(
            "secret " + passwordSecret + " has no \"password\" field (expected the RDS format)");
      }
      if (name == null) {
        name = secret.get("username");
      }
    } else {
      secretPassword = context.env().get(passwordEnv);
      if (secretPassword == null || secretPassword.isEmpty()) {
        throw JobException.invalidInput(
            "--password-env " + passwordEnv + ": the variable is not set");
      }
    }
    if (name == null || name.isBlank()) {
      throw JobException.invalidInput("no database user: give --user");
    }
    Redactor.registerSecret(secretPassword);
    p.setProperty("user", name);
    p.setProperty("password", secretPassword);
    // Seconds for every driver (the drivers' own connectTimeout properties differ in units).
    DriverManager.setLoginTimeout(15);
    return p;
  }
}
