package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SQL engine on a real PostgreSQL 16 (embedded binaries). */
class SqlMaskingPostgresTest {
  static final MaskingKey KEY = MaskingKey.of("sql-masking-test-key-0123456789abcdefghijkl");
  static EmbeddedPostgres postgres;
  static String url;

  static final String RULES =
      """
      version: 1
      databases:
        crm:
          tables:
            "Person":
              fields:
                id: keep
                "Email": email
                "order": {strategy: name, part: first}
                phone: phone
                birthday: {strategy: date-shift, days: 30}
                prefs.newsletter: keep
                prefs.contacts[].email: email
                prefs.contacts[].kind: keep
                secret_note: remove
            membership:
              fields:
                org_id: keep
                person_email: email
                since: keep
            audit: keep
            trigger_log: keep
            scratch: drop
      """;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    url = postgres.getJdbcUrl("postgres", "postgres");
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  private Connection connect() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }

  private void exec(String... statements) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  @BeforeEach
  void schema() throws SQLException {
    exec(
        "DROP SCHEMA IF EXISTS crm CASCADE",
        "CREATE SCHEMA crm",
        // Case-sensitive quoted identifiers and a reserved word as a column name.
        "CREATE TABLE crm.\"Person\" (id BIGINT PRIMARY KEY, \"Email\" TEXT UNIQUE,"
            + " \"order\" TEXT, phone TEXT, birthday DATE, prefs JSONB, secret_note TEXT)",
        // A composite key and a foreign key to a masked column.
        "CREATE TABLE crm.membership (org_id INT, person_email TEXT REFERENCES"
            + " crm.\"Person\"(\"Email\"), since DATE, PRIMARY KEY (org_id, person_email))",
        "CREATE TABLE crm.audit (at TIMESTAMP, what TEXT)",
        "CREATE TABLE crm.scratch (id INT PRIMARY KEY, token TEXT)",
        "CREATE VIEW crm.people AS SELECT id, \"Email\" FROM crm.\"Person\"",
        // A trigger that would fire on masking: it must not.
        "CREATE TABLE crm.trigger_log (n INT)",
        "CREATE FUNCTION crm.log() RETURNS trigger AS $$ BEGIN INSERT INTO crm.trigger_log"
            + " VALUES (1); RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER person_update BEFORE UPDATE ON crm.\"Person\" FOR EACH ROW EXECUTE"
            + " FUNCTION crm.log()");
    StringBuilder people = new StringBuilder("INSERT INTO crm.\"Person\" VALUES ");
    StringBuilder members = new StringBuilder("INSERT INTO crm.membership VALUES ");
    for (int i = 1; i <= 500; i++) {
      people
          .append(i > 1 ? "," : "")
          .append("(")
          .append(i)
          .append(", 'person")
          .append(i)
          .append("@mail.test', ")
          .append(i % 9 == 0 ? "NULL" : "'Quilma" + i + "'")
          .append(", '+81 90-1234-")
          .append(String.format("%04d", i))
          .append("', DATE '1980-01-01' + ")
          .append(i)
          .append(", '{\"newsletter\": true, \"contacts\": [{\"kind\": \"work\", \"email\":")
          .append(" \"work")
          .append(i)
          .append("@corp.test\"}]}', 'note ")
          .append(i)
          .append("')");
      members
          .append(i > 1 ? "," : "")
          .append("(")
          .append(i % 3)
          .append(", 'person")
          .append(i)
          .append("@mail.test', DATE '2020-01-01')");
    }
    exec(
        people.toString(),
        members.toString(),
        "INSERT INTO crm.audit VALUES (now(), 'created')",
        "INSERT INTO crm.scratch VALUES (1, 'x')");
  }

  private MaskingPlan plan(String rules) {
    return MaskingPlan.compile(RulesLoader.parse("sql-rules.yaml", rules), KEY);
  }

  private SqlMasking engine(String rules, SqlMasking.Options options) {
    return new SqlMasking(url, this::connect, plan(rules), options);
  }

  private static SqlMasking.Options options() {
    return SqlMasking.Options.defaults().withParallelism(3).withRangeRows(120).withBatchRows(50);
  }

  private Map<Long, String> emails() throws SQLException {
    Map<Long, String> emails = new HashMap<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, \"Email\" FROM crm.\"Person\"")) {
      while (rs.next()) {
        emails.put(rs.getLong(1), rs.getString(2));
      }
    }
    return emails;
  }

  private long count(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void run_masksEveryDeclaredColumnConsistentlyAndVerifies() throws Exception {
    Map<Long, String> before = emails();
    Strategy email = Strategies.create("email", Map.of(), KEY);

    MaskingResult result = engine(RULES, options()).run();

    assertThat(result.verified()).isTrue();
    Map<Long, String> after = emails();
    before.forEach((id, e) -> assertThat(after.get(id)).isEqualTo(email.mask(e)));
    // The same pseudonym in the referencing table: the foreign key still matches.
    assertThat(
            count(
                "SELECT count(*) FROM crm.membership m LEFT JOIN crm.\"Person\" p ON p.\"Email\" ="
                    + " m.person_email WHERE p.id IS NULL"))
        .isZero();
    assertThat(count("SELECT count(*) FROM crm.membership WHERE person_email LIKE '%@mail.test'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM crm.\"Person\" WHERE prefs::text LIKE '%corp.test%'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM crm.\"Person\" WHERE secret_note IS NOT NULL")).isZero();
    assertThat(count("SELECT count(*) FROM crm.\"Person\" WHERE \"order\" IS NULL")).isEqualTo(55);
    assertThat(count("SELECT count(*) FROM crm.\"Person\" WHERE \"order\" LIKE 'Quilma%'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM crm.scratch")).isZero();
    assertThat(count("SELECT count(*) FROM crm.audit")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM crm.trigger_log")).as("trigger fired").isZero();
  }

  @Test
  void sameEmail_masksExactlyAsTheMongoDbEngineDoes() throws Exception {
    engine(RULES, options()).run();

    // Golden value shared with the MongoDB engine's strategies (EmailGolden in both tests).
    Strategy email = Strategies.create("email", Map.of(), KEY);
    assertThat(emails().get(7L)).isEqualTo(email.mask("person7@mail.test"));
  }

  @Test
  void undeclaredTable_refusesBeforeAnyWrite() throws Exception {
    exec("CREATE TABLE crm.newsletter (id INT PRIMARY KEY, email TEXT)");
    Map<Long, String> before = emails();

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("crm.newsletter");
    assertThat(emails()).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM crm.scratch")).isEqualTo(1);
  }

  @Test
  void undeclaredColumn_refusesBeforeAnyWrite() throws Exception {
    exec("ALTER TABLE crm.\"Person\" ADD COLUMN passport TEXT");
    Map<Long, String> before = emails();

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .hasMessageContaining("crm.Person.passport");
    assertThat(emails()).isEqualTo(before);
  }

  @Test
  void undeclaredJsonKey_isFoundAndTheRunRefused() throws Exception {
    exec("UPDATE crm.\"Person\" SET prefs = prefs || '{\"ssn\": \"123\"}' WHERE id <= 3");

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .hasMessageContaining("crm.Person: prefs.ssn (3 documents)")
        .hasMessageNotContaining("123");
  }

  @Test
  void tableWithoutPrimaryKey_isRefusedWhenItMustBeMasked() throws Exception {
    String rules = RULES.replace("audit: keep", "audit: {fields: {at: keep, what: redact}}");

    assertThatThrownBy(() -> engine(rules, options()).run())
        .hasMessageContaining("crm.audit has no primary key");
  }

  @Test
  void interruptedRun_resumesWithEveryRowMaskedExactlyOnce() throws Exception {
    Map<Long, String> before = emails();
    AtomicInteger updates = new AtomicInteger();
    SqlMasking.Options dying =
        options()
            .withParallelism(1)
            .withProgress(
                (phase, done, total) -> {
                  if (updates.incrementAndGet() == 4) {
                    throw new IllegalStateException("simulated crash");
                  }
                });
    assertThatThrownBy(() -> engine(RULES, dying).run()).hasMessageContaining("simulated crash");

    engine(RULES, options()).run();

    Strategy email = Strategies.create("email", Map.of(), KEY);
    Map<Long, String> after = emails();
    before.forEach((id, e) -> assertThat(after.get(id)).isEqualTo(email.mask(e)));
  }

  @Test
  void plantedUnmaskedValue_failsVerification() throws Exception {
    engine(RULES, options()).run();
    exec(
        "SET session_replication_role = replica",
        "UPDATE crm.\"Person\" SET \"Email\" = 'someone.real@mail.test' WHERE id = 1");

    assertThatThrownBy(() -> engine(RULES, options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("crm.Person: column Email is not in masked form in 1 row")
        .hasMessageNotContaining("someone.real");
  }
}
