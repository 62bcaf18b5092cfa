package io.dbrestore.masking.rules;

import java.util.List;

/**
 * One thing wrong with a rules file, before it is turned into a message: kept apart so that
 * problems found in different passes can be sorted by line.
 *
 * @param line 1-based line, or 0 when no line applies (a missing file)
 * @param where the key path it is about ({@code databases.app}), empty for the whole file
 * @param text the problem in plain words
 */
record Problem(int line, String where, String text) {
  static Problem at(int line, List<String> path, String text) {
    return new Problem(line, Place.display(path), text);
  }

  /** {@code rules.yaml:12: databases.app: problem}. */
  String format(String source) {
    StringBuilder b = new StringBuilder(source);
    if (line > 0) {
      b.append(':').append(line);
    }
    b.append(": ");
    if (!where.isEmpty()) {
      b.append(where).append(": ");
    }
    return b.append(text).toString();
  }
}
