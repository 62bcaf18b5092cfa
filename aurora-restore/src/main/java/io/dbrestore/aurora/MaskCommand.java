package io.dbrestore.aurora;

import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.job.MaskingInputs;
import io.dbrestore.masking.report.ProgressPrinter;
import io.dbrestore.masking.report.SummaryTable;
import io.dbrestore.masking.sql.SqlMasking;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
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
          + " no primary key, or UPDATE triggers cannot be turned off; exits 5 when verification"
          + " fails. A killed run resumes where it stopped when started again with the same rules."
    })
public final class MaskCommand extends JobCommand {
  private static final Logger LOG = LoggerFactory.getLogger(MaskCommand.class);

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
      names = "--rules",
      paramLabel = "<file>",
      required = true,
      description = "The masking rules (YAML; see docs/rules.md).")
  Path rules;

  @Option(
      names = "--parallelism",
      paramLabel = "<n>",
      defaultValue = "8",
      description = "How many primary-key ranges are masked at once. Default: 8.")
  int parallelism;

  @Option(
      names = "--range-rows",
      paramLabel = "<n>",
      defaultValue = "200000",
      description =
          "Split tables into primary-key ranges of about this many rows. Default: 200000.")
  int rangeRows;

  @Option(
      names = "--report",
      paramLabel = "<file.json>",
      description = "Also write the per-table report as JSON to this file.")
  Path report;

  @Option(
      names = "--masking-key-secret",
      paramLabel = "<arn>",
      description =
          "Read the masking key from this Secrets Manager secret instead of the environment"
              + " variable DBRESTORE_MASKING_KEY.")
  String maskingKeySecret;

  @Option(
      names = "--verify-only",
      description = "Only run the verification gate on a copy masked earlier with these rules.")
  boolean verifyOnly;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(8);
  }

  @Override
  protected Object execute(JobContext context) throws Exception {
    context.step("load-rules");
    if (parallelism < 1 || parallelism > 256) {
      throw JobException.invalidInput(
          "--parallelism must be between 1 and 256, got " + parallelism);
    }
    if (rangeRows < 100) {
      throw JobException.invalidInput("--range-rows must be at least 100, got " + rangeRows);
    }
    MaskingPlan plan = MaskingInputs.plan(rules, MaskingInputs.key(context, maskingKeySecret));
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
    Progress progress =
        System.console() != null
            ? ProgressPrinter.bar(System.err)
            : ProgressPrinter.lines(LOG::info, 10_000);
    SqlMasking.Options options =
        SqlMasking.Options.defaults()
            .withParallelism(parallelism)
            .withRangeRows(rangeRows)
            .withDryRun(context.dryRun())
            .withProgress(progress);
    MaskingResult result;
    try {
      context.step(verifyOnly ? "verify" : "mask");
      SqlMasking masking;
      try {
        masking = new SqlMasking(jdbcUrl, connections, plan, options);
      } catch (IllegalArgumentException e) {
        throw JobException.invalidInput(e.getMessage());
      }
      result = verifyOnly ? masking.verifyOnly() : masking.run();
      if (context.dryRun()) {
        printSamples(context.out(), masking.samples(2));
      }
    } catch (MaskingException e) {
      throw MaskingInputs.toJobException(e);
    }
    context.out().print(SummaryTable.render(result.collections(), result.seconds()));
    context.out().flush();
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("rulesSha256", plan.rules().sha256());
    output.put("verified", result.verified());
    output.put("rowsMasked", result.documentsMasked());
    output.put("seconds", Math.round(result.seconds() * 10) / 10.0);
    output.put("manifest", result.manifest());
    if (!result.undeclaredFields().isEmpty()) {
      output.put("undeclaredFields", result.undeclaredFields());
    }
    output.put("tables", result.collections());
    if (report != null) {
      MaskingInputs.writeReport(report, output);
    }
    return output;
  }

  /**
   * The dry run's before-and-after view. Original values are shown only on a terminal: in ECS
   * stdout goes to CloudWatch Logs, where personal data must never go.
   */
  private static void printSamples(
      java.io.PrintWriter out, java.util.List<SqlMasking.Sample> samples) {
    boolean terminal = System.console() != null;
    out.println(
        terminal
            ? "Dry run: rows before and after masking (nothing was written):"
            : "Dry run: rows after masking (originals are shown only on a terminal;"
                + " nothing was written):");
    for (SqlMasking.Sample s : samples) {
      if (terminal) {
        out.println("  " + s.table() + " before: " + s.before().toJson());
      }
      out.println("  " + s.table() + " after:  " + s.after().toJson());
    }
    out.flush();
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
