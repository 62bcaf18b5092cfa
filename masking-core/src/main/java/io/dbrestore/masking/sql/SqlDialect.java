package io.dbrestore.masking.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/** What differs between PostgreSQL and the MySQL family; the engine does the rest. */
interface SqlDialect {
  String name();

  /** Quotes an identifier exactly as written: case and reserved words survive. */
  String quote(String identifier);

  /** A table's name qualified with its schema, both quoted. */
  default String qualified(Table t) {
    return quote(t.schema()) + "." + quote(t.name());
  }

  /** The schemas (databases, in MySQL) that hold user tables. */
  List<String> schemas(Connection c) throws SQLException;

  /** The columns of each base table of a schema (views excluded), in table and column order. */
  java.util.Map<String, List<Table.Column>> columns(Connection c, String schema)
      throws SQLException;

  /** A table's primary-key columns in key order; empty when it has none. */
  List<String> primaryKey(Connection c, String schema, String table) throws SQLException;

  /** Names of a table's row triggers that fire on UPDATE. */
  List<String> updateTriggers(Connection c, String schema, String table) throws SQLException;

  /** Base tables of a schema with columns, primary key and update triggers. */
  default List<Table> tables(Connection c, String schema) throws SQLException {
    List<Table> tables = new java.util.ArrayList<>();
    for (var e : columns(c, schema).entrySet()) {
      tables.add(
          new Table(
              schema,
              e.getKey(),
              e.getValue(),
              primaryKey(c, schema, e.getKey()),
              updateTriggers(c, schema, e.getKey()),
              partitioned(c, schema, e.getKey())));
    }
    return tables;
  }

  /** A foreign key: {@code child(columns)} references {@code parent(parentColumns)}. */
  record ForeignKey(
      String name,
      String schema,
      String table,
      java.util.List<String> columns,
      String parentSchema,
      String parentTable,
      java.util.List<String> parentColumns) {}

  /** The foreign keys of the tables of a schema. */
  List<ForeignKey> foreignKeys(Connection c, String schema) throws SQLException;

  /** Names of views in a schema: never written to, never masked. */
  List<String> views(Connection c, String schema) throws SQLException;

  /**
   * Prepares a masking session: triggers off and foreign-key checks off for this session only, so
   * that referencing and referenced columns can be masked in any order (the consistent hash keeps
   * them matching). Returns false when the database does not allow it.
   */
  boolean relaxSession(Connection c) throws SQLException;

  /**
   * Names of a table's UPDATE triggers that fire even in a relaxed session (PostgreSQL: enabled
   * ALWAYS or REPLICA); none where no session is relaxed for triggers.
   */
  default List<String> updateTriggersFiringWhenRelaxed(Connection c, String schema, String table)
      throws SQLException {
    return List.of();
  }

  /** Whether this session's writes fire triggers (after {@link #relaxSession}). */
  boolean triggersFire(Connection c) throws SQLException;

  /**
   * Whether a table is partitioned (PostgreSQL {@code PARTITION BY}): it holds no rows itself, its
   * partitions (at any depth) hold them, and the run reads and writes them through it, as one
   * table. Its partitions are not tables of their own to the rules ({@link #partitions}).
   */
  default boolean partitioned(Connection c, String schema, String table) throws SQLException {
    return false;
  }

  /**
   * The table as the run's reads and writes name it ({@code SELECT … FROM}, {@code UPDATE}, {@code
   * DELETE FROM}): its own rows only. PostgreSQL: {@code ONLY} for a table that others may inherit
   * from ({@code INHERITS}), whose rows are their own tables'; a partitioned table with all its
   * partitions.
   */
  default String relation(Table t) {
    return qualified(t);
  }

  /**
   * A partition of a partition hierarchy whose top-level table is {@code root}: not a table of its
   * own to the rules; {@code foreign} when it is a foreign table (rows on another server).
   */
  record Partition(
      String schema, String name, String rootSchema, String rootName, boolean foreign) {
    String qualifiedName() {
      return schema + "." + name;
    }

    String rootQualifiedName() {
      return rootSchema + "." + rootName;
    }
  }

  /**
   * The partitions that live in a schema (PostgreSQL); the MySQL family partitions inside a table.
   */
  default List<Partition> partitions(Connection c, String schema) throws SQLException {
    return List.of();
  }

  /**
   * What would fire on the run's writes to a table: triggers (row- and statement-level) on the
   * given events ({@code UPDATE}, {@code DELETE}, {@code INSERT}) and, in PostgreSQL, rewrite
   * rules, over the table and, for a partitioned table, every partition. {@code relaxed}: the
   * masking session is relaxed ({@link #relaxSession} turned ordinary triggers off). Each entry one
   * reason to refuse the run before any write, naming the table, the trigger or rule and the fix;
   * {@code doing} says what the run does to the table ("masking", "emptying").
   */
  List<String> firingOnWrites(
      Connection c, Table t, List<String> events, String doing, boolean relaxed)
      throws SQLException;

  /**
   * Database-wide triggers that would fire on the run's DDL (it creates its record table, and
   * finishing rewrites tables): PostgreSQL event triggers. Each entry a reason to refuse, with the
   * fix.
   */
  default List<String> firingOnDdl(Connection c, boolean relaxed) throws SQLException {
    return List.of();
  }

  /** Driver properties that make batched writes fast (merged into the caller's connection). */
  default java.util.Map<String, String> connectionProperties() {
    return java.util.Map.of();
  }

  /** {@code LIMIT n} clause. */
  default String limit(int n) {
    return " LIMIT " + n;
  }

  /** The placeholder that binds a value to a column ({@code CAST(? AS jsonb)} for JSON). */
  default String parameter(Table.Column column) {
    return "?";
  }

  /** Materialized views of a schema (PostgreSQL); the MySQL family has none. */
  default List<String> materializedViews(Connection c, String schema) throws SQLException {
    return List.of();
  }

  /**
   * Empties a materialized view the rules empty, leaving statistics computed from masked rows only.
   * Auto-commit connection.
   */
  default void emptyMaterializedView(Connection c, String schema, String name)
      throws SQLException {}

  /** Whether a materialized view holds rows (is populated). */
  default boolean populated(Connection c, String schema, String name) throws SQLException {
    return false;
  }

  /**
   * What the server (cluster) holds beyond the declared schemas that a snapshot of it would carry
   * and masking cannot clean: each entry a reason to refuse the run before any write.
   */
  List<String> clusterRefusals(Connection c) throws SQLException;

  /**
   * What keeps the current user from finishing the given relations ({@code schema.name}: the tables
   * the run writes to and the materialized views it empties) and the server: each entry a reason to
   * refuse the run before any write, with the grant that fixes it. None by default: the MySQL
   * family raises an error when a privilege is missing, which fails the run.
   */
  default List<String> finishingRefusals(Connection c, List<String[]> relations)
      throws SQLException {
    return List.of();
  }

  /**
   * Finishes a table the run wrote to (masked or emptied): rewrites it so that no dead row version
   * or freed space keeps an original value, and rebuilds (or removes) its statistics from what it
   * holds now. Auto-commit connection; never inside a transaction.
   */
  void finishTable(Connection c, Table t) throws SQLException;

  /** Finishes what the server keeps beyond tables (query texts, log tables). Auto-commit. */
  void finishServer(Connection c) throws SQLException;

  /**
   * The values a table's statistics hold for a column, as text (PostgreSQL: most common values and
   * histogram bounds; MariaDB: min and max; MySQL: the histogram): what finishing verifies is in
   * masked form.
   */
  List<String> statisticsValues(Connection c, Table t, String column) throws SQLException;

  /** The type of the checkpoint table's text columns. */
  String textType();

  static SqlDialect forUrl(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect();
    }
    if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
      return new MySqlDialect();
    }
    throw new IllegalArgumentException(
        "unsupported JDBC URL '"
            + jdbcUrl.replaceAll("//[^/@]*@", "//***@")
            + "': use jdbc:postgresql://…, jdbc:mysql://… or jdbc:mariadb://…");
  }

  /**
   * The unique indexes, unique constraints, primary key and exclusion constraints of a table, with
   * their key parts (columns, column prefixes, expressions; a generated column as the expression it
   * is computed from), the WHERE of a partial index, and whether NULLs are distinct.
   */
  List<UniqueFit.Key> uniqueKeys(Connection c, Table t) throws SQLException;

  /**
   * SQL for what {@code email} with {@code case: fold} hashes, from a column's value: the text with
   * surrounding whitespace removed, lowercased. Grouping by it finds the values that fold together.
   */
  String foldedText(Table.Column column);
}
