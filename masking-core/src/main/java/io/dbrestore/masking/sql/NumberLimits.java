package io.dbrestore.masking.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.Decimal128;

/**
 * Whether a number fits a numeric column as written, judged from the column's declared type: an
 * integer type's range (PostgreSQL {@code smallint}, {@code integer}, {@code bigint}; MySQL's
 * {@code tinyint} to {@code bigint}, signed or {@code unsigned}) and a fixed-point type's precision
 * and scale ({@code numeric(5,2)}: at most 3 digits before the point and 2 after — more would be
 * refused by the database, or rounded, and a rounded constant is no longer the rule's value). Types
 * it does not know (domains, {@code money}, floating point) are not judged.
 */
final class NumberLimits {
  private static final Pattern FIXED =
      Pattern.compile("(?:numeric|decimal)\\((\\d+)(?:,\\s*(\\d+))?\\).*");

  private NumberLimits() {}

  /** Why {@code value} does not fit {@code column} (e.g. "out of range"), or null. */
  static String problem(Table.Column column, Object value) {
    BigDecimal v = decimal(value);
    if (v == null || column.type() == null) {
      return null;
    }
    String type = column.type().toLowerCase(Locale.ROOT).trim();
    if (column.kind() == Table.Kind.INTEGER) {
      BigInteger[] range = integerRange(type);
      if (range == null) {
        return null;
      }
      if (v.stripTrailingZeros().scale() > 0) {
        return "not a whole number";
      }
      BigInteger i = v.toBigIntegerExact();
      return i.compareTo(range[0]) < 0 || i.compareTo(range[1]) > 0
          ? "out of range " + range[0] + " to " + range[1]
          : null;
    }
    Matcher m = FIXED.matcher(type);
    if (column.kind() == Table.Kind.DECIMAL && m.matches()) {
      int precision = Integer.parseInt(m.group(1));
      int scale = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      BigDecimal plain = v.stripTrailingZeros();
      int fraction = Math.max(plain.scale(), 0);
      int whole = plain.precision() - plain.scale();
      if (fraction > scale) {
        return "it holds " + scale + " digits after the point and would round the value";
      }
      if (whole > precision - scale) {
        return "out of range: at most " + (precision - scale) + " digits before the point";
      }
    }
    return null;
  }

  /** The inclusive range of an integer type, or null when the type is not one known here. */
  static BigInteger[] integerRange(String type) {
    boolean unsigned = type.contains("unsigned");
    String base = type.replaceAll("\\(.*?\\)", "").replace("unsigned", "").replace("zerofill", "");
    int bits =
        switch (base.trim()) {
          case "tinyint" -> 8;
          case "smallint", "int2" -> 16;
          case "mediumint" -> 24;
          case "integer", "int", "int4" -> 32;
          case "bigint", "int8" -> 64;
          default -> 0;
        };
    if (bits == 0) {
      return null;
    }
    BigInteger two = BigInteger.TWO;
    return unsigned
        ? new BigInteger[] {BigInteger.ZERO, two.pow(bits).subtract(BigInteger.ONE)}
        : new BigInteger[] {two.pow(bits - 1).negate(), two.pow(bits - 1).subtract(BigInteger.ONE)};
  }

  private static BigDecimal decimal(Object value) {
    if (value instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (value instanceof Integer || value instanceof Long) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? null : BigDecimal.valueOf(d);
    }
    if (value instanceof Decimal128 d) {
      return d.isNaN() || d.isInfinite() ? null : d.bigDecimalValue();
    }
    return null;
  }
}
