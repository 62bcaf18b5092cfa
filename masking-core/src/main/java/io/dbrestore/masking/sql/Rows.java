package io.dbrestore.masking.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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

  /** A masked JSON column's value as text to write back. */
  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(Connection c, SqlDialect dialect, Table t) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + dialect.qualified(t))) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
