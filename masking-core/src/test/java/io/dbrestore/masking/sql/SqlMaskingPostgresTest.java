package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.strategy.Strategies;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL engine on a real PostgreSQL 16 (embedded binaries). */
class SqlMaskingPostgresTest extends SqlMaskingContract {
  static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Override
  String url() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  Connection connect() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }

  @Override
  List<String> freshSchema() {
    return List.of("DROP SCHEMA IF EXISTS crm CASCADE", "CREATE SCHEMA crm");
  }

  @Override
  String q(String identifier) {
    return "\"" + identifier + "\"";
  }

  @Override
  String jsonColumn(String column) {
    return column + " JSONB";
  }

  @Override
  String jsonText(String column) {
    return column + "::text";
  }

  @Override
  List<String> personUpdateTrigger() {
    return List.of(
        "CREATE FUNCTION crm.log() RETURNS trigger AS $$ BEGIN INSERT INTO crm.trigger_log"
            + " VALUES (1); RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER person_update BEFORE UPDATE ON crm.\"Person\" FOR EACH ROW EXECUTE"
            + " FUNCTION crm.log()");
  }

  /** session_replication_role = replica: the embedded server's user is a superuser. */
  @Override
  boolean triggersCanBeTurnedOff() {
    return true;
  }

  @Override
  String relaxedSession() {
    return "SET session_replication_role = replica";
  }

  static final String ARRAY_RULES =
      RULES
          + """
            lists:
              fields:
                id: keep
                emails[]: email
                grid[][]: email
      """;

  private void createLists() throws SQLException {
    exec(
        "CREATE TABLE crm.lists (id INT PRIMARY KEY, emails TEXT[], grid VARCHAR(80)[][])",
        "INSERT INTO crm.lists VALUES (1, ARRAY['ann@mail.test', NULL, 'bob@mail.test'],"
            + " ARRAY[['c1@mail.test', 'c2@mail.test'], ['c3@mail.test', 'c4@mail.test']]),"
            + " (2, '{}', NULL), (3, NULL, NULL)");
  }

  /** Each element of an SQL array is masked, as in a MongoDB array; NULL elements stay NULL. */
  @Test
  void arrayColumns_eachElementMasked() throws Exception {
    createLists();
    var email = Strategies.create("email", java.util.Map.of(), KEY);

    assertThat(engine(ARRAY_RULES, options()).run().verified()).isTrue();

    try (Connection c = connect();
        var rs =
            c.createStatement().executeQuery("SELECT emails, grid FROM crm.lists WHERE id = 1")) {
      rs.next();
      assertThat((Object[]) rs.getArray(1).getArray())
          .containsExactly(email.mask("ann@mail.test"), null, email.mask("bob@mail.test"));
      Object[] grid = (Object[]) rs.getArray(2).getArray();
      assertThat((Object[]) grid[1])
          .containsExactly(email.mask("c3@mail.test"), email.mask("c4@mail.test"));
    }
    assertThat(count("SELECT count(*) FROM crm.lists WHERE id = 2 AND emails = '{}'")).isOne();
    assertThat(count("SELECT count(*) FROM crm.lists WHERE id = 3 AND emails IS NULL")).isOne();
  }

  /** A strategy on the whole array would make it NULL: refused before writing, naming the fix. */
  @Test
  void strategyOnAWholeArray_refusedNamingTheFix() throws Exception {
    createLists();

    assertThatThrownBy(
            () -> engine(ARRAY_RULES.replace("emails[]: email", "emails: email"), options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("crm.lists.emails: an array (text[])")
        .hasMessageContaining("write 'emails[]' to mask each element");
    assertThat(count("SELECT count(*) FROM crm.lists WHERE 'ann@mail.test' = ANY(emails)")).isOne();
  }

  /**
   * An array's elements are checked like a column: a pseudonym longer than {@code varchar(10)}, or
   * text into an {@code integer[]}, is refused before any write, with a fixed-width array masked
   * like text.
   */
  @Test
  void arrayElementsThatCannotHoldTheirStrategy_refusedBeforeAnyWrite() throws Exception {
    exec(
        "CREATE TABLE crm.lists (id INT PRIMARY KEY, emails VARCHAR(10)[], ids INT[],"
            + " codes CHARACTER(40)[])",
        "INSERT INTO crm.lists VALUES (1, ARRAY['a@b.test'], ARRAY[1, 2],"
            + " ARRAY['ann@mail.test'])");
    String rules =
        RULES
            + """
              lists:
                fields:
                  id: keep
                  emails[]: email
                  ids[]: email
                  codes[]: email
        """;
    String before = dumpOf("crm.lists");

    assertThatThrownBy(() -> engine(rules, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining("(2, nothing was written)")
        .hasMessageContaining(
            "crm.lists.emails[]: 'email' writes up to 32 characters and the column holds 10")
        .hasMessageContaining("crm.lists.ids[]: 'email' writes text, which a column of type")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("crm.lists.codes"));
    assertThat(dumpOf("crm.lists")).isEqualTo(before);

    String fits =
        rules.replace("emails[]: email", "emails[]: keep").replace("ids[]: email", "ids[]: keep");
    assertThat(engine(fits, options()).run().verified()).isTrue();
    var email = Strategies.create("email", java.util.Map.of(), KEY);
    assertThat(
            count(
                "SELECT count(*) FROM crm.lists WHERE codes[1] = '"
                    + email.mask("ann@mail.test")
                    + "'"))
        .isOne();
  }

  // ---- partitioned tables and inheritance (issue 14) ---------------------------------------

  static final String ORDERS_RULES =
      RULES
          + """
            orders:
              fields:
                id: keep
                region: keep
                customer_email: email
      """;

  /**
   * crm.orders, partitioned by region: orders_eu, orders_us (itself partitioned by id range:
   * orders_us_low, orders_us_high) and the default orders_other; one order per person, whose
   * customer_email is the person's Email.
   */
  void createOrders() throws SQLException {
    exec(
        "CREATE TABLE crm.orders (id INT, region TEXT, customer_email VARCHAR(255),"
            + " PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
        "CREATE TABLE crm.orders_eu PARTITION OF crm.orders FOR VALUES IN ('eu')",
        "CREATE TABLE crm.orders_us PARTITION OF crm.orders FOR VALUES IN ('us')"
            + " PARTITION BY RANGE (id)",
        "CREATE TABLE crm.orders_us_low PARTITION OF crm.orders_us FOR VALUES FROM (0) TO (250)",
        "CREATE TABLE crm.orders_us_high PARTITION OF crm.orders_us FOR VALUES FROM (250)"
            + " TO (MAXVALUE)",
        "CREATE TABLE crm.orders_other PARTITION OF crm.orders DEFAULT",
        "INSERT INTO crm.orders SELECT id, CASE id % 3 WHEN 0 THEN 'eu' WHEN 1 THEN 'us'"
            + " ELSE 'jp' END, \"Email\" FROM crm.\"Person\"");
  }

  /** Every order's customer_email is the pseudonym its person's Email got: masked exactly once. */
  void assertOrdersMaskedExactlyOnce(Map<Long, String> before) throws SQLException {
    var email = Strategies.create("email", java.util.Map.of(), KEY);
    Map<Long, String> orders = new java.util.HashMap<>();
    try (Connection c = connect();
        var rs = c.createStatement().executeQuery("SELECT id, customer_email FROM crm.orders")) {
      while (rs.next()) {
        orders.put(rs.getLong(1), rs.getString(2));
      }
    }
    assertThat(orders).hasSize(PEOPLE);
    for (long id = 1; id <= PEOPLE; id++) {
      assertThat(orders.get(id)).as("order %d", id).isEqualTo(email.mask(before.get(id)));
    }
    assertThat(
            count(
                "SELECT count(*) FROM crm.orders o JOIN crm.\"Person\" p"
                    + " ON p.\"Email\" = o.customer_email"))
        .isEqualTo(PEOPLE);
    for (String leaf : List.of("orders_eu", "orders_us_low", "orders_us_high", "orders_other")) {
      assertThat(count("SELECT count(*) FROM crm." + leaf)).as(leaf).isPositive();
    }
  }

  @Test
  void partitionedTable_isOneTable_maskedOnceThroughItsParent_andVerified() throws Exception {
    createOrders();
    Map<Long, String> before = emails();

    var result = engine(ORDERS_RULES, options()).run();

    assertThat(result.verified()).isTrue();
    assertThat(result.manifest()).containsEntry("crm.orders", (long) PEOPLE);
    assertThat(result.manifest()).doesNotContainKeys("crm.orders_eu", "crm.orders_us");
    assertOrdersMaskedExactlyOnce(before);
    assertMaskedExactlyOnce(before);
    // Finishing rebuilt the statistics of every partition, and of the parents, from masked rows.
    assertThat(
            count(
                "SELECT count(*) FROM pg_stats WHERE schemaname = 'crm' AND tablename LIKE"
                    + " 'orders%' AND attname = 'customer_email'"))
        .isGreaterThanOrEqualTo(6);
    assertThat(
            count(
                "SELECT count(*) FROM pg_stats WHERE schemaname = 'crm' AND tablename LIKE"
                    + " 'orders%' AND (most_common_vals::text LIKE '%mail.test%'"
                    + " OR histogram_bounds::text LIKE '%mail.test%')"))
        .isZero();
    assertThat(engine(ORDERS_RULES, options()).verifyOnly().verified()).isTrue();
  }

  @Test
  void partitionedTable_interruptedRun_resumesWithEveryRowMaskedOnce() throws Exception {
    createOrders();
    Map<Long, String> before = emails();
    java.util.concurrent.atomic.AtomicInteger updates =
        new java.util.concurrent.atomic.AtomicInteger();
    var dying =
        options()
            .withParallelism(1)
            .withProgress(
                (phase, done, total) -> {
                  if (updates.incrementAndGet() == 12) {
                    throw new IllegalStateException("simulated crash");
                  }
                });
    assertThatThrownBy(() -> engine(ORDERS_RULES, dying).run())
        .hasMessageContaining("simulated crash");

    assertThat(engine(ORDERS_RULES, options()).run().verified()).isTrue();

    assertOrdersMaskedExactlyOnce(before);
  }

  /** Every row of the orders hierarchy and of Person, as text: proof that nothing was written. */
  String ordersDump() throws SQLException {
    return rows(
        "SELECT tableoid::regclass, * FROM crm.orders ORDER BY id",
        "SELECT * FROM crm.\"Person\" ORDER BY id",
        "SELECT * FROM crm.scratch ORDER BY id");
  }

  long recordTables() throws SQLException {
    return count(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = '__dbrestore_masking'");
  }

  @Test
  void partitionDeclaredByName_isInvalidRules_beforeAnyWrite() throws Exception {
    createOrders();
    String before = ordersDump();
    String rules =
        ORDERS_RULES
            + """
                  orders_us_low:
                    fields:
                      id: keep
                      region: keep
                      customer_email: email
                  orders_eu: keep
            """;

    assertThatThrownBy(() -> engine(rules, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.INVALID_RULES))
        .hasMessageContaining(
            "crm.orders_us_low is a partition of crm.orders; declare only crm.orders")
        .hasMessageContaining(
            "crm.orders_eu is a partition of crm.orders; declare only crm.orders");
    assertThat(ordersDump()).isEqualTo(before);
    assertThat(recordTables()).isZero();
  }

  @Test
  void detachedPartition_isAnOrdinaryTable_thatMustBeDeclared() throws Exception {
    createOrders();
    exec("ALTER TABLE crm.orders DETACH PARTITION crm.orders_eu");
    String before = ordersDump();

    assertThatThrownBy(() -> engine(ORDERS_RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("tables the rules do not declare: crm.orders_eu;");
    assertThat(ordersDump()).isEqualTo(before);

    String declared =
        ORDERS_RULES
            + """
                  orders_eu:
                    fields:
                      id: keep
                      region: keep
                      customer_email: email
            """;
    assertThat(engine(declared, options()).run().verified()).isTrue();
    assertThat(count("SELECT count(*) FROM crm.orders_eu WHERE customer_email LIKE '%mail.test'"))
        .isZero();
  }

  /**
   * A foreign table attached as a partition keeps its rows on another server: writing through the
   * parent would write there. Refused whether the hierarchy is masked or emptied.
   */
  @Test
  void foreignTablePartition_isRefused_beforeAnyWrite() throws Exception {
    exec(
        "CREATE FOREIGN DATA WRAPPER dbrestore_test_fdw",
        "CREATE SERVER dbrestore_test_remote FOREIGN DATA WRAPPER dbrestore_test_fdw");
    try {
      // A foreign partition allows no unique index on the parent: no primary key here.
      exec(
          "CREATE TABLE crm.events (id INT, region TEXT, email VARCHAR(255))"
              + " PARTITION BY LIST (region)",
          "CREATE TABLE crm.events_eu PARTITION OF crm.events FOR VALUES IN ('eu')",
          "CREATE FOREIGN TABLE crm.events_remote PARTITION OF crm.events FOR VALUES IN ('us')"
              + " SERVER dbrestore_test_remote",
          "INSERT INTO crm.events_eu VALUES (1, 'eu', 'ann@mail.test')");
      String[] dump = {
        "SELECT * FROM crm.events_eu ORDER BY id",
        "SELECT * FROM crm.\"Person\" ORDER BY id",
        "SELECT * FROM crm.scratch ORDER BY id"
      };
      String before = rows(dump);

      for (String declaration :
          List.of("events: drop", "events: {fields: {id: keep, region: keep, email: email}}")) {
        assertThatThrownBy(() -> engine(RULES + "      " + declaration + "\n", options()).run())
            .as(declaration)
            .isInstanceOfSatisfying(
                MaskingException.class,
                e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
            .hasMessageContaining(
                "crm.events_remote is a foreign table attached as a partition of crm.events:"
                    + " dbrestore cannot mask a foreign table");
        assertThat(rows(dump)).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM crm.events_eu WHERE email = 'ann@mail.test'"))
            .isOne();
        assertThat(recordTables()).isZero();
      }
    } finally {
      exec(
          "DROP SCHEMA crm CASCADE",
          "CREATE SCHEMA crm",
          "DROP SERVER dbrestore_test_remote CASCADE",
          "DROP FOREIGN DATA WRAPPER dbrestore_test_fdw");
    }
  }

  @Test
  void partitionedTableWithoutPrimaryKey_isRefusedLikeAnyTable() throws Exception {
    exec(
        "CREATE TABLE crm.orders (id INT, region TEXT, customer_email VARCHAR(255))"
            + " PARTITION BY LIST (region)",
        "CREATE TABLE crm.orders_eu PARTITION OF crm.orders FOR VALUES IN ('eu')",
        "INSERT INTO crm.orders VALUES (1, 'eu', 'ann@mail.test')");
    String before = ordersDump();

    assertThatThrownBy(() -> engine(ORDERS_RULES, options()).run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
        .hasMessageContaining("crm.orders has no primary key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("orders_eu"));
    assertThat(ordersDump()).isEqualTo(before);
  }

  /**
   * Table inheritance (INHERITS): a query on the parent reaches the children's rows too. Each table
   * is declared on its own and masks its own rows only, each row once.
   */
  @Test
  void inheritance_eachTableMasksItsOwnRowsOnce() throws Exception {
    exec(
        "CREATE TABLE crm.contacts (id INT PRIMARY KEY, email VARCHAR(255))",
        "CREATE TABLE crm.vip_contacts (tier INT, PRIMARY KEY (id)) INHERITS (crm.contacts)",
        "INSERT INTO crm.contacts SELECT id, \"Email\" FROM crm.\"Person\" WHERE id <= 250",
        "INSERT INTO crm.vip_contacts SELECT id, \"Email\", 1 FROM crm.\"Person\" WHERE id > 250");
    Map<Long, String> before = emails();
    String rules =
        RULES
            + """
                  contacts:
                    fields:
                      id: keep
                      email: email
                  vip_contacts:
                    fields:
                      id: keep
                      email: email
                      tier: keep
            """;

    var result = engine(rules, options()).run();

    assertThat(result.verified()).isTrue();
    assertThat(result.manifest())
        .containsEntry("crm.contacts", 250L)
        .containsEntry("crm.vip_contacts", 250L);
    var email = Strategies.create("email", java.util.Map.of(), KEY);
    try (Connection c = connect();
        var rs = c.createStatement().executeQuery("SELECT id, email FROM crm.contacts")) {
      int n = 0;
      while (rs.next()) {
        n++;
        assertThat(rs.getString(2))
            .as("contact %d", rs.getLong(1))
            .isEqualTo(email.mask(before.get(rs.getLong(1))));
      }
      assertThat(n).isEqualTo(PEOPLE);
    }
    assertMaskedExactlyOnce(before);
  }

  // ---- triggers, rewrite rules and event triggers (issue 14) -------------------------------

  static final String PLANT =
      "CREATE OR REPLACE FUNCTION crm.plant() RETURNS trigger AS $$ BEGIN INSERT INTO"
          + " crm.trigger_log VALUES (42); RETURN NULL; END $$ LANGUAGE plpgsql";
  static final String PLANT_EVENT =
      "CREATE OR REPLACE FUNCTION crm.plant_event() RETURNS event_trigger AS $$ BEGIN INSERT INTO"
          + " crm.trigger_log VALUES (43); END $$ LANGUAGE plpgsql";

  /**
   * Event triggers live in the database, not the schema: dropped after each test that makes one.
   */
  void dropEventTriggers() throws SQLException {
    exec(
        "DROP EVENT TRIGGER IF EXISTS plant_ddl",
        "DROP EVENT TRIGGER IF EXISTS plant_rewrite",
        "DROP EVENT TRIGGER IF EXISTS plant_always");
  }

  /**
   * Triggers (row and statement level), rewrite rules and event triggers enabled ORIGIN (the
   * default) are held back by the masking session: each would plant a value in crm.trigger_log;
   * after masking (Person masked, scratch emptied, a table rewritten by finishing) nothing was
   * planted.
   */
  @Test
  void originTriggersRulesAndEventTriggers_doNotFireWhileMasking() throws Exception {
    createOrders();
    Map<Long, String> before = emails();
    try {
      exec(
          PLANT,
          PLANT_EVENT,
          "CREATE TRIGGER person_row AFTER UPDATE ON crm.\"Person\" FOR EACH ROW EXECUTE"
              + " FUNCTION crm.plant()",
          "CREATE TRIGGER person_stmt AFTER UPDATE ON crm.\"Person\" FOR EACH STATEMENT EXECUTE"
              + " FUNCTION crm.plant()",
          "CREATE TRIGGER scratch_row AFTER DELETE ON crm.scratch FOR EACH ROW EXECUTE"
              + " FUNCTION crm.plant()",
          "CREATE TRIGGER scratch_stmt AFTER DELETE ON crm.scratch FOR EACH STATEMENT EXECUTE"
              + " FUNCTION crm.plant()",
          "CREATE TRIGGER orders_row AFTER UPDATE OR INSERT OR DELETE ON crm.orders FOR EACH ROW"
              + " EXECUTE FUNCTION crm.plant()",
          "CREATE RULE person_rule AS ON UPDATE TO crm.\"Person\" DO ALSO INSERT INTO"
              + " crm.trigger_log VALUES (44)",
          "CREATE RULE scratch_rule AS ON DELETE TO crm.scratch DO ALSO INSERT INTO"
              + " crm.trigger_log VALUES (44)",
          // An emptied table with statistics: finishing rewrites it (ALTER TABLE), a table_rewrite.
          "ANALYZE crm.scratch",
          "CREATE EVENT TRIGGER plant_ddl ON ddl_command_end EXECUTE FUNCTION crm.plant_event()",
          "CREATE EVENT TRIGGER plant_rewrite ON table_rewrite EXECUTE FUNCTION"
              + " crm.plant_event()");

      assertThat(engine(ORDERS_RULES, options()).run().verified()).isTrue();

      assertMaskedExactlyOnce(before);
      assertOrdersMaskedExactlyOnce(before);
      assertThat(count("SELECT count(*) FROM crm.scratch")).isZero();
      assertThat(count("SELECT count(*) FROM crm.trigger_log")).as("planted").isZero();
    } finally {
      dropEventTriggers();
    }
    // They are there and do fire outside the masking session.
    exec("UPDATE crm.\"Person\" SET phone = phone WHERE id = 1");
    assertThat(count("SELECT count(*) FROM crm.trigger_log")).isEqualTo(3);
  }

  /**
   * Triggers, rules and event triggers enabled ALWAYS or REPLICA fire even in the masking session:
   * all refused in one message, each with its fix, before any write.
   */
  @Test
  void alwaysTriggersRulesAndEventTriggers_allRefusedInOneMessage_beforeAnyWrite()
      throws Exception {
    createOrders();
    try {
      exec(
          PLANT,
          PLANT_EVENT,
          "CREATE TRIGGER person_stmt AFTER UPDATE ON crm.\"Person\" FOR EACH STATEMENT EXECUTE"
              + " FUNCTION crm.plant()",
          "ALTER TABLE crm.\"Person\" ENABLE ALWAYS TRIGGER person_stmt",
          "CREATE TRIGGER membership_row AFTER UPDATE ON crm.membership FOR EACH ROW EXECUTE"
              + " FUNCTION crm.plant()",
          "ALTER TABLE crm.membership ENABLE REPLICA TRIGGER membership_row",
          // On one partition only: masking through crm.orders reaches it.
          "CREATE TRIGGER eu_row AFTER UPDATE ON crm.orders_us_low FOR EACH ROW EXECUTE"
              + " FUNCTION crm.plant()",
          "ALTER TABLE crm.orders_us_low ENABLE ALWAYS TRIGGER eu_row",
          "CREATE RULE person_rule AS ON UPDATE TO crm.\"Person\" DO ALSO INSERT INTO"
              + " crm.trigger_log VALUES (44)",
          "ALTER TABLE crm.\"Person\" ENABLE ALWAYS RULE person_rule",
          "CREATE RULE scratch_rule AS ON DELETE TO crm.scratch DO INSTEAD INSERT INTO"
              + " crm.trigger_log VALUES (44)",
          "ALTER TABLE crm.scratch ENABLE REPLICA RULE scratch_rule",
          // Origin ones are not named: they do not fire.
          "CREATE TRIGGER person_origin AFTER UPDATE ON crm.\"Person\" FOR EACH ROW EXECUTE"
              + " FUNCTION crm.plant()",
          "CREATE EVENT TRIGGER plant_always ON ddl_command_end EXECUTE FUNCTION"
              + " crm.plant_event()",
          "ALTER EVENT TRIGGER plant_always ENABLE ALWAYS");
      String before = ordersDump();

      assertThatThrownBy(() -> engine(ORDERS_RULES, options()).run())
          .isInstanceOfSatisfying(
              MaskingException.class,
              e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
          .hasMessageContaining(
              "crm.Person has triggers [person_stmt (UPDATE, FOR EACH STATEMENT)] enabled ALWAYS"
                  + " or REPLICA")
          .hasMessageContaining("ALTER TABLE \"crm\".\"Person\" DISABLE TRIGGER \"person_stmt\"")
          .hasMessageContaining(
              "crm.membership has triggers [membership_row (UPDATE, FOR EACH ROW)]")
          .hasMessageContaining(
              "crm.orders_us_low has triggers [eu_row (UPDATE, FOR EACH ROW)] enabled ALWAYS or"
                  + " REPLICA, which fire even in the masking session")
          .hasMessageContaining("on masking crm.orders")
          .hasMessageContaining(
              "crm.Person has rewrite rule person_rule (ON UPDATE) enabled ALWAYS or REPLICA")
          .hasMessageContaining("DROP RULE \"person_rule\" ON \"crm\".\"Person\"")
          .hasMessageContaining("crm.scratch has rewrite rule scratch_rule (ON DELETE)")
          .hasMessageContaining("on emptying crm.scratch")
          .hasMessageContaining("event trigger plant_always (ON ddl_command_end) is enabled ALWAYS")
          .hasMessageContaining("ALTER EVENT TRIGGER \"plant_always\" DISABLE")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("person_origin"));
      assertThat(ordersDump()).isEqualTo(before);
      assertThat(count("SELECT count(*) FROM crm.trigger_log")).isZero();
      assertThat(recordTables()).isZero();
    } finally {
      dropEventTriggers();
    }
  }

  /**
   * A masking user that cannot relax its session (not a superuser, nor rds_superuser): triggers and
   * rules enabled ORIGIN fire too, and are refused with the rest, before any write.
   */
  @Test
  void unrelaxedSession_originTriggersAndRulesAreRefused_beforeAnyWrite() throws Exception {
    exec(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'masker') THEN"
            + " CREATE ROLE masker LOGIN; END IF; END $$",
        // Member of the owner (finishing needs its rights), but no superuser.
        "GRANT postgres TO masker",
        PLANT,
        "CREATE TRIGGER person_origin AFTER UPDATE ON crm.\"Person\" FOR EACH ROW EXECUTE"
            + " FUNCTION crm.plant()",
        "CREATE RULE scratch_rule AS ON DELETE TO crm.scratch DO ALSO INSERT INTO"
            + " crm.trigger_log VALUES (44)");
    String[] dump = {
      "SELECT * FROM crm.\"Person\" ORDER BY id",
      "SELECT * FROM crm.scratch ORDER BY id",
      "SELECT * FROM crm.trigger_log ORDER BY n"
    };
    String before = rows(dump);
    try {
      SqlMasking asMasker =
          new SqlMasking(
              url(),
              () -> java.sql.DriverManager.getConnection(postgres.getJdbcUrl("masker", "postgres")),
              plan(RULES),
              options());

      assertThatThrownBy(asMasker::run)
          .isInstanceOfSatisfying(
              MaskingException.class,
              e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.REFUSED))
          .hasMessageContaining(
              "crm.Person has triggers [person_origin (UPDATE, FOR EACH ROW)] that fire in the"
                  + " masking session (it cannot be relaxed")
          .hasMessageContaining("ALTER TABLE \"crm\".\"Person\" DISABLE TRIGGER \"person_origin\"")
          .hasMessageContaining("crm.scratch has rewrite rule scratch_rule (ON DELETE)")
          .hasMessageContaining("DROP RULE \"scratch_rule\" ON \"crm\".\"scratch\"");
      assertThat(rows(dump)).isEqualTo(before);
      assertThat(recordTables()).isZero();
    } finally {
      exec("REVOKE postgres FROM masker");
    }
  }

  /**
   * A column of an extension's text type (citext) is masked like text: the driver hands its values
   * over as PGobject, which the strategies did not take for text and turned into NULL, and NULL
   * passed verification as masked.
   */
  @Test
  void citextColumn_isMaskedLikeText_notTurnedIntoNull() throws Exception {
    exec(
        "CREATE EXTENSION IF NOT EXISTS citext",
        "CREATE TABLE crm.ci (id INT PRIMARY KEY, email CITEXT)",
        "INSERT INTO crm.ci VALUES (1, 'Ann@Mail.test'), (2, NULL)");
    String rules =
        RULES
            + """
              ci:
                fields:
                  id: keep
                  email: email
        """;

    assertThat(engine(rules, options()).run().verified()).isTrue();

    var email = Strategies.create("email", java.util.Map.of(), KEY);
    assertThat(
            count(
                "SELECT count(*) FROM crm.ci WHERE id = 1 AND email = '"
                    + email.mask("Ann@Mail.test")
                    + "'"))
        .isOne();
    assertThat(count("SELECT count(*) FROM crm.ci WHERE id = 2 AND email IS NULL")).isOne();
  }
}
