package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.dbrestore.masking.engine.CollectionReport;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the SQL engine promises on every database it supports. A subclass starts the database once
 * per class, hands out connections and says, in a few small methods, how its SQL differs; each test
 * gets a fresh {@code crm} schema (a database, in the MySQL family).
 */
abstract class SqlMaskingContract {
  static final MaskingKey KEY = MaskingKey.of("sql-masking-test-key-0123456789abcdefghijkl");
  static final int PEOPLE = 500;

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

  // ---- what differs per database ----------------------------------------------------------

  /** The JDBC URL the engine sees (it picks the dialect from it). */
  abstract String url();

  /** A connection to the server that holds the {@code crm} schema (auto-commit on). */
  abstract Connection connect() throws SQLException;

  /** Statements that leave an empty {@code crm} schema and nothing else the rules do not name. */
  abstract List<String> freshSchema();

  /** An identifier quoted exactly as written. */
  abstract String q(String identifier);

  /** The definition of a JSON column (type and constraints) named {@code column}. */
  abstract String jsonColumn(String column);

  /** The text of a JSON column, for LIKE. */
  abstract String jsonText(String column);

  /** Statements that make an UPDATE of {@code crm.Person} insert a row into crm.trigger_log. */
  abstract List<String> personUpdateTrigger();

  /** Whether the engine can turn triggers off for its session (or must refuse the table). */
  abstract boolean triggersCanBeTurnedOff();

  /** Statement that lets this session break foreign keys and not fire triggers. */
  abstract String relaxedSession();

  // ---- fixture ----------------------------------------------------------------------------

  String person() {
    return "crm." + q("Person");
  }

  void exec(String... statements) throws SQLException {
    exec(List.of(statements));
  }

  void exec(List<String> statements) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  @BeforeEach
  void schema() throws SQLException {
    exec(freshSchema());
    exec(
        // Case-sensitive quoted identifiers and a reserved word as a column name.
        "CREATE TABLE "
            + person()
            + " (id BIGINT PRIMARY KEY, "
            + q("Email")
            + " VARCHAR(255) UNIQUE, "
            + q("order")
            + " VARCHAR(255), phone VARCHAR(255), birthday DATE, "
            + jsonColumn("prefs")
            + ", secret_note VARCHAR(255))",
        // A composite key that holds a masked column, and a foreign key to a masked column.
        "CREATE TABLE crm.membership (org_id INT, person_email VARCHAR(255), since DATE,"
            + " PRIMARY KEY (org_id, person_email), FOREIGN KEY (person_email) REFERENCES "
            + person()
            + " ("
            + q("Email")
            + "))",
        "CREATE TABLE crm.audit (" + q("at") + " TIMESTAMP, what VARCHAR(255))",
        "CREATE TABLE crm.scratch (id INT PRIMARY KEY, token VARCHAR(255))",
        "CREATE VIEW crm.people AS SELECT id, " + q("Email") + " FROM " + person(),
        "CREATE TABLE crm.trigger_log (n INT)");
    StringBuilder people = new StringBuilder("INSERT INTO " + person() + " VALUES ");
    StringBuilder members = new StringBuilder("INSERT INTO crm.membership VALUES ");
    for (int i = 1; i <= PEOPLE; i++) {
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
          .append("', DATE '")
          .append(birthday(i))
          .append("', '{\"newsletter\": true, \"contacts\": [{\"kind\": \"work\", \"email\":")
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
        "INSERT INTO crm.audit VALUES (CURRENT_TIMESTAMP, 'created')",
        "INSERT INTO crm.scratch VALUES (1, 'x')");
  }

  static LocalDate birthday(int i) {
    return LocalDate.of(1980, 1, 1).plusDays(i);
  }

  MaskingPlan plan(String rules) {
    return MaskingPlan.compile(RulesLoader.parse("sql-rules.yaml", rules), KEY);
  }

  SqlMasking engine(String rules, RunOptions options) {
    return new SqlMasking(url(), this::connect, plan(rules), options);
  }

  static RunOptions options() {
    return SqlMasking.defaultOptions().withParallelism(3).withUnitSize(120).withBatchSize(50);
  }

  Map<Long, String> emails() throws SQLException {
    return column(q("Email"));
  }

  Map<Long, String> column(String column) throws SQLException {
    Map<Long, String> values = new HashMap<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, " + column + " FROM " + person())) {
      while (rs.next()) {
        values.put(rs.getLong(1), rs.getString(2));
      }
    }
    return values;
  }

  long count(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every row of Person and membership holds exactly the once-masked value of its original. */
  void assertMaskedExactlyOnce(Map<Long, String> emailsBefore) throws SQLException {
    Strategy email = Strategies.create("email", Map.of(), KEY);
    Strategy name = Strategies.create("name", Map.of("part", "first"), KEY);
    Strategy shift = Strategies.create("date-shift", Map.of("days", 30), KEY);
    Map<Long, String> emails = emails();
    Map<Long, String> names = column(q("order"));
    Map<Long, String> birthdays = column("birthday");
    assertThat(emails).hasSize(PEOPLE);
    for (int i = 1; i <= PEOPLE; i++) {
      long id = i;
      assertThat(emails.get(id)).as("Email of %d", id).isEqualTo(email.mask(emailsBefore.get(id)));
      assertThat(names.get(id))
          .as("order of %d", id)
          .isEqualTo(i % 9 == 0 ? null : name.mask("Quilma" + i));
      assertThat(birthdays.get(id))
          .as("birthday of %d", id)
          .isEqualTo(shift.mask(birthday(i)).toString());
    }
    // The same pseudonym in the referencing table, whose primary key holds it: it still matches.
    assertThat(
            count(
                "SELECT count(*) FROM crm.membership m JOIN "
                    + person()
                    + " p ON p."
                    + q("Email")
                    + " = m.person_email"))
        .isEqualTo(PEOPLE);
    assertThat(count("SELECT count(*) FROM crm.membership")).isEqualTo(PEOPLE);
  }

  // ---- the contract -----------------------------------------------------------------------

  @Test
  void run_masksEveryDeclaredColumnConsistentlyAndVerifies() throws Exception {
    Map<Long, String> before = emails();

    MaskingResult result = engine(RULES, options()).run();

    assertThat(result.verified()).isTrue();
    assertMaskedExactlyOnce(before);
    assertThat(count("SELECT count(*) FROM crm.membership WHERE person_email LIKE '%@mail.test'"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM "
                    + person()
                    + " WHERE "
                    + jsonText("prefs")
                    + " LIKE '%corp.test%'"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM "
                    + person()
                    + " WHERE "
                    + jsonText("prefs")
                    + " LIKE '%newsletter%true%'"))
        .isEqualTo(PEOPLE);
    assertThat(count("SELECT count(*) FROM " + person() + " WHERE secret_note IS NOT NULL"))
        .isZero();
    assertThat(count("SELECT count(*) FROM " + person() + " WHERE " + q("order") + " IS NULL"))
        .isEqualTo(PEOPLE / 9);
    assertThat(count("SELECT count(*) FROM crm.scratch")).isZero();
    assertThat(count("SELECT count(*) FROM crm.audit")).isEqualTo(1);
    // The view is read through, never written: it shows the masked table.
    assertThat(count("SELECT count(*) FROM crm.people WHERE " + q("Email") + " LIKE '%@mail.test'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM crm.people")).isEqualTo(PEOPLE);
  }

  @Test
  void sameEmail_masksExactlyAsTheMongoDbEngineDoes() throws Exception {
    engine(RULES, options()).run();

    // The MongoDB engine, same key, same e-mail, in a document.
    String inMongo;
    try (var server = io.dbrestore.testsupport.InProcessMongo.start();
        var client = com.mongodb.client.MongoClients.create(server.uri())) {
      client
          .getDatabase("crm")
          .getCollection("Person")
          .insertOne(new org.bson.Document("_id", 7).append("Email", "person7@mail.test"));
      String mongoRules =
          """
          version: 1
          databases:
            crm:
              collections:
                Person:
                  fields:
                    _id: keep
                    Email: email
          """;
      new io.dbrestore.masking.mongo.MongoMasking(
              client,
              MaskingPlan.compile(RulesLoader.parse("mongo.yaml", mongoRules), KEY),
              io.dbrestore.masking.mongo.MongoMasking.defaultOptions())
          .run();
      inMongo = client.getDatabase("crm").getCollection("Person").find().first().getString("Email");
    }

    // Golden: pinned, so that neither engine's output can drift without a new strategy version.
    assertThat(inMongo).isEqualTo("mutyiiigmkojjqdmc7uf@example.com");
    assertThat(emails().get(7L)).isEqualTo(inMongo);
  }

  @Test
  void updateTriggerOnMaskedTable_isTurnedOffOrTheTableRefused() throws Exception {
    exec(personUpdateTrigger());
    Map<Long, String> before = emails();

    if (triggersCanBeTurnedOff()) {
      assertThat(engine(RULES, options()).run().verified()).isTrue();
      assertMaskedExactlyOnce(before);
      assertThat(count("SELECT count(*) FROM crm.trigger_log")).as("trigger fired").isZero();
    } else {
      assertThatThrownBy(() -> engine(RULES, options()).run())
          .isInstanceOfSatisfying(
              MaskingException.class,
              e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
          .hasMessageContaining("crm.Person has UPDATE triggers [person_update]");
      assertThat(emails()).isEqualTo(before);
      assertThat(count("SELECT count(*) FROM crm.scratch")).isEqualTo(1);
      assertThat(count("SELECT count(*) FROM crm.trigger_log")).isZero();
    }
  }

  @Test
  void undeclaredTable_refusesBeforeAnyWrite() throws Exception {
    exec("CREATE TABLE crm.newsletter (id INT PRIMARY KEY, email VARCHAR(255))");
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
    exec("ALTER TABLE " + person() + " ADD COLUMN passport VARCHAR(255)");
    Map<Long, String> before = emails();

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .hasMessageContaining("crm.Person.passport");
    assertThat(emails()).isEqualTo(before);
  }

  @Test
  void undeclaredJsonKey_isFoundAndTheRunRefused() throws Exception {
    exec(
        "UPDATE "
            + person()
            + " SET prefs = '{\"newsletter\": false, \"contacts\": [], \"ssn\": \"123\"}'"
            + " WHERE id <= 3");

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .hasMessageContaining("crm.Person: prefs.ssn (3 documents)")
        .hasMessageNotContaining("123");
  }

  @Test
  void pathIntoAColumnThatIsNotJson_isInvalidRules() {
    String rules = RULES.replace("phone: phone", "phone.number: phone");

    assertThatThrownBy(() -> engine(rules, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("crm.Person.phone.number: a path into column phone, which is not");
  }

  @Test
  void textColumnNamedLikeAJsonColumnOfAnotherTable_isNotJson() throws Exception {
    exec("CREATE TABLE crm.settings (id INT PRIMARY KEY, prefs VARCHAR(255))");
    String rules =
        RULES
            + """
                  settings:
                    fields:
                      id: keep
                      prefs.theme: keep
            """;

    assertThatThrownBy(() -> engine(rules, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("crm.settings.prefs.theme: a path into column prefs, which is not");
  }

  @Test
  void tableWithoutPrimaryKey_isRefusedWhenItMustBeMasked() throws Exception {
    String rules = RULES.replace("audit: keep", "audit: {fields: {at: keep, what: redact}}");

    assertThatThrownBy(() -> engine(rules, options()).run())
        .hasMessageContaining("crm.audit has no primary key");
    assertThat(count("SELECT count(*) FROM crm.scratch")).isEqualTo(1);
  }

  @Test
  void interruptedRun_resumesWithEveryRowMaskedExactlyOnce() throws Exception {
    Map<Long, String> before = emails();
    AtomicInteger updates = new AtomicInteger();
    RunOptions dying =
        options()
            .withParallelism(1)
            .withProgress(
                (phase, done, total) -> {
                  if (updates.incrementAndGet() == 4) {
                    throw new IllegalStateException("simulated crash");
                  }
                });
    assertThatThrownBy(() -> engine(RULES, dying).run()).hasMessageContaining("simulated crash");
    assertThat(
            count(
                    "SELECT count(*) FROM "
                        + person()
                        + " WHERE "
                        + q("Email")
                        + " LIKE '%@mail.test'")
                + count(
                    "SELECT count(*) FROM crm.membership WHERE person_email LIKE '%@mail.test'"))
        .as("the crash came after some batches were written, before the last")
        .isBetween(1L, 2L * PEOPLE - 1);

    assertThat(engine(RULES, options()).run().verified()).isTrue();

    assertMaskedExactlyOnce(before);
  }

  @Test
  void verifyOnly_afterARun_passesOnTheTablesAsTheyAre_withNothingMasked() throws Exception {
    MaskingResult run = engine(RULES, options()).run();
    assertThat(run.documentsMasked()).isPositive();

    MaskingResult verified = engine(RULES, options()).verifyOnly();

    assertThat(verified.verified()).isTrue();
    assertThat(verified.manifest()).isEqualTo(run.manifest());
    assertThat(verified.documentsMasked()).isZero();
    assertThat(verified.undeclaredFields()).isEmpty();
    assertThat(verified.collections())
        .extracting(
            CollectionReport::collection,
            CollectionReport::masked,
            CollectionReport::seconds,
            CollectionReport::verification)
        .containsExactlyElementsOf(
            run.collections().stream().map(c -> tuple(c.collection(), 0L, 0.0, "passed")).toList());
  }

  /**
   * Progress counts each row once, also where masking the primary key (crm.membership's
   * person_email) moves rows ahead in key order, where their range reads them again.
   */
  @Test
  void progress_neverPassesTheTotal_whenTheKeyIsMasked() throws Exception {
    java.util.concurrent.ConcurrentHashMap<String, long[]> seen =
        new java.util.concurrent.ConcurrentHashMap<>();
    engine(
            RULES,
            options()
                .withProgress(
                    (phase, done, total) ->
                        seen.merge(
                            phase, new long[] {done, total}, (a, b) -> a[0] >= b[0] ? a : b)))
        .run();

    assertThat(seen).containsKey("mask");
    seen.forEach(
        (phase, last) -> assertThat(last[0]).as(phase + ": done of total").isEqualTo(last[1]));
  }

  /** A copy nobody masked has no run record: verification says so (exit 5), and writes nothing. */
  @Test
  void verifyOnly_onACopyNeverMasked_failsNamingTheMissingRecord() throws Exception {
    List<String> before = everyTextValue();

    assertThatThrownBy(() -> engine(RULES, options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("schema crm has no masking record");
    assertThat(everyTextValue()).isEqualTo(before);
  }

  /** A copy masked with other rules is not verified against these. */
  @Test
  void verifyOnly_withOtherRules_failsNamingThem() throws Exception {
    engine(RULES, options()).run();

    assertThatThrownBy(
            () ->
                engine(RULES.replace("version: 1", "version: 1\n# other"), options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("schema crm was masked with other rules");
  }

  @Test
  void plantedUnmaskedValue_failsVerification() throws Exception {
    engine(RULES, options()).run();
    exec(
        relaxedSession(),
        "UPDATE " + person() + " SET " + q("Email") + " = 'someone.real@mail.test' WHERE id = 1");

    assertThatThrownBy(() -> engine(RULES, options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("crm.Person: column Email is not in masked form in 1 row")
        .hasMessageNotContaining("someone.real");
  }

  @Test
  void brokenForeignKey_failsVerificationNamingTheConstraint() throws Exception {
    engine(RULES, options()).run();
    String pseudonymOfNobody =
        (String) Strategies.create("email", java.util.Map.of(), KEY).mask("nobody@mail.test");
    exec(
        relaxedSession(),
        "UPDATE crm.membership SET person_email = '"
            + pseudonymOfNobody
            + "' WHERE org_id = 1 AND person_email IN (SELECT "
            + q("Email")
            + " FROM "
            + person()
            + " WHERE id = 1)");

    assertThatThrownBy(() -> engine(RULES, options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("crm.membership: foreign key")
        .hasMessageContaining("no longer holds for 1 row");
  }

  /** Every value of every text or JSON column of every table of schema crm. */
  private List<String> everyTextValue() throws SQLException {
    List<String> values = new java.util.ArrayList<>();
    try (Connection c = connect()) {
      java.sql.DatabaseMetaData meta = c.getMetaData();
      List<String[]> columns = new java.util.ArrayList<>();
      for (String catalogOrSchema : List.of("crm")) {
        try (java.sql.ResultSet rs =
            url().startsWith("jdbc:postgresql")
                ? meta.getColumns(null, catalogOrSchema, "%", "%")
                : meta.getColumns(catalogOrSchema, null, "%", "%")) {
          while (rs.next()) {
            String table = rs.getString("TABLE_NAME");
            String type = rs.getString("TYPE_NAME").toLowerCase(java.util.Locale.ROOT);
            if (!table.startsWith("__")
                && (type.contains("char") || type.contains("text") || type.contains("json"))) {
              columns.add(new String[] {table, rs.getString("COLUMN_NAME")});
            }
          }
        }
      }
      for (String[] col : columns) {
        try (Statement s = c.createStatement();
            java.sql.ResultSet rs =
                s.executeQuery("SELECT " + q(col[1]) + " FROM crm." + q(col[0]))) {
          while (rs.next()) {
            Object v = rs.getObject(1);
            if (v != null) {
              values.add(v.toString());
            }
          }
        }
      }
    }
    return values;
  }

  @Test
  void afterMasking_noOriginalPersonalValueIsLeftInAnyTextOrJsonColumn() throws Exception {
    java.util.Set<String> planted = new java.util.HashSet<>();
    for (int i = 1; i <= PEOPLE; i++) {
      planted.add("person" + i + "@mail.test");
      planted.add("work" + i + "@corp.test");
      planted.add("Quilma" + i);
      planted.add("note " + i);
      planted.add("+81 90-1234-" + String.format("%04d", i));
    }
    assertThat(everyTextValue()).anyMatch(planted::contains);

    engine(RULES, options()).run();

    for (String value : everyTextValue()) {
      for (String original : planted) {
        assertThat(value).as("a text or JSON value after masking").doesNotContain(original);
      }
    }
  }

  // ---- columns that cannot hold what their strategy writes (issue 14) ---------------------

  static final String FIT_RULES =
      RULES
          + """
                fit:
                  fields:
                    id: keep
                    total: keep
                    doubled: redact
                    short_email: email
                    long_email: email
                    required: "null"
                    label: {strategy: constant, value: "n/a"}
                    status: {strategy: constant, value: "x"}
                    num: email
                    born: email
                    note: "null"
          """;

  /** A table with one column of each kind of misfit, and columns whose strategy fits. */
  void fitTable() throws SQLException {
    exec(
        "CREATE TABLE crm.fit (id INT PRIMARY KEY, total INT,"
            + " doubled INT GENERATED ALWAYS AS (total * 2) STORED,"
            + " short_email VARCHAR(24), long_email VARCHAR(64),"
            + " required VARCHAR(40) NOT NULL, label VARCHAR(20) NOT NULL,"
            + " status VARCHAR(20), num INT, born DATE, note VARCHAR(255),"
            + " CONSTRAINT status_known CHECK (status IN ('open', 'closed')))",
        "INSERT INTO crm.fit (id, total, short_email, long_email, required, label, status, num,"
            + " born, note) VALUES (1, 5, 'a@b.c', 'alice@example.org', 'r', 'l', 'open', 7,"
            + " DATE '1990-01-02', 'n'), (2, 6, 'b@b.c', 'bob@example.org', 'r2', 'l2',"
            + " 'closed', 8, DATE '1991-03-04', NULL)");
  }

  /** Every row of every table the fit test reads, as text: proof that nothing was written. */
  String dump() throws SQLException {
    return rows(
        "SELECT * FROM crm.fit ORDER BY id",
        "SELECT * FROM " + person() + " ORDER BY id",
        "SELECT * FROM crm.membership ORDER BY org_id, person_email");
  }

  /** The rows the queries return, as text. */
  String rows(String... queries) throws SQLException {
    StringBuilder out = new StringBuilder();
    for (String sql : queries) {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            out.append(rs.getString(i)).append('|');
          }
          out.append('\n');
        }
      }
    }
    return out.toString();
  }

  long maskingRecordTables() throws SQLException {
    return count(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = '__dbrestore_masking'");
  }

  @Test
  void columnsThatCannotHoldTheirStrategy_areAllRefusedBeforeAnyWrite() throws Exception {
    fitTable();
    String before = dump();

    assertThatThrownBy(() -> engine(FIT_RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("(6, nothing was written)")
        .hasMessageContaining(
            "crm.fit.doubled: a generated column (its value is computed by the database) cannot"
                + " be written; declare it keep")
        .hasMessageContaining(
            "crm.fit.short_email: 'email' writes up to 32 characters and the column holds 24")
        .hasMessageContaining("widen the column on the copy to at least 32 characters")
        .hasMessageContaining(
            "crm.fit.required: 'null' writes NULL into a NOT NULL column; use a strategy that"
                + " writes a value")
        .hasMessageContaining(
            "crm.fit.status: masked with 'constant' but read by CHECK constraint status_known")
        .hasMessageContaining("drop the constraint on the copy before masking")
        .hasMessageContaining("crm.fit.num: 'email' writes text, which a column of type")
        .hasMessageContaining("crm.fit.born: 'email' writes text, which a column of type")
        .hasMessageContaining("sql-rules.yaml:")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("crm.fit.long_email")
                    .doesNotContain("crm.fit.label")
                    .doesNotContain("crm.fit.note")
                    .doesNotContain("crm.fit.total"));
    assertThat(dump()).isEqualTo(before);
    assertThat(maskingRecordTables()).isZero();
  }

  static final String LIMIT_RULES =
      RULES
          + """
                limits:
                  fields:
                    id: keep
                    small: {strategy: constant, value: 100000}
                    price: {strategy: constant, value: 12345.5}
                    fine_small: {strategy: constant, value: -32768}
                    fine_price: {strategy: constant, value: 999.99}
                    padded: email
          """;

  /** Numbers a constant must fit, and a fixed-width text column the pseudonym is padded in. */
  void limitsTable() throws SQLException {
    exec(
        "CREATE TABLE crm.limits (id INT PRIMARY KEY, small SMALLINT, price NUMERIC(5,2),"
            + " fine_small SMALLINT, fine_price NUMERIC(5,2), padded CHAR(40))",
        "INSERT INTO crm.limits VALUES (1, 1, 1.5, 2, 2.5, 'Alice@Example.org'),"
            + " (2, 3, 3.5, 4, 4.5, 'bob@example.org')");
  }

  @Test
  void constantsOutOfTheColumnsRange_areRefusedBeforeAnyWrite() throws Exception {
    limitsTable();
    String before = dumpOf("crm.limits");

    assertThatThrownBy(() -> engine(LIMIT_RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("(2, nothing was written)")
        .hasMessageContaining("crm.limits.small: 'constant' value 100000 does not fit")
        .hasMessageContaining("crm.limits.price: 'constant' value 12345.5 does not fit")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("crm.limits.fine_small")
                    .doesNotContain("crm.limits.fine_price")
                    .doesNotContain("crm.limits.padded"));
    assertThat(dumpOf("crm.limits")).isEqualTo(before);
    assertThat(maskingRecordTables()).isZero();
  }

  @Test
  void fixedWidthTextColumn_masksLikeVarcharAndVerifiesAgain() throws Exception {
    limitsTable();
    String rules =
        LIMIT_RULES
            .replace("small: {strategy: constant, value: 100000}", "small: keep")
            .replace("price: {strategy: constant, value: 12345.5}", "price: keep");
    String varcharPseudonym;
    exec(
        "INSERT INTO " + person() + " (id, " + q("Email") + ") VALUES (9001, 'Alice@Example.org')");

    engine(rules, options()).run();
    assertThat(engine(rules, options()).verifyOnly().verified()).isTrue();

    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT " + q("Email") + " FROM " + person() + " WHERE id = 9001")) {
      assertThat(rs.next()).isTrue();
      varcharPseudonym = rs.getString(1);
    }
    // The padding is not part of the value: the CHAR(40) copy holds the same pseudonym as the
    // VARCHAR one (no blanks hashed in), and a second run finds it masked (not masked again).
    assertThat(
            count(
                "SELECT count(*) FROM crm.limits WHERE id = 1 AND padded = '"
                    + varcharPseudonym
                    + "'"))
        .isEqualTo(1);
    engine(rules, options()).run();
    assertThat(
            count(
                "SELECT count(*) FROM crm.limits WHERE id = 1 AND padded = '"
                    + varcharPseudonym
                    + "'"))
        .isEqualTo(1);
  }

  String dumpOf(String table) throws SQLException {
    return rows("SELECT * FROM " + table + " ORDER BY 1");
  }

  @Test
  void columnsThatHoldTheirStrategy_areMasked() throws Exception {
    fitTable();
    String rules =
        FIT_RULES
            .replace("doubled: redact", "doubled: keep")
            .replace("short_email: email", "short_email: {strategy: token, length: 20}")
            .replace("required: \"null\"", "required: redact")
            .replace("status: {strategy: constant, value: \"x\"}", "status: keep")
            .replace("num: email", "num: {strategy: constant, value: 0}")
            .replace("born: email", "born: {strategy: date-shift, days: 30}");

    engine(rules, options()).run();

    assertThat(count("SELECT count(*) FROM crm.fit WHERE long_email LIKE '%@example.com'"))
        .isEqualTo(2);
    assertThat(count("SELECT count(*) FROM crm.fit WHERE label = 'n/a' AND num = 0")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM crm.fit WHERE note IS NULL")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM crm.fit WHERE doubled = total * 2")).isEqualTo(2);
  }

  // ---- JSON columns: keys that are data, shapes that differ from the rules (issue 14) ------

  /** Person's prefs as JSON text, by id, for before/after dumps. */
  Map<Long, String> prefs() throws SQLException {
    return column(jsonText("prefs"));
  }

  /**
   * A JSON top-level scalar (or array of scalars) where the rules expect an object: counted like an
   * undeclared path, set to JSON null (never left as it was, under either policy), and the run
   * refuses at its end under the fail policy, like MongoDB.
   */
  @Test
  void jsonScalarWhereTheRulesExpectAnObject_isSetToNullCountedAndRefusedAtTheEnd()
      throws Exception {
    exec(
        "UPDATE " + person() + " SET prefs = '\"someone@example.com\"' WHERE id = 7",
        "UPDATE " + person() + " SET prefs = '[\"other@example.com\"]' WHERE id = 8");
    Map<Long, String> before = prefs();
    assertThat(before.get(7L)).contains("someone@example.com");

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining(
            "crm.Person: prefs (2 documents) holding a string where the rules expect a"
                + " sub-document (set to null)")
        .hasMessageNotContaining("someone@example.com")
        .hasMessageNotContaining("other@example.com");
    Map<Long, String> after = prefs();
    assertThat(after.get(7L)).as("the scalar under prefs").isEqualTo("null");
    assertThat(after.get(8L).replace(" ", "")).as("the array of scalars").isEqualTo("[null]");
    assertThat(after.get(9L)).as("an object under prefs, masked").isNotEqualTo(before.get(9L));
  }

  @Test
  void jsonScalarWhereTheRulesExpectAnObject_underWarn_isSetToNullAndTheRunVerifies()
      throws Exception {
    exec("UPDATE " + person() + " SET prefs = '\"someone@example.com\"' WHERE id = 7");

    MaskingResult result =
        engine("version: 1\npolicy:\n  undeclared-fields: warn\n" + RULES.substring(11), options())
            .run();

    assertThat(result.verified()).isTrue();
    assertThat(result.undeclaredFields().get("crm.Person"))
        .containsEntry(
            "prefs holding a string where the rules expect a sub-document (set to null)", 1L);
    assertThat(prefs().get(7L)).isEqualTo("null");
  }

  /** Only {@code settings} is masked: a refusal in it leaves every table as it was. */
  static final String KEYS_RULES =
      """
      version: 1
      databases:
        crm:
          tables:
            "Person": keep
            membership: keep
            audit: keep
            trigger_log: keep
            scratch: keep
            settings:
              fields:
                id: keep
                owner: email
                prefs{}: email
                prefs.*.theme: keep
                prefs.*.note: redact
      """;

  void settingsTable(String prefs) throws SQLException {
    exec(
        "CREATE TABLE crm.settings (id INT PRIMARY KEY, owner VARCHAR(255), "
            + jsonColumn("prefs")
            + ")",
        "INSERT INTO crm.settings VALUES (1, 'ann@mail.test', '{\"ann@mail.test\": {\"theme\":"
            + " \"dark\", \"note\": \"call Ann\"}, \"bob@mail.test\": {\"theme\": \"light\"}}'),"
            + " (2, 'bob@mail.test', '"
            + prefs
            + "')");
  }

  /** Every row of the tables the keys tests read, as text. */
  String keysDump() throws SQLException {
    return rows(
        "SELECT id, owner, " + jsonText("prefs") + " FROM crm.settings ORDER BY id",
        "SELECT * FROM " + person() + " ORDER BY id");
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> settingsPrefs(long id) throws Exception {
    String json;
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT " + jsonText("prefs") + " FROM crm.settings WHERE id = " + id)) {
      rs.next();
      json = rs.getString(1);
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
  }

  @Test
  void jsonKeys_maskedWithTheSamePseudonymAsAColumn_valuesUnderStarRules() throws Exception {
    settingsTable("{}");
    Strategy email = Strategies.create("email", Map.of(), KEY);

    assertThat(engine(KEYS_RULES, options()).run().verified()).isTrue();

    Map<String, Object> prefs = settingsPrefs(1);
    String ann = email.mask("ann@mail.test").toString();
    assertThat(prefs.keySet())
        .containsExactlyInAnyOrder(ann, email.mask("bob@mail.test").toString());
    assertThat(count("SELECT count(*) FROM crm.settings WHERE owner = '" + ann + "'"))
        .as("the key and the column, masked alike")
        .isOne();
    Map<String, Object> annPrefs = (Map<String, Object>) prefs.get(ann);
    assertThat(annPrefs.get("theme")).isEqualTo("dark");
    assertThat(annPrefs.get("note")).isNotEqualTo("call Ann");
    assertThat(keysDump().split("\n", 3)[0] + keysDump().split("\n", 3)[1])
        .as("the settings rows")
        .doesNotContain("@mail.test")
        .doesNotContain("call Ann");
  }

  @Test
  void jsonKeys_undeclaredFieldUnderAMap_isReportedWithStar_neverTheKey() throws Exception {
    settingsTable("{\"erin@mail.test\": {\"theme\": \"x\", \"pin\": 1}}");

    assertThatThrownBy(() -> engine(KEYS_RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("crm.settings: prefs.*.pin (1 document)")
        .hasMessageNotContaining("erin@");
  }

  @Test
  void jsonKeys_twoThatMaskToOneKey_failTheRunNamingThePath_andNothingIsWritten() throws Exception {
    settingsTable(
        "{\"Gail@Mail.test\": {\"theme\": \"a\"}, \" gail@mail.test\": {\"theme\": \"b\"}}");
    String before = keysDump();

    assertThatThrownBy(() -> engine(KEYS_RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining(
            "crm.settings: two keys of one sub-document at 'prefs' mask to the same key with"
                + " 'prefs{}: email' (line 14), which would merge their entries")
        .hasMessageContaining("mask these keys with token, or make them distinct in the source")
        .satisfies(e -> assertThat(e.getMessage().toLowerCase()).doesNotContain("gail"));
    assertThat(keysDump()).isEqualTo(before);
  }

  @Test
  void jsonKeys_verificationCatchesAKeyLeftUnmasked() throws Exception {
    settingsTable("{}");
    engine(KEYS_RULES, options()).run();
    exec("UPDATE crm.settings SET prefs = '{\"leak@mail.test\": {\"theme\": \"x\"}}' WHERE id = 2");

    assertThatThrownBy(() -> engine(KEYS_RULES, options()).verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("crm.settings: column prefs{} is not in masked form in 1 row")
        .hasMessageNotContaining("leak@");
  }

  // ---- triggers that would fire on the run's writes (issue 14) -----------------------------
  // PostgreSQL: the masking session (session_replication_role = replica) holds back triggers and
  // rules enabled ORIGIN; those enabled ALWAYS (or REPLICA) fire. The MySQL family: every trigger
  // fires. Whatever would fire is refused before any write, each with its fix.

  boolean postgres() {
    return url().startsWith("jdbc:postgresql");
  }

  /** Every row of the tables these tests write or plant in, as text. */
  String triggerDump() throws SQLException {
    return rows(
        "SELECT * FROM " + person() + " ORDER BY id",
        "SELECT * FROM crm.membership ORDER BY org_id, person_email",
        "SELECT * FROM crm.scratch ORDER BY id",
        "SELECT * FROM crm.trigger_log ORDER BY n");
  }

  /**
   * A trigger on {@code table} that copies a planted value (42) into crm.trigger_log on {@code
   * event}; in PostgreSQL enabled ALWAYS, so that it fires in the masking session.
   */
  List<String> plantingTrigger(String name, String table, String event) {
    if (postgres()) {
      return List.of(
          "CREATE OR REPLACE FUNCTION crm.plant() RETURNS trigger AS $$ BEGIN INSERT INTO"
              + " crm.trigger_log VALUES (42); RETURN NULL; END $$ LANGUAGE plpgsql",
          "CREATE TRIGGER "
              + name
              + " AFTER "
              + event
              + " ON "
              + table
              + " FOR EACH ROW EXECUTE FUNCTION crm.plant()",
          "ALTER TABLE " + table + " ENABLE ALWAYS TRIGGER " + name);
    }
    return List.of(
        "CREATE TRIGGER crm."
            + name
            + " AFTER "
            + event
            + " ON "
            + table
            + " FOR EACH ROW INSERT INTO crm.trigger_log VALUES (42)");
  }

  String disableFix(String schemaTable, String trigger) {
    return postgres()
        ? "ALTER TABLE " + schemaTable + " DISABLE TRIGGER \"" + trigger + "\""
        : "DROP TRIGGER `crm`.`" + trigger + "`";
  }

  /**
   * Emptying a table (the rules drop it) DELETEs its rows: a DELETE trigger would fire (and could
   * copy the rows elsewhere). Refused with the UPDATE trigger of a masked table, in one message.
   */
  @Test
  void deleteTriggerOnEmptiedTable_andUpdateTriggerOnMaskedTable_refusedInOneMessage()
      throws Exception {
    exec(plantingTrigger("scratch_delete", "crm.scratch", "DELETE"));
    exec(plantingTrigger("person_update", person(), "UPDATE"));
    String before = triggerDump();

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("crm.scratch has")
        .hasMessageContaining("scratch_delete")
        .hasMessageContaining("emptying")
        .hasMessageContaining(disableFix(postgres() ? "\"crm\".\"scratch\"" : "", "scratch_delete"))
        .hasMessageContaining("crm.Person has")
        .hasMessageContaining("person_update")
        .hasMessageContaining(disableFix(postgres() ? "\"crm\".\"Person\"" : "", "person_update"));
    assertThat(triggerDump()).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM crm.scratch")).isOne();
    assertThat(count("SELECT count(*) FROM crm.trigger_log")).isZero();
    assertThat(maskingRecordTables()).isZero();
  }

  /** The run's own record table is written on every batch: a trigger on it is refused too. */
  @Test
  void triggerOnTheRunRecord_isRefusedBeforeAnyWrite() throws Exception {
    AtomicInteger updates = new AtomicInteger();
    RunOptions dying =
        options()
            .withParallelism(1)
            .withProgress(
                (phase, done, total) -> {
                  if (updates.incrementAndGet() == 4) {
                    throw new IllegalStateException("simulated crash");
                  }
                });
    assertThatThrownBy(() -> engine(RULES, dying).run()).hasMessageContaining("simulated crash");
    exec(plantingTrigger("record_update", "crm." + q("__dbrestore_masking"), "UPDATE"));
    String before = triggerDump();

    assertThatThrownBy(() -> engine(RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("crm.__dbrestore_masking has")
        .hasMessageContaining("record_update")
        .hasMessageContaining(
            disableFix(postgres() ? "\"crm\".\"__dbrestore_masking\"" : "", "record_update"));
    assertThat(triggerDump()).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM crm.trigger_log")).isZero();
  }
}
