package io.dbrestore.masking.sql;

import java.util.List;

/**
 * A base table as the database describes it: what masking needs to read, write and refuse.
 *
 * @param primaryKey its primary-key columns in key order (empty: no primary key)
 * @param updateTriggers names of row triggers that would fire on UPDATE
 * @param partitioned a partitioned table (PostgreSQL): its partitions, at any depth, hold its rows;
 *     masked, counted, verified and finished as one table through it
 */
record Table(
    String schema,
    String name,
    List<Column> columns,
    List<String> primaryKey,
    List<String> updateTriggers,
    boolean partitioned) {

  Table(
      String schema,
      String name,
      List<Column> columns,
      List<String> primaryKey,
      List<String> updateTriggers) {
    this(schema, name, columns, primaryKey, updateTriggers, false);
  }

  /**
   * A column; {@code json} when its values are JSON documents (paths reach into them).
   *
   * @param kind what values the column holds, for checking a strategy's output against it
   * @param maxChars its maximum length in characters; -1 when unbounded or not text
   * @param nullable whether it may hold NULL
   * @param generated whether its value is computed by the database (cannot be written)
   * @param checks names of the CHECK constraints that read it (JSON validity checks excluded)
   */
  record Column(
      String name,
      String type,
      boolean json,
      Kind kind,
      int maxChars,
      boolean nullable,
      boolean generated,
      List<String> checks) {
    /** A column whose limits are unknown: nothing is checked against them. */
    Column(String name, String type, boolean json) {
      this(name, type, json, Kind.UNKNOWN, -1, true, false, List.of());
    }

    /**
     * An SQL array (PostgreSQL {@code text[]}, {@code varchar(80)[][]}): paths end in {@code []}.
     */
    boolean array() {
      return type != null && type.endsWith("[]");
    }

    /**
     * What one element of an array column holds, for rules ending in {@code []}: the element type,
     * kind and length (the catalogue describes an array column by its elements), NULL allowed.
     */
    Column element() {
      return new Column(
          name, type.replaceAll("(\\[\\])+$", ""), json, kind, maxChars, true, generated, checks);
    }

    /**
     * A fixed-width text column (PostgreSQL {@code character(n)}, and arrays of it): values are
     * padded with blanks to the width, and the padding is not part of the value (PostgreSQL's own
     * comparisons ignore it; the MySQL family strips it when reading).
     */
    boolean fixedWidth() {
      return type != null && (type.startsWith("character(") || type.startsWith("character["));
    }
  }

  /** What values a column holds, as far as the masking strategies care. */
  enum Kind {
    TEXT,
    INTEGER,
    DECIMAL,
    BOOLEAN,
    TEMPORAL,
    BINARY,
    JSON,
    /** uuid, inet, enum, arrays, geometry…: a type no text strategy's output fits. */
    OTHER,
    /** Not read from the catalogue: not checked. */
    UNKNOWN
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
