package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unique indexes and constraints on every SQL database: what the catalogue tells would make the run
 * fail half-way with a duplicate key is refused before the first write (exit 2, invalid-rules, all
 * problems in one message naming the index, the column and the fix); what stays unique is masked.
 */
abstract class SqlUniqueContract {
  static final MaskingKey KEY = MaskingKey.of("sql-unique-test-key-0123456789abcdefghijklmn");

  abstract String url();

  abstract Connection connect() throws SQLException;

  abstract List<String> freshSchema();

  /** A text column type whose comparisons are case-sensitive (PostgreSQL default, MySQL _bin). */
  abstract String caseSensitiveText();

  /**
   * Statements that create {@code crm.users (id, email)} with a unique index named users_email that
   * compares email case-insensitively.
   */
  abstract List<String> caseInsensitiveUsers();

  /** A column {@code email_l} computed as lower(email), stored where the database needs it. */
  abstract String lowerEmailColumn();

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
  }

  SqlMasking engine(String rules) {
    MaskingPlan plan = MaskingPlan.compile(RulesLoader.parse("unique-rules.yaml", rules), KEY);
    return new SqlMasking(
        url(),
        this::connect,
        plan,
        SqlMasking.defaultOptions().withParallelism(2).withUnitSize(50).withBatchSize(20));
  }

  static String rules(String tables) {
    return "version: 1\ndatabases:\n  crm:\n    tables:\n" + tables.stripIndent().indent(6);
  }

  /** Every row of the given tables, as text: proof that nothing was written. */
  String dump(String... tables) throws SQLException {
    StringBuilder out = new StringBuilder();
    for (String table : tables) {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT * FROM crm." + table + " ORDER BY id")) {
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

  List<String> column(String table, String column) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + column + " FROM crm." + table + " ORDER BY id")) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  static void assertInvalidRules(Throwable e) {
    assertThat(e).isInstanceOf(MaskingException.class);
    assertThat(((MaskingException) e).kind()).isEqualTo(MaskingException.Kind.INVALID_RULES);
  }

  // ---- non-unique strategies on unique columns ---------------------------------------------

  static final String ACCT_RULES =
      rules(
          """
          acct:
            fields:
              id: keep
              alt: name
              org: keep
              handle: phone
              note: "null"
          """);

  void acct() throws SQLException {
    exec(
        "CREATE TABLE crm.acct (id INT PRIMARY KEY, alt VARCHAR(80), org INT, handle"
            + " VARCHAR(80), note VARCHAR(80), CONSTRAINT acct_alt UNIQUE (alt),"
            + " CONSTRAINT acct_org_handle UNIQUE (org, handle), CONSTRAINT acct_note UNIQUE"
            + " (note))",
        "INSERT INTO crm.acct VALUES (1, 'Ann', 1, '555-0101', 'n1'), (2, 'Bob', 1, '555-0102',"
            + " 'n2'), (3, 'Cy', 2, '555-0101', NULL)");
  }

  /**
   * A unique constraint, on one column or several, over a column masked with a strategy that can
   * give two rows one value: refused before any write, each naming the index and the fix; NULL on a
   * unique column is fine (NULLs are distinct).
   */
  @Test
  void nonUniqueStrategiesOnUniqueColumns_allRefusedBeforeAnyWrite() throws Exception {
    acct();
    String before = dump("acct");

    assertThatThrownBy(() -> engine(ACCT_RULES).run())
        .satisfies(SqlUniqueContract::assertInvalidRules)
        .hasMessageContaining("(2, nothing was written)")
        .hasMessageContaining("unique-rules.yaml:8: crm.acct.alt: covered by unique ")
        .hasMessageContaining("acct_alt (alt) but 'name' is not unique")
        .hasMessageContaining("crm.acct.handle: covered by unique ")
        .hasMessageContaining("acct_org_handle (org, handle) but 'phone' is not unique")
        .hasMessageContaining("use a unique strategy (email, token) or keep")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("crm.acct.note"));
    assertThat(dump("acct")).isEqualTo(before);
  }

  @Test
  void uniqueStrategiesAndNullOnUniqueColumns_areMasked() throws Exception {
    acct();

    engine(ACCT_RULES.replace("alt: name", "alt: token").replace("handle: phone", "handle: token"))
        .run();

    assertThat(column("acct", "note")).containsOnlyNulls();
    assertThat(column("acct", "alt")).doesNotHaveDuplicates().doesNotContain("Ann", "Bob", "Cy");
  }

  // ---- email folds case and surrounding whitespace -------------------------------------------

  static final String USERS_RULES =
      rules(
          """
          users:
            fields:
              id: keep
              email: email
          """);

  static final List<String> SPELLINGS =
      List.of("Ann@Mail.test", "ann@mail.test", "bob@mail.test", " bob@mail.test", "cy@mail.test");

  void users(String type, List<String> emails) throws SQLException {
    exec(
        "CREATE TABLE crm.users (id INT PRIMARY KEY, email "
            + type
            + ", CONSTRAINT users_email UNIQUE (email))");
    insertUsers(emails);
  }

  void insertUsers(List<String> emails) throws SQLException {
    for (int i = 0; i < emails.size(); i++) {
      exec("INSERT INTO crm.users VALUES (" + (i + 1) + ", '" + emails.get(i) + "')");
    }
  }

  /**
   * Two addresses a case-sensitive unique index tells apart but email folds into one pseudonym:
   * found by a read-only query before any write and refused with the count of colliding groups,
   * never the values.
   */
  @Test
  void emailFoldingSpellingsACaseSensitiveIndexTellsApart_isRefusedWithACount() throws Exception {
    users(caseSensitiveText(), SPELLINGS);
    String before = dump("users");

    assertThatThrownBy(() -> engine(USERS_RULES).run())
        .satisfies(SqlUniqueContract::assertInvalidRules)
        .hasMessageContaining("crm.users.email: 2 groups of values that unique ")
        .hasMessageContaining(
            "users_email (email) tells apart differ only in case or surrounding whitespace")
        .hasMessageContaining("{strategy: email, case: preserve}")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContainIgnoringCase("ann@")
                    .doesNotContainIgnoringCase("bob@"));
    assertThat(dump("users")).isEqualTo(before);
  }

  @Test
  void emailCasePreserve_masksEverySpellingApartAndKeepsUniqueness() throws Exception {
    users(caseSensitiveText(), SPELLINGS);
    Strategy exact = Strategies.create("email", Map.of("case", "preserve"), KEY);

    engine(USERS_RULES.replace("email: email", "email: {strategy: email, case: preserve}")).run();

    assertThat(column("users", "email"))
        .containsExactlyElementsOf(SPELLINGS.stream().map(v -> (String) exact.mask(v)).toList())
        .doesNotHaveDuplicates();
  }

  /** Under a case-insensitive index, folding case is exactly right: masked as usual. */
  @Test
  void caseInsensitiveIndex_emailFolds_masksFine() throws Exception {
    exec(caseInsensitiveUsers());
    insertUsers(List.of("Ann@Mail.test", "bob@mail.test", "cy@mail.test"));
    Strategy email = Strategies.create("email", Map.of(), KEY);

    engine(USERS_RULES).run();

    assertThat(column("users", "email"))
        .containsExactly(
            (String) email.mask("ann@mail.test"),
            (String) email.mask("bob@mail.test"),
            (String) email.mask("cy@mail.test"));
  }

  /** Surrounding whitespace is folded too, which even a case-insensitive index tells apart. */
  @Test
  void caseInsensitiveIndex_leadingSpaceSpellings_areRefused() throws Exception {
    exec(caseInsensitiveUsers());
    insertUsers(List.of("Ann@Mail.test", " ann@mail.test", "cy@mail.test"));
    String before = dump("users");

    assertThatThrownBy(() -> engine(USERS_RULES).run())
        .satisfies(SqlUniqueContract::assertInvalidRules)
        .hasMessageContaining("crm.users.email: 1 groups of values that unique")
        .hasMessageContaining("users_email");
    assertThat(dump("users")).isEqualTo(before);
  }

  /**
   * A unique index on a generated column computed from a masked column is an index on an expression
   * over it: refused before any write, naming the index and the expression.
   */
  @Test
  void uniqueGeneratedColumnComputedFromAMaskedColumn_isRefused() throws Exception {
    exec(
        "CREATE TABLE crm.gen (id INT PRIMARY KEY, email VARCHAR(80), "
            + lowerEmailColumn()
            + ", CONSTRAINT gen_email_l UNIQUE (email_l))",
        "INSERT INTO crm.gen (id, email) VALUES (1, 'ann@mail.test'), (2, 'bob@mail.test')");
    String before = dump("gen");

    assertThatThrownBy(
            () ->
                engine(
                        rules(
                            """
                            gen:
                              fields:
                                id: keep
                                email: name
                                email_l: keep
                            """))
                    .run())
        .satisfies(SqlUniqueContract::assertInvalidRules)
        .hasMessageContaining("crm.gen.email: ")
        .hasMessageContaining("gen_email_l is on an expression (email_l GENERATED AS (")
        .hasMessageContaining("drop the index on the copy, or keep the column");
    assertThat(dump("gen")).isEqualTo(before);
  }
}
