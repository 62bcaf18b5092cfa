package io.dbrestore.masking.strategy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.bson.types.Decimal128;

/**
 * A strategy's options from a rules file, read with one-line messages that name the option and what
 * is allowed: they end up in front of the person editing the file.
 */
final class Options {
  private final String strategy;
  private final Map<String, Object> values;

  private Options(String strategy, Map<String, Object> values) {
    this.strategy = strategy;
    this.values = values;
  }

  /** Refuses options other than {@code allowed}. */
  static Options of(String strategy, Map<String, Object> values, List<String> allowed) {
    Map<String, Object> v = values == null ? Map.of() : values;
    for (String option : v.keySet()) {
      if (!allowed.contains(option)) {
        throw new IllegalArgumentException(
            allowed.isEmpty()
                ? "strategy '" + strategy + "' takes no options, got '" + option + "'"
                : "unknown option '"
                    + option
                    + "' for strategy '"
                    + strategy
                    + "'; allowed: "
                    + String.join(", ", allowed));
      }
    }
    return new Options(strategy, v);
  }

  boolean has(String option) {
    return values.containsKey(option);
  }

  String string(String option, String defaultValue, boolean allowEmpty) {
    if (!has(option)) {
      return defaultValue;
    }
    Object v = values.get(option);
    if (!(v instanceof String s) || (!allowEmpty && s.isBlank())) {
      throw invalid(option, allowEmpty ? "a string" : "a non-empty string", v);
    }
    return s;
  }

  String choice(String option, String defaultValue, List<String> allowed) {
    if (!has(option)) {
      return defaultValue;
    }
    Object v = values.get(option);
    if (!(v instanceof String s) || !allowed.contains(s)) {
      throw invalid(option, "one of " + String.join(", ", allowed), v);
    }
    return s;
  }

  /** An integer in [min, max]; {@code defaultValue} null makes the option required. */
  int integer(String option, Integer defaultValue, int min, int max) {
    String allowed = "an integer from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max);
    if (!has(option)) {
      if (defaultValue == null) {
        throw missing(option, allowed);
      }
      return defaultValue;
    }
    Object v = values.get(option);
    if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger) {
      BigInteger i = v instanceof BigInteger b ? b : BigInteger.valueOf(((Number) v).longValue());
      if (i.compareTo(BigInteger.valueOf(min)) >= 0 && i.compareTo(BigInteger.valueOf(max)) <= 0) {
        return i.intValue();
      }
    }
    throw invalid(option, allowed, v);
  }

  /** A required string, number or boolean, as a value BSON can store. */
  Object scalar(String option) {
    String allowed = "a string, number or boolean";
    if (!has(option)) {
      throw missing(option, allowed);
    }
    Object v = values.get(option);
    if (v instanceof String
        || v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Double) {
      return v;
    }
    if (v instanceof Short || v instanceof Byte) {
      return ((Number) v).intValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    try {
      if (v instanceof BigInteger i) {
        return i.longValueExact();
      }
      if (v instanceof BigDecimal d) {
        return new Decimal128(d);
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalid(option, allowed + " (numbers within 64-bit or Decimal128 range)", v);
    }
    throw invalid(option, allowed, v);
  }

  private IllegalArgumentException missing(String option, String allowed) {
    return new IllegalArgumentException(
        "strategy '" + strategy + "' needs option '" + option + "' (" + allowed + ")");
  }

  private IllegalArgumentException invalid(String option, String allowed, Object got) {
    return new IllegalArgumentException(
        "option '"
            + option
            + "' of strategy '"
            + strategy
            + "' must be "
            + allowed
            + ", got "
            + describe(got));
  }

  /** The value as it appeared, on one line and short; or its kind for lists and maps. */
  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    String text = v.toString().replaceAll("\\s+", " ");
    if (text.length() > 40) {
      text = text.substring(0, 40) + "…";
    }
    return v instanceof String ? "'" + text + "'" : text;
  }
}
