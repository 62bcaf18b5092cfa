package io.dbrestore.masking.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A path to values inside a document or a JSON column: {@code email}, {@code address.city}, {@code
 * contacts[].email}, {@code matrix[][]}, {@code orders[].items[].note}. {@code []} means "every
 * element of this array".
 */
public record FieldPath(String text, List<Segment> segments) {
  /** One step of a path. */
  public sealed interface Segment {}

  /** A field of a sub-document. */
  public record Name(String name) implements Segment {}

  /** Every element of an array. */
  public record Each() implements Segment {}

  public FieldPath {
    segments = List.copyOf(segments);
  }

  /**
   * Parses a path.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static FieldPath parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("a field path cannot be empty");
    }
    List<Segment> segments = new ArrayList<>();
    int i = 0;
    int n = text.length();
    boolean expectName = true;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '[') {
        if (i + 1 >= n || text.charAt(i + 1) != ']') {
          throw new IllegalArgumentException(
              "'" + text + "': '[' must be followed by ']' (write 'contacts[].email')");
        }
        if (segments.isEmpty()) {
          throw new IllegalArgumentException("'" + text + "': a path cannot start with '[]'");
        }
        segments.add(new Each());
        i += 2;
        expectName = false;
      } else if (c == '.') {
        if (expectName || i + 1 >= n) {
          throw new IllegalArgumentException("'" + text + "': empty field name around '.'");
        }
        i++;
        expectName = true;
      } else {
        if (!expectName) {
          throw new IllegalArgumentException(
              "'" + text + "': expected '.' or '[]' after '[]' at position " + (i + 1));
        }
        int start = i;
        while (i < n && text.charAt(i) != '.' && text.charAt(i) != '[') {
          if (text.charAt(i) == ']') {
            throw new IllegalArgumentException("'" + text + "': ']' without '['");
          }
          i++;
        }
        segments.add(new Name(text.substring(start, i)));
        expectName = false;
      }
    }
    if (expectName) {
      throw new IllegalArgumentException("'" + text + "': a path cannot end with '.'");
    }
    return new FieldPath(text, segments);
  }

  /** The first segment's name: the top-level field the path starts in. */
  public String root() {
    return ((Name) segments.get(0)).name();
  }

  @Override
  public String toString() {
    return text;
  }
}
