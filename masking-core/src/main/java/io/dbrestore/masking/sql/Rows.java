package io.dbrestore.masking.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Rows as the engine reads and writes them: JSON columns parsed, so that paths reach into them. */
final class Rows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Rows() {}

  /** A JSON column's value as a tree; text that is not JSON stays text. */
  static Object parseJson(Object value) {
    if (value == null) {
      return null;
    }
    String text = value.toString();
    try {
      return JSON.readValue(text, Object.class);
    } catch (IOException e) {
      // Not JSON after all: treat the text as a value the JSON paths cannot reach.
      return text;
    }
  }

  /**
   * A column's value as the masker sees it: a JSON column's as a tree, an SQL array's as a list (of
   * lists, for more dimensions), so that {@code emails[]} reaches each element as in MongoDB.
   */
  static Object read(Table.Column column, Object value) throws SQLException {
    if (column.json()) {
      return parseJson(value);
    }
    boolean unpad = column.fixedWidth();
    if (value instanceof java.sql.Array array) {
      try {
        return toList(array.getArray(), unpad);
      } finally {
        array.free();
      }
    }
    if (column.kind() == Table.Kind.TEXT && value != null && !(value instanceof String)) {
      // A text type the driver does not map (PostgreSQL citext, other extensions' types arrive as
      // PGobject): its text, so that the strategies mask it as text rather than as an unknown
      // type (which they turn into NULL).
      value = value.toString();
    }
    return unpad ? unpad(value) : value;
  }

  private static Object toList(Object value, boolean unpad) {
    if (value instanceof Object[] elements) {
      List<Object> list = new ArrayList<>(elements.length);
      for (Object e : elements) {
        list.add(toList(e, unpad));
      }
      return list;
    }
    return unpad ? unpad(value) : value;
  }

  /**
   * A fixed-width value without the blanks that pad it to the column's width: {@code 'a@x.org '} in
   * a {@code character(10)} is the value {@code a@x.org}, masked (and recognised as masked) as the
   * same value in a {@code varchar} is.
   */
  static Object unpad(Object value) {
    if (value instanceof String s) {
      int end = s.length();
      while (end > 0 && s.charAt(end - 1) == ' ') {
        end--;
      }
      return s.substring(0, end);
    }
    return value;
  }

  /**
   * The JSON {@code null} a JSON column is set to when it held another shape than the rules declare
   * (a string where they expect an object): the value is dropped, and the column keeps a JSON value
   * (an SQL NULL could break a NOT NULL column in the middle of the run).
   */
  static final Object JSON_NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** A masked value to bind for its column: JSON as text, a list as an SQL array. */
  static Object write(Connection c, Table.Column column, Object value) throws SQLException {
    if (value == JSON_NULL) {
      return "null";
    }
    if (value == null) {
      return null;
    }
    if (column.json()) {
      return toJson(value);
    }
    if (column.array() && value instanceof List<?> list) {
      // Text elements; the statement casts the parameter to the column's own array type.
      return c.createArrayOf("text", toArray(list));
    }
    return value;
  }

  private static Object[] toArray(List<?> list) {
    Object[] elements = new Object[list.size()];
    for (int i = 0; i < elements.length; i++) {
      Object e = list.get(i);
      elements[i] = e instanceof List<?> inner ? toArray(inner) : e == null ? null : e.toString();
    }
    return elements;
  }

  /** A masked JSON column's value as text to write back. */
  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A query whose rows are read one by one. */
  @FunctionalInterface
  interface Streamed {
    void run() throws SQLException;
  }

  /**
   * Runs a whole-table read so that the driver streams it in fetch-size pieces: PostgreSQL's driver
   * ignores the fetch size and holds the whole result in memory unless the connection is in a
   * transaction. The read changes nothing; the transaction is rolled back and auto-commit restored.
   */
  static void streaming(Connection c, Streamed read) throws SQLException {
    boolean auto = c.getAutoCommit();
    if (auto) {
      c.setAutoCommit(false);
    }
    try {
      read.run();
    } finally {
      if (auto) {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
  }

  static long count(Connection c, SqlDialect dialect, Table t) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + dialect.relation(t))) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
