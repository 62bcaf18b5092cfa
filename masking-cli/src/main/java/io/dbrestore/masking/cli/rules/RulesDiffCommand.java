package io.dbrestore.masking.cli.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.drift.DriftReport;
import io.dbrestore.masking.drift.MongoSurvey;
import io.dbrestore.masking.drift.RulesPatch;
import io.dbrestore.masking.drift.Surveyed;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesException;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.sql.SqlSurvey;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.LocalOnly;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rules diff}: what a database holds that the rules do not declare, which rules match
 * nothing, and the YAML patch that declares what is missing, each entry with a suggested strategy
 * marked for review. Read-only (a read-only transaction for SQL; find, aggregate and
 * listCollections for MongoDB). Never prints or logs a value.
 */
@Command(
    name = "diff",
    description = {
      "Compare the rules with a database, read-only: list every collection, table, field, column"
          + " and JSON key they do not declare, and every rule that matches nothing; print a YAML"
          + " patch declaring what is missing, each entry with a suggested strategy marked"
          + " '# review'.",
      "Exit 0 when the rules cover the database, 3 (rules-drift) when anything is undeclared."
    })
public final class RulesDiffCommand extends JobCommand implements LocalOnly, RulesHost.Standalone {
  private static final Logger LOG = LoggerFactory.getLogger(RulesDiffCommand.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The environment variable a JDBC password comes from (when not in a secret). */
  public static final String PASSWORD_VARIABLE = "DBRESTORE_DB_PASSWORD";

  @Option(
      names = "--rules",
      paramLabel = "<file|s3://bucket/key>",
      required = true,
      description =
          "The rules (YAML): a file, or a versioned S3 object (s3://bucket/key, optionally"
              + " ?versionId=…).")
  String rules;

  @Option(names = "--uri", paramLabel = "<mongodb-uri>", description = "A MongoDB to compare.")
  String uri;

  @Option(
      names = "--uri-secret",
      paramLabel = "<arn>",
      description = "A Secrets Manager secret whose string is the MongoDB URI.")
  String uriSecret;

  @Option(
      names = "--jdbc-url",
      paramLabel = "<url>",
      description = "A PostgreSQL, MySQL or MariaDB database to compare (jdbc:postgresql://…).")
  String jdbcUrl;

  @Option(
      names = "--user",
      paramLabel = "<user>",
      description = "The JDBC user; the password comes from " + PASSWORD_VARIABLE + ".")
  String user;

  @Option(
      names = "--credentials-secret",
      paramLabel = "<arn>",
      description =
          "An RDS-managed secret (JSON: username, password, host, port, engine, dbname): the"
              + " credentials, and the URL when --jdbc-url is absent.")
  String credentialsSecret;

  @Option(
      names = "--sample",
      paramLabel = "<n>",
      description =
          "MongoDB: walk n sampled documents per collection ($sample) instead of all (a quick"
              + " check; stale field rules are then not reported).")
  int sample;

  @Option(
      names = "--schema-only",
      description = "SQL: read the catalogue only, never a row (JSON keys are not checked).")
  boolean schemaOnly;

  @Option(
      names = "--databases",
      paramLabel = "<a,b>",
      split = ",",
      description = "Only these databases (MongoDB) or schemas (SQL).")
  List<String> databases = new ArrayList<>();

  @Option(names = "--patch-file", paramLabel = "<file>", description = "Also write the patch here.")
  Path patchFile;

  @Option(
      names = "--apply",
      description =
          "Write the suggestions into the rules file (existing lines and comments kept), then"
              + " check that it loads. Review the result before landing it.")
  boolean apply;

  @Option(names = "--exit-zero", description = "Exit 0 even when something is undeclared.")
  boolean exitZero;

  @Option(names = "--json", description = "Print the result as JSON instead of the patch.")
  boolean json;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(2);
  }

  /**
   * A rules check is no pipeline run: its seconds and exit codes would mix with the masking runs'
   * in the job's metrics (the drift pipeline's own outcome is its execution and its messages).
   */
  @Override
  protected boolean emitsMetrics() {
    return false;
  }

  @Override
  protected Object execute(JobContext context) throws Exception {
    JobHost host = new JobHost(context);
    DriftReport report = diff(host);
    if (report.drift() && !exitZero) {
      host.out().println(JSON.writeValueAsString(report));
      host.out().flush();
      throw refusal(report);
    }
    return report;
  }

  @Override
  public int run(RulesHost host) throws Exception {
    DriftReport report = diff(host);
    if (json || host.json()) {
      host.out().println(JSON.writeValueAsString(report));
    } else {
      host.out().print(report.patch());
    }
    host.out().flush();
    if (report.drift() && !exitZero) {
      throw refusal(report);
    }
    return ExitCode.DONE.code();
  }

  private JobException refusal(DriftReport report) {
    return JobException.refused(
        "rules-drift",
        "rules-drift: "
            + summary(report)
            + (apply
                ? "; the suggestions were written into " + rules + ": review them"
                : "; review the patch, add it to " + rules + " (or re-run with --apply)"));
  }

  static String summary(DriftReport report) {
    long containers =
        report.undeclared().stream()
            .filter(u -> u.kind().equals("collection") || u.kind().equals("table"))
            .count();
    long shapes = report.undeclared().stream().filter(u -> u.kind().equals("shape")).count();
    long paths = report.undeclared().size() - containers - shapes;
    StringBuilder s = new StringBuilder();
    if (report.drift()) {
      List<String> parts = new ArrayList<>();
      if (containers > 0) {
        parts.add(
            containers + (containers == 1 ? " collection or table" : " collections or tables"));
      }
      if (paths > 0) {
        parts.add(paths + (paths == 1 ? " field or column" : " fields or columns"));
      }
      if (shapes > 0) {
        parts.add(shapes + (shapes == 1 ? " value" : " values") + " of another shape");
      }
      s.append("the rules do not declare ").append(String.join(", ", parts));
    } else {
      s.append("the rules declare everything the database holds");
    }
    if (!report.stale().isEmpty()) {
      s.append("; ")
          .append(report.stale().size())
          .append(report.stale().size() == 1 ? " rule matches" : " rules match")
          .append(" nothing");
    }
    return s.toString();
  }

  DriftReport diff(RulesHost host) throws Exception {
    boolean mongo = uri != null || uriSecret != null;
    boolean sql = jdbcUrl != null || credentialsSecret != null;
    if (mongo == sql) {
      throw JobException.invalidInput(
          "choose one database: --uri or --uri-secret (MongoDB), or --jdbc-url or"
              + " --credentials-secret (SQL)");
    }
    if (uri != null && uriSecret != null) {
      throw JobException.invalidInput("--uri and --uri-secret both given: choose one");
    }
    if (sample < 0) {
      throw JobException.invalidInput("--sample must be a positive number of documents");
    }
    if (sample > 0 && !mongo) {
      throw JobException.invalidInput("--sample is for MongoDB; SQL reads the catalogue");
    }
    if (schemaOnly && mongo) {
      throw JobException.invalidInput(
          "--schema-only is for SQL; MongoDB has no schema (use --sample for a quick check)");
    }
    if (apply && rules.startsWith("s3://")) {
      throw JobException.invalidInput(
          "--apply writes a rules file: download "
              + rules
              + ", apply to the file, review it and upload it as a new version");
    }
    RulesFiles.Read read = RulesFiles.read(host, rules);
    String text = read.text();
    Rules loaded = read.rules();
    MaskingPlan plan = RulesFiles.compile(loaded);
    Surveyed.Survey survey = mongo ? mongo(host, plan) : sql(host, plan);
    DriftReport.Comparison comparison =
        DriftReport.build(loaded, survey, mongo, db -> section(text, loaded, db));
    DriftReport report = comparison.report();
    if (patchFile != null) {
      write(patchFile, report.patch(), "--patch-file");
    }
    if (apply && !report.patch().isEmpty()) {
      String patched;
      try {
        patched = RulesPatch.apply(text, loaded, comparison);
        RulesLoader.parse(rules, patched);
      } catch (RulesException e) {
        throw JobException.invalidInput(
            "--apply: " + e.getMessage() + " (the rules file was not changed)");
      }
      write(Path.of(rules), patched, "--apply");
    }
    String line = "rules diff: " + summary(report) + (apply ? " (applied to " + rules + ")" : "");
    if (host.err() != null) {
      if (!report.stale().isEmpty()) {
        host.err().println("rules diff: warning: stale rules (see the # stale comments)");
      }
      if (!report.drift() || exitZero) {
        // With drift, the refusal's one line says it.
        host.err().println(line);
      }
      host.err().flush();
    } else {
      LOG.info("{}", line);
    }
    return report;
  }

  private Surveyed.Survey mongo(RulesHost host, MaskingPlan plan) {
    String connection = uri;
    if (uriSecret != null) {
      connection = host.secret(uriSecret).trim();
      Redactor.registerSecret(connection);
    }
    ConnectionString cs;
    try {
      cs = new ConnectionString(connection);
    } catch (IllegalArgumentException e) {
      throw JobException.invalidInput("not a MongoDB URI (mongodb://… or mongodb+srv://…)");
    }
    if (cs.getPassword() != null) {
      Redactor.registerSecret(new String(cs.getPassword()));
    }
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(cs)
            .applyToClusterSettings(b -> b.serverSelectionTimeout(15, TimeUnit.SECONDS))
            .build();
    try (MongoClient client = MongoClients.create(settings)) {
      return new MongoSurvey(client, plan).survey(sample, databases);
    } catch (MongoException e) {
      throw JobException.invalidInput(
          "cannot read MongoDB at "
              + String.join(",", cs.getHosts())
              + " ("
              + e.getClass().getSimpleName()
              + "): check the URI, the network and the user's read access",
          e);
    }
  }

  private Surveyed.Survey sql(RulesHost host, MaskingPlan plan) {
    String url = jdbcUrl;
    String u = user;
    String password = host.env().get(PASSWORD_VARIABLE);
    if (credentialsSecret != null) {
      Map<String, String> secret = host.secretJson(credentialsSecret);
      if (u == null) {
        u = secret.get("username");
      }
      password = secret.getOrDefault("password", password);
      if (url == null) {
        url = urlFrom(secret);
      }
    }
    if (password != null && !password.isEmpty()) {
      Redactor.registerSecret(password);
    }
    Properties props = new Properties();
    if (u != null) {
      props.setProperty("user", u);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "15");
    SqlSurvey survey;
    try {
      survey = new SqlSurvey(url, plan);
    } catch (IllegalArgumentException e) {
      throw JobException.invalidInput(e.getMessage());
    }
    Connection c;
    try {
      c = DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw JobException.invalidInput(
          "cannot connect to "
              + url.replaceAll("//[^/@]*@", "//***@")
              + " (SQLState "
              + e.getSQLState()
              + "): check the URL, the network, the user and "
              + PASSWORD_VARIABLE
              + " (or --credentials-secret)",
          e);
    }
    try (c) {
      // Read-only: the server refuses any write in this session's transactions.
      boolean postgres = url.startsWith("jdbc:postgresql:");
      if (!postgres) {
        try (var s = c.createStatement()) {
          s.execute("SET SESSION TRANSACTION READ ONLY");
        }
      }
      c.setAutoCommit(false);
      c.setReadOnly(true);
      if (postgres) {
        try (var s = c.createStatement()) {
          s.execute("SET TRANSACTION READ ONLY");
        }
      }
      try {
        return survey.survey(c, schemaOnly, databases);
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw JobException.invalidInput(
          "reading the database failed (SQLState "
              + e.getSQLState()
              + "): "
              + Redactor.redact(firstLine(e.getMessage()))
              + "; the user needs to read the catalogue"
              + (schemaOnly ? "" : " and SELECT on the tables"),
          e);
    }
  }

  /** A JDBC URL from an RDS-managed secret's fields. */
  static String urlFrom(Map<String, String> secret) {
    String host = secret.get("host");
    String engine = secret.getOrDefault("engine", "").toLowerCase(Locale.ROOT);
    if (host == null || engine.isEmpty()) {
      throw JobException.invalidInput(
          "the credentials secret has no host or engine: pass --jdbc-url as well");
    }
    String scheme;
    String port;
    if (engine.contains("postgres")) {
      scheme = "jdbc:postgresql://";
      port = secret.getOrDefault("port", "5432");
    } else if (engine.contains("mysql") || engine.contains("mariadb")) {
      scheme = "jdbc:mariadb://";
      port = secret.getOrDefault("port", "3306");
    } else {
      throw JobException.invalidInput(
          "the credentials secret's engine '" + engine + "' is not PostgreSQL, MySQL or MariaDB");
    }
    String db = secret.getOrDefault("dbname", engine.contains("postgres") ? "postgres" : "");
    return scheme + host + ":" + port + "/" + db;
  }

  /** Whether a database of the file declares {@code collections:} or {@code tables:}. */
  static String section(String text, Rules rules, String database) {
    Rules.Database db = rules.databases().get(database);
    if (db == null) {
      return null;
    }
    String[] lines = text.split("\r?\n", -1);
    for (int i = db.line(); i < lines.length; i++) {
      String t = lines[i].trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.startsWith("tables:")) {
        return "tables";
      }
      if (t.startsWith("collections:")) {
        return "collections";
      }
      return null;
    }
    return null;
  }

  private static void write(Path file, String text, String option) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(parent, ".dbrestore-", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw JobException.invalidInput("cannot write " + option + " " + file + ": " + e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
