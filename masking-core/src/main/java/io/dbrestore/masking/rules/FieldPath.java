package io.dbrestore.masking.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A path to values inside a document or a JSON column: {@code email}, {@code address.city}, {@code
 * contacts[].email}, {@code matrix[][]}, {@code orders[].items[].note}, {@code prefs.*.theme},
 * {@code prefs{}}. {@code []} means "every element of this array"; a step {@code *} means "every
 * field of this sub-document, whatever its name" (a map whose keys are data); {@code {}} after the
 * last step means "the keys of this sub-document" (masked as values, each entry keeping its value).
 *
 * <p>Grammar: {@code path = name ("[]")* ("." step ("[]")*)* ["{}"]}, where {@code step} is a name
 * or {@code *}, and a name is one or more characters other than {@code .}, {@code [}, {@code ]},
 * {@code {} and {@code }}, and not {@code *} alone (a name may contain {@code *}, as in {@code
 * a*b}). The shipped JSON Schema checks the same grammar with a regular expression (so editors flag
 * bad paths); this parser gives the better message.
 */
public record FieldPath(String text, List<Segment> segments) {
  /** One step of a path. */
  public sealed interface Segment {}

  /** A field of a sub-document. */
  public record Name(String name) implements Segment {
    public Name {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Every element of an array. */
  public record Each() implements Segment {
    @Override
    public String toString() {
      return "[]";
    }
  }

  /** Every field of a sub-document, whatever its name: {@code *}. */
  public record Any() implements Segment {
    @Override
    public String toString() {
      return "*";
    }
  }

  /** The keys of a sub-document: {@code {}}, always the last segment. */
  public record Keys() implements Segment {
    @Override
    public String toString() {
      return "{}";
    }
  }

  public FieldPath {
    Objects.requireNonNull(text, "text");
    segments = List.copyOf(segments);
    if (segments.isEmpty() || !(segments.get(0) instanceof Name)) {
      throw new IllegalArgumentException("a field path starts with a field name: " + segments);
    }
    for (int i = 0; i < segments.size() - 1; i++) {
      if (segments.get(i) instanceof Keys) {
        throw new IllegalArgumentException("'{}' can only end a field path: " + segments);
      }
    }
  }

  /**
   * Parses a path.
   *
   * @throws IllegalArgumentException naming what is wrong with it, in one line
   */
  public static FieldPath parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("a field path cannot be empty");
    }
    List<Segment> segments = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (true) {
      int start = i;
      while (i < n && !isSyntax(text.charAt(i))) {
        i++;
      }
      if (i == start) {
        throw noName(text, i, segments.isEmpty());
      }
      String name = text.substring(start, i);
      if (name.equals("*")) {
        if (segments.isEmpty()) {
          throw bad(
              text,
              "a path cannot start with '*': name the field that holds the sub-document"
                  + " (write 'prefs.*')");
        }
        segments.add(new Any());
      } else {
        segments.add(new Name(name));
      }
      while (i < n && text.charAt(i) == '[') {
        if (i + 1 >= n || text.charAt(i + 1) != ']') {
          throw bad(text, "'[' must be followed by ']' (write 'contacts[].email')");
        }
        segments.add(new Each());
        i += 2;
      }
      if (i < n && text.charAt(i) == '{') {
        if (i + 1 >= n || text.charAt(i + 1) != '}') {
          throw bad(text, "'{' must be followed by '}' (write 'prefs{}')");
        }
        segments.add(new Keys());
        i += 2;
        if (i < n) {
          throw bad(
              text,
              "'{}' ends a path: keys hold no fields (write 'prefs.*.theme' for the values"
                  + " under the keys)");
        }
      }
      if (i == n) {
        return new FieldPath(text, segments);
      }
      char c = text.charAt(i);
      if (c == ']') {
        throw bad(text, "']' without '[' at position " + (i + 1));
      }
      if (c == '}') {
        throw bad(text, "'}' without '{' at position " + (i + 1));
      }
      if (c != '.') {
        throw bad(text, "expected '.' or '[]' after '[]' at position " + (i + 1));
      }
      i++;
      if (i == n) {
        throw bad(text, "a path cannot end with '.'");
      }
    }
  }

  private static boolean isSyntax(char c) {
    return c == '.' || c == '[' || c == ']' || c == '{' || c == '}';
  }

  /** Where a name was expected at {@code i} and none is. */
  private static IllegalArgumentException noName(String text, int i, boolean first) {
    char c = text.charAt(i);
    if (c == ']') {
      return bad(text, "']' without '[' at position " + (i + 1));
    }
    if (c == '}') {
      return bad(text, "'}' without '{' at position " + (i + 1));
    }
    if (c == '{') {
      return first
          ? bad(text, "a path cannot start with '{}'")
          : bad(text, "'{}' must follow a field name, not '.' (write 'prefs{}')");
    }
    if (first) {
      return bad(text, "a path cannot start with '" + (c == '.' ? "." : "[]") + "'");
    }
    if (c == '.') {
      return bad(text, "empty field name between '.' and '.' at position " + (i + 1));
    }
    return bad(text, "'[]' must follow a field name, not '.' (write 'contacts[]')");
  }

  private static IllegalArgumentException bad(String text, String problem) {
    return new IllegalArgumentException("'" + text + "': " + problem);
  }

  /** The first segment's name: the top-level field the path starts in. */
  public String root() {
    return ((Name) segments.get(0)).name();
  }

  /**
   * Whether this path lies strictly inside {@code other}: {@code other}'s segments are a proper
   * prefix of this path's ({@code address.city} is inside {@code address}, {@code contacts[].email}
   * inside {@code contacts} and {@code contacts[]}; {@code addressee} is not inside {@code
   * address}).
   */
  public boolean isInside(FieldPath other) {
    return other.segments.size() < segments.size()
        && segments.subList(0, other.segments.size()).equals(other.segments);
  }

  /** Whether this path names the keys of a sub-document ({@code prefs{}}). */
  public boolean isKeys() {
    return segments.get(segments.size() - 1) instanceof Keys;
  }

  @Override
  public String toString() {
    return text;
  }
}
