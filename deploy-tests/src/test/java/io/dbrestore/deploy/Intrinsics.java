package io.dbrestore.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Evaluates the part of the Amazon States Language the command lines use: a JSONPath ({@code $.x},
 * {@code $$.Execution.Id}), {@code States.Array(...)} and {@code States.Format('...{}...', ...)},
 * with quoted string literals ({@code '...'}, backslash escapes) and nested calls. Paths are
 * resolved by the given function.
 */
final class Intrinsics {
  private final String text;
  private final Function<String, Object> paths;
  private int pos;

  private Intrinsics(String text, Function<String, Object> paths) {
    this.text = text;
    this.paths = paths;
  }

  static Object evaluate(String expression, Function<String, Object> paths) {
    Intrinsics parser = new Intrinsics(expression.strip(), paths);
    Object value = parser.value();
    parser.skipBlanks();
    if (parser.pos != parser.text.length()) {
      throw parser.error("unexpected text");
    }
    return value;
  }

  private Object value() {
    skipBlanks();
    if (pos >= text.length()) {
      throw error("expected a value");
    }
    char c = text.charAt(pos);
    if (c == '\'') {
      return literal();
    }
    if (c == '$') {
      int start = pos;
      while (pos < text.length() && ",) ".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      return paths.apply(text.substring(start, pos));
    }
    if (Character.isDigit(c) || c == '-') {
      int start = pos;
      while (pos < text.length()
          && (Character.isDigit(text.charAt(pos))
              || text.charAt(pos) == '.'
              || text.charAt(pos) == '-')) {
        pos++;
      }
      return text.substring(start, pos);
    }
    int open = text.indexOf('(', pos);
    if (open < 0) {
      throw error("expected a function call");
    }
    String function = text.substring(pos, open).strip();
    pos = open + 1;
    List<Object> args = new ArrayList<>();
    skipBlanks();
    if (text.charAt(pos) != ')') {
      while (true) {
        args.add(value());
        skipBlanks();
        char next = text.charAt(pos++);
        if (next == ')') {
          break;
        }
        if (next != ',') {
          throw error("expected , or )");
        }
      }
    } else {
      pos++;
    }
    return switch (function) {
      case "States.Array" -> args;
      case "States.Format" -> format(args);
      default -> throw error("intrinsic " + function + " is not supported by this contract test");
    };
  }

  private static String format(List<Object> args) {
    String template = String.valueOf(args.get(0));
    StringBuilder out = new StringBuilder();
    int next = 1;
    for (int i = 0; i < template.length(); i++) {
      if (template.startsWith("{}", i)) {
        out.append(args.get(next++));
        i++;
      } else {
        out.append(template.charAt(i));
      }
    }
    return out.toString();
  }

  private String literal() {
    StringBuilder out = new StringBuilder();
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '\\') {
        out.append(text.charAt(pos++));
      } else if (c == '\'') {
        return out.toString();
      } else {
        out.append(c);
      }
    }
    throw error("unterminated string");
  }

  private void skipBlanks() {
    while (pos < text.length() && text.charAt(pos) == ' ') {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at " + pos + " in: " + text);
  }
}
