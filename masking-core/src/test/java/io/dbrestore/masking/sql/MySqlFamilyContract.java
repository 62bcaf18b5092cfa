package io.dbrestore.masking.sql;

import java.util.List;

/** What MySQL 8 and MariaDB share in the contract: a schema is a database, and the SQL. */
abstract class MySqlFamilyContract extends SqlMaskingContract {
  @Override
  List<String> freshSchema() {
    return List.of("DROP DATABASE IF EXISTS crm", "CREATE DATABASE crm");
  }

  @Override
  String q(String identifier) {
    return "`" + identifier + "`";
  }

  @Override
  List<String> personUpdateTrigger() {
    return List.of(
        "CREATE TRIGGER crm.person_update BEFORE UPDATE ON crm.`Person` FOR EACH ROW"
            + " INSERT INTO crm.trigger_log VALUES (1)");
  }

  /** No session switch turns triggers off in the MySQL family: the table is refused. */
  @Override
  boolean triggersCanBeTurnedOff() {
    return false;
  }

  @Override
  String relaxedSession() {
    return "SET SESSION foreign_key_checks = 0";
  }
}
