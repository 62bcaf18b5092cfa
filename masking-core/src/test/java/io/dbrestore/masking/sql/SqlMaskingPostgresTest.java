package io.dbrestore.masking.sql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
}
