package io.dbrestore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.testing.Run;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI recipe (examples/ci/check-rules.sh) run with bash against an embedded PostgreSQL, with
 * dbrestore invoked as a job image would run it: a migration that adds a column fails the check
 * with exit 3 and the patch (also in the GitHub job summary); with the patch applied, it passes.
 */
class CheckRulesScriptTest {
  static final Path SCRIPT = Path.of("../examples/ci/check-rules.sh").toAbsolutePath().normalize();
  EmbeddedPostgres postgres;
  String url;
  @TempDir Path dir;

  @BeforeEach
  void schema() throws Exception {
    postgres =
        EmbeddedPostgres.builder()
            .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
            .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
            .start();
    url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    migrate(
        "CREATE SCHEMA app",
        "CREATE TABLE app.users (id BIGINT PRIMARY KEY, email TEXT NOT NULL, created TIMESTAMP)",
        "INSERT INTO app.users VALUES (1, 'ann.private@mail.test', now())");
    Files.writeString(
        dir.resolve("rules.yaml"),
        "version: 1\n"
            + "# The production rules, kept in the application's repository.\n"
            + "databases:\n"
            + "  app:\n"
            + "    tables:\n"
            + "      users:\n"
            + "        fields:\n"
            + "          id: keep\n"
            + "          email: email   # unique\n"
            + "          created: keep\n");
  }

  @AfterEach
  void stop() throws Exception {
    postgres.close();
  }

  private void migrate(String... statements) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  record Result(int exitCode, String out) {}

  private Result script() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder("bash", SCRIPT.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("DBRESTORE_JDBC_URL", url);
    env.put("DBRESTORE_USER", "postgres");
    env.put("DBRESTORE_RULES", "rules.yaml");
    env.put(
        "DBRESTORE_CMD",
        java + " -cp " + System.getProperty("java.class.path") + " " + RulesJob.class.getName());
    env.put("GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void aMigrationAddingAColumn_failsWithThePatch_andPassesOnceItIsApplied() throws Exception {
    Result clean = script();
    assertThat(clean.exitCode()).as(clean.out()).isZero();
    assertThat(clean.out()).contains("the masking rules declare every table and column");

    migrate("ALTER TABLE app.users ADD COLUMN mobile_phone TEXT");
    Result drift = script();

    assertThat(drift.exitCode()).as(drift.out()).isEqualTo(3);
    assertThat(drift.out())
        .contains(
            "databases:\n  app:\n    tables:\n      users:\n        fields:\n"
                + "          mobile_phone: phone  # review: name looks like a phone number\n")
        .doesNotContain("ann.private@mail.test");
    assertThat(Files.readString(dir.resolve("summary.md")))
        .contains("```yaml", "mobile_phone: phone");

    // The reviewer applies the patch (rules diff --apply), and the check passes.
    Run apply =
        Run.of(
            RulesJob.entryPoint(),
            Map.of(),
            "rules",
            "diff",
            "--schema-only",
            "--jdbc-url",
            url,
            "--user",
            "postgres",
            "--rules",
            dir.resolve("rules.yaml").toString(),
            "--apply",
            "--exit-zero");
    assertThat(apply.exitCode()).as(apply.err()).isZero();
    assertThat(Files.readString(dir.resolve("rules.yaml")))
        .contains(
            "          email: email   # unique\n          created: keep\n"
                + "          mobile_phone: phone  # review:");
    Result fixed = script();
    assertThat(fixed.exitCode()).as(fixed.out()).isZero();
  }

  @Test
  void insideAJob_theResultIsJson_andDriftIsExit3() throws Exception {
    migrate(
        "ALTER TABLE app.users ADD COLUMN notes TEXT",
        "CREATE TABLE app.flags (id INT PRIMARY KEY, on_off BOOLEAN)");

    Run run =
        Run.of(
            RulesJob.entryPoint(),
            Map.of(),
            "rules",
            "diff",
            "--jdbc-url",
            url,
            "--user",
            "postgres",
            "--rules",
            dir.resolve("rules.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("rules-drift");
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertThat(result.get("drift").asBoolean()).isTrue();
    assertThat(result.get("undeclared").findValuesAsText("kind"))
        .containsExactlyInAnyOrder("column", "table", "column", "column");
    assertThat(result.get("patch").asText())
        .contains(
            "notes: redact  # review:", "flags: keep  # review: undeclared table (0 documents)");
    assertThat(run.out() + run.err()).doesNotContain("ann.private@mail.test");

    Run zero =
        Run.of(
            RulesJob.entryPoint(),
            Map.of(),
            "rules",
            "diff",
            "--jdbc-url",
            url,
            "--user",
            "postgres",
            "--rules",
            dir.resolve("rules.yaml").toString(),
            "--exit-zero");
    assertThat(zero.exitCode()).as(zero.err()).isZero();
    JsonNode wrapped = new ObjectMapper().readTree(zero.out());
    assertThat(wrapped.get("job").asText()).isEqualTo("app-job");
    assertThat(wrapped.get("drift").asBoolean()).isTrue();
    // What the drift pipeline's ResultSelector takes ($.drift, $.patch) and publishes.
    assertThat(wrapped.get("patch").asText()).contains("notes: redact  # review:");
  }
}
