package io.dbrestore.masking.sql;

import java.util.List;

/**
 * A base table as the database describes it: what masking needs to read, write and refuse.
 *
 * @param primaryKey its primary-key columns in key order (empty: no primary key)
 * @param updateTriggers names of row triggers that would fire on UPDATE
 */
record Table(
    String schema,
    String name,
    List<Column> columns,
    List<String> primaryKey,
    List<String> updateTriggers) {

  /** A column; {@code json} when its values are JSON documents (paths reach into them). */
  record Column(String name, String type, boolean json) {
    /**
     * An SQL array (PostgreSQL {@code text[]}, {@code varchar(80)[][]}): paths end in {@code []}.
     */
    boolean array() {
      return type != null && type.endsWith("[]");
    }
  }

  String qualifiedName() {
    return schema + "." + name;
  }

  Column column(String name) {
    for (Column c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }
}
