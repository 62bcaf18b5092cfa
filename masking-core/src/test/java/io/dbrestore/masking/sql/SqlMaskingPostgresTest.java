package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.strategy.Strategies;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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
}
