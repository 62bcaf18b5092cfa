package io.dbrestore.aurora;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.Run;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aurora-restore mask} through its real entry point, on an embedded PostgreSQL. */
class MaskCommandTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static io.dbrestore.runtime.testing.AwsWireMock secrets =
      new io.dbrestore.runtime.testing.AwsWireMock();

  static final String KEY = "aurora-mask-test-key-0123456789abcdefghijkl";
  static final String PASSWORD = "pg-test-password-1234";
  static EmbeddedPostgres postgres;
  static String url;

  @TempDir static Path dir;
  static Path rules;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
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
                  profile.phone: phone
              countries: keep
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void data() throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS app CASCADE");
      s.execute("CREATE SCHEMA app");
      s.execute(
          "CREATE TABLE app.users (id INT PRIMARY KEY, email TEXT UNIQUE, full_name TEXT,"
              + " profile JSONB)");
      s.execute("CREATE TABLE app.countries (code TEXT PRIMARY KEY)");
      s.execute(
          "INSERT INTO app.users SELECT i, 'user' || i || '@mail.test', 'Zarevo Quenby' || i,"
              + " jsonb_build_object('phone', '+81 90-1111-' || lpad(i::text, 4, '0'))"
              + " FROM generate_series(1, 300) i");
      s.execute("INSERT INTO app.countries VALUES ('JP'), ('FR')");
    }
  }

  private static Map<String, String> env() {
    return Map.of("DBRESTORE_MASKING_KEY", KEY, "PGPASSWORD_TEST", "postgres");
  }

  private Run mask(Map<String, String> env, String... extra) {
    String[] base = {
      "mask",
      "--jdbc-url",
      url,
      "--user",
      "postgres",
      "--password-env",
      "PGPASSWORD_TEST",
      "--rules",
      rules.toString(),
      "--range-rows",
      "100",
      "--parallelism",
      "3"
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return Run.of(AuroraRestore.entryPoint(), env, args);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void mask_masksVerifiesAndPrintsTheSummary() throws Exception {
    Run run = mask(env());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("app.users", "passed", "\"verified\":true");
    assertThat(count("SELECT count(*) FROM app.users WHERE email LIKE '%@mail.test'")).isZero();
    assertThat(count("SELECT count(*) FROM app.users WHERE full_name LIKE 'Zarevo%'")).isZero();
    assertThat(count("SELECT count(*) FROM app.users WHERE profile->>'phone' LIKE '+81 90-1111-%'"))
        .isLessThan(5);
  }

  @Test
  void dryRun_writesNothingAndShowsMaskedRows() throws Exception {
    Run run = mask(env(), "--dry-run");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Dry run", "app.users after:", "@example.com");
    assertThat(count("SELECT count(*) FROM app.users WHERE email LIKE '%@mail.test'"))
        .isEqualTo(300);
  }

  @Test
  void credentialsFromTheRdsSecret_areUsedAndNeverPrinted() {
    secrets.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post("/")
            .withHeader(
                "X-Amz-Target",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                    "secretsmanager.GetSecretValue"))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okForContentType(
                    "application/x-amz-json-1.1",
                    "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:1:secret:rds\",\"SecretString\":"
                        + "\"{\\\"username\\\":\\\"postgres\\\",\\\"password\\\":\\\""
                        + PASSWORD
                        + "\\\"}\"}")));

    Run run =
        Run.of(
            AuroraRestore.entryPoint(),
            Map.of("DBRESTORE_MASKING_KEY", KEY),
            "mask",
            "--jdbc-url",
            url,
            "--password-secret",
            "arn:aws:secretsmanager:eu-west-1:1:secret:rds",
            "--rules",
            rules.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
  }

  @Test
  void passwordVariableNotSet_exits2() {
    Run run = mask(Map.of("DBRESTORE_MASKING_KEY", KEY));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--password-env PGPASSWORD_TEST: the variable is not set");
  }

  @Test
  void bothPasswordSources_exit2() {
    Run run = mask(env(), "--password-secret", "arn:aws:secretsmanager:eu-west-1:1:secret:x");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
  }

  @Test
  void undeclaredTable_exits3AndWritesNothing() throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE app.leads (id INT PRIMARY KEY, email TEXT)");
    }

    Run run = mask(env());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("app.leads");
    assertThat(count("SELECT count(*) FROM app.users WHERE email LIKE '%@mail.test'"))
        .isEqualTo(300);
  }

  @Test
  void plantedUnmaskedValue_exits5OnVerifyOnly() throws Exception {
    assertThat(mask(env()).exitCode()).isZero();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("UPDATE app.users SET email = 'leaked@mail.test' WHERE id = 1");
    }

    Run run = mask(env(), "--verify-only");

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.err()).contains("app.users: column email").doesNotContain("leaked@");
  }

  @Test
  void failedConnection_exits2WithoutPrintingThePassword() {
    Run run =
        Run.of(
            AuroraRestore.entryPoint(),
            Map.of("DBRESTORE_MASKING_KEY", KEY, "PGPASSWORD_TEST", PASSWORD),
            "mask",
            "--jdbc-url",
            url,
            "--user",
            "nobody",
            "--password-env",
            "PGPASSWORD_TEST",
            "--rules",
            rules.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("cannot connect").doesNotContain(PASSWORD);
  }
}
