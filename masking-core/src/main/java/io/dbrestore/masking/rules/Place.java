package io.dbrestore.masking.rules;

import java.util.List;

/**
 * What a position in a rules file holds, from its key path ({@code databases, app, collections,
 * users}). The YAML reader needs it to read names as written, the error translator to word a schema
 * failure for the place it happened in.
 */
enum Place {
  ROOT,
  VERSION,
  POLICY,
  ACTION,
  DATABASES,
  DATABASE,
  COLLECTIONS,
  COLLECTION,
  FIELDS,
  FIELD,
  STRATEGY,
  OPTION,
  OTHER;

  static Place of(List<String> path) {
    int n = path.size();
    if (n == 0) {
      return ROOT;
    }
    switch (path.get(0)) {
      case "version":
        return n == 1 ? VERSION : OTHER;
      case "policy":
        return n == 1 ? POLICY : n == 2 ? ACTION : OTHER;
      case "databases":
        return inDatabases(path);
      default:
        return OTHER;
    }
  }

  private static Place inDatabases(List<String> path) {
    int n = path.size();
    if (n <= 2) {
      return n == 1 ? DATABASES : DATABASE;
    }
    if (!isCollectionsKey(path.get(2))) {
      return OTHER;
    }
    if (n <= 4) {
      return n == 3 ? COLLECTIONS : COLLECTION;
    }
    if (!path.get(4).equals("fields")) {
      return OTHER;
    }
    return switch (n) {
      case 5 -> FIELDS;
      case 6 -> FIELD;
      case 7 -> path.get(6).equals("strategy") ? STRATEGY : OPTION;
      default -> OTHER;
    };
  }

  /** {@code collections}, or its synonym {@code tables}. */
  static boolean isCollectionsKey(String key) {
    return key.equals("collections") || key.equals("tables");
  }

  /**
   * Whether a scalar here is a name or keyword (collection rule, strategy, policy action), read as
   * written: {@code null}, {@code yes} or {@code 1} stay text instead of becoming YAML's null,
   * boolean or number.
   */
  boolean holdsName() {
    return this == COLLECTION || this == FIELD || this == STRATEGY || this == ACTION;
  }

  /** A key path as messages show it: {@code databases.app.collections.users}. */
  static String display(List<String> path) {
    return String.join(".", path);
  }
}
