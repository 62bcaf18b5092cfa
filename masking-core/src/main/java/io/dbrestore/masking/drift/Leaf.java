package io.dbrestore.masking.drift;

/**
 * A path that the rules do not declare, with what was seen there: the shapes of its values (for
 * MongoDB and JSON keys) or the column's type (SQL).
 *
 * @param kind {@code field}, {@code column} or {@code json-key}
 * @param column the SQL column's description; null for MongoDB fields and JSON keys
 */
public record Leaf(String path, String kind, ValueShapes shapes, Column column) {
  /** An SQL column as the catalogue describes it. */
  public record Column(String type, ColumnKind kind, boolean nullable, boolean primaryKey) {}

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
