package io.dbrestore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.sql.SqlMasking;
import io.dbrestore.masking.strategy.MaskingKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rules diff} against the demo's PostgreSQL CRM: a column, a JSON key and a whole table
 * taken out of the demo's rules are named in the patch with the expected suggestion, never a value;
 * applied, the real masking run with verification passes. {@code --schema-only} reads the catalogue
 * only: it works for a user who may not SELECT any row.
 */
class RulesDiffPostgresTest {
  EmbeddedPostgres postgres;
  String url;
  final List<String> emails = new ArrayList<>();
  @TempDir Path dir;

  @BeforeEach
  void crm() throws Exception {
    postgres =
        EmbeddedPostgres.builder()
            .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
            .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
            .start();
    url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    for (int i = 0; i < 120; i++) {
      emails.add("person" + i + ".crm@mail.test");
    }
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      PostgresDemo.createCrm(c, emails);
    }
  }

  @AfterEach
  void stop() throws Exception {
    postgres.close();
  }

  private Path rules(String text) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, text);
    return file;
  }

  private TestHost diff(Path rules, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "diff",
                "--rules",
                rules.toString(),
                "--jdbc-url",
                url,
                "--user",
                "postgres",
                "--databases",
                "crm"));
    args.addAll(List.of(more));
    return TestHost.run(Map.of(), args.toArray(String[]::new));
  }

  @Test
  void demoRules_coverTheCrm() throws Exception {
    TestHost run = diff(rules(RulesDiffMongoTest.demoRules()));
    assertThat(run.exitCode).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEmpty();
  }

  @Test
  void aRemovedColumnAndJsonKey_areInThePatch_andApplyingItMakesTheMaskingRunPass()
      throws Exception {
    String original = RulesDiffMongoTest.demoRules();
    String without =
        original
            .replace("          full_name: name\n", "")
            .replace(
                "          preferences.newsletter: keep               # paths reach into JSON"
                    + " columns\n",
                "");
    assertThat(without.length()).isLessThan(original.length() - 60);
    Path file = rules(without);

    TestHost diff = diff(file);

    assertThat(diff.exitCode).as(diff.stderr()).isEqualTo(3);
    assertThat(diff.stdout())
        .startsWith("databases:\n  crm:\n    tables:\n      customers:\n        fields:\n")
        .containsPattern("\\n {10}full_name: name  # review: name looks like a person's name\\n")
        .containsPattern("\\n {10}preferences.newsletter: keep  # review: values are booleans");
    assertThat(diff.stderr()).contains("rules-drift", "2 fields or columns");
    assertNoValue(diff);

    TestHost json = diff(file, "--json", "--exit-zero");
    JsonNode result = new ObjectMapper().readTree(json.stdout());
    assertThat(result.get("undeclared")).hasSize(2);
    assertThat(result.get("undeclared").findValuesAsText("kind"))
        .containsExactly("column", "json-key");

    assertThat(diff(file, "--apply").exitCode).isEqualTo(3);
    assertThat(diff(file).exitCode).isZero();
    assertMaskingPasses(file);
  }

  @Test
  void aRemovedTable_isSuggested_andApplyingItMakesTheMaskingRunPass() throws Exception {
    String without = RulesDiffMongoTest.demoRules().replace("      countries: keep\n", "");
    Path file = rules(without);

    TestHost diff = diff(file);

    assertThat(diff.exitCode).as(diff.stderr()).isEqualTo(3);
    assertThat(diff.stdout())
        .contains("      countries:  # review: undeclared table (2 documents)")
        .containsPattern("\\n {10}code: token  # review: a primary-key or unique column")
        .containsPattern("\\n {10}name: name  # review: ");
    assertNoValue(diff);

    diff(file, "--apply");
    assertThat(diff(file).exitCode).isZero();
    assertMaskingPasses(file);
  }

  @Test
  void suggestionsTheColumnCannotHold_fallBackToNullOrKeep_andTheRunPasses() throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "ALTER TABLE crm.customers ADD COLUMN short_email VARCHAR(20),"
              + " ADD COLUMN phone_copy TEXT GENERATED ALWAYS AS (phone) STORED,"
              + " ADD COLUMN nick_name VARCHAR(3) NOT NULL DEFAULT 'x',"
              + " ADD COLUMN member_code TEXT UNIQUE");
    }
    Path file = rules(RulesDiffMongoTest.demoRules());

    TestHost diff = diff(file, "--schema-only");

    assertThat(diff.exitCode).as(diff.stderr()).isEqualTo(3);
    assertThat(diff.stdout())
        .containsPattern(
            "\\n {10}short_email: \"null\"  # review: name looks like an e-mail, but 'email'"
                + " would not fit \\(character varying\\(20\\)\\): set to null\\n")
        .containsPattern("\\n {10}phone_copy: keep  # review: [^\\n]*check by hand\\n")
        .containsPattern("\\n {10}nick_name: keep  # review: [^\\n]*check by hand\\n")
        .containsPattern("\\n {10}member_code: token  # review: a primary-key or unique column");

    diff(file, "--apply");
    assertThat(diff(file).exitCode).isZero();
    assertMaskingPasses(file);
  }

  @Test
  void schemaOnly_readsNoRow_evenForAUserWhoCannotSelect() throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE catalogue_only LOGIN PASSWORD 'reader-pw-0001'");
      s.execute("GRANT USAGE ON SCHEMA crm TO catalogue_only");
      s.execute("ALTER TABLE crm.customers ADD COLUMN mobile_number TEXT");
    }
    Path file = rules(RulesDiffMongoTest.demoRules());
    long before = seqScans();
    Map<String, String> env = Map.of("DBRESTORE_DB_PASSWORD", "reader-pw-0001");
    List<String> args =
        List.of(
            "diff",
            "--rules",
            file.toString(),
            "--jdbc-url",
            url,
            "--user",
            "catalogue_only",
            "--databases",
            "crm");

    List<String> schemaOnly = new ArrayList<>(args);
    schemaOnly.add("--schema-only");
    TestHost run = TestHost.run(env, schemaOnly.toArray(String[]::new));

    assertThat(run.exitCode).as(run.stderr()).isEqualTo(3);
    assertThat(run.stdout()).containsPattern("\\n {10}mobile_number: phone  # review: ");
    assertThat(run.stdout() + run.stderr()).doesNotContain("reader-pw-0001");
    assertThat(seqScans()).isEqualTo(before);

    TestHost reading = TestHost.run(env, args.toArray(String[]::new));
    assertThat(reading.exitCode).isEqualTo(2);
    assertThat(reading.stderr()).contains("SELECT on the tables").doesNotContain("reader-pw-0001");
  }

  private long seqScans() throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables"
                  + " WHERE schemaname = 'crm'")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void assertMaskingPasses(Path rules) throws Exception {
    MaskingPlan plan =
        MaskingPlan.compile(RulesLoader.load(rules), MaskingKey.of(DemoCommand.DEMO_KEY));
    MaskingResult result =
        new SqlMasking(
                url,
                () -> postgres.getPostgresDatabase().getConnection(),
                plan,
                SqlMasking.defaultOptions().withParallelism(2).withUnitSize(1_000))
            .run();
    assertThat(result.verified()).isTrue();
  }

  private void assertNoValue(TestHost run) {
    String all = run.stdout() + run.stderr();
    for (String e : emails) {
      assertThat(all).doesNotContain(e);
    }
    assertThat(all)
        .doesNotContain("Zarevo", "Quenby", "+81 80-", "alt1@mail.test", "Japan", "10.0.");
  }
}
