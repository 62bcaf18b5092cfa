package io.dbrestore.masking.drift;

/**
 * A path that the rules do not declare, with what was seen there: the shapes of its values (for
 * MongoDB and JSON keys) or the column's type (SQL).
 *
 * @param kind {@code field}, {@code column} or {@code json-key}
 * @param column the SQL column's description; null for MongoDB fields and JSON keys
 */
public record Leaf(String path, String kind, ValueShapes shapes, Column column) {
  /**
   * An SQL column as the catalogue describes it.
   *
   * @param primaryKey whether a primary key, unique index or unique constraint covers it
   * @param fit what would keep a strategy (name, options) from masking the column (the engine's own
   *     check: type, length, NOT NULL, generated, CHECK constraints), or null when it fits; null
   *     when unknown
   */
  public record Column(
      String type,
      ColumnKind kind,
      boolean nullable,
      boolean primaryKey,
      java.util.function.BiFunction<String, java.util.Map<String, Object>, String> fit) {
    public Column(String type, ColumnKind kind, boolean nullable, boolean primaryKey) {
      this(type, kind, nullable, primaryKey, null);
    }

    /** What keeps {@code strategy} from masking this column, or null. */
    String problem(String strategy, java.util.Map<String, Object> options) {
      return fit == null || strategy.equals("keep") ? null : fit.apply(strategy, options);
    }
  }

  /** What an SQL column holds, as far as a suggestion cares. */
  public enum ColumnKind {
    TEXT,
    NUMBER,
    BOOLEAN,
    TEMPORAL,
    JSON,
    ARRAY,
    OTHER
  }
}
