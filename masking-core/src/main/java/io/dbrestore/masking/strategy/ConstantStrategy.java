package io.dbrestore.masking.strategy;

import java.math.BigDecimal;
import org.bson.types.Decimal128;

/**
 * {@code constant}: every value (null included) becomes one fixed string, number or boolean — for
 * fields whose content does not matter in development but must be present and typed.
 */
final class ConstantStrategy extends AbstractStrategy {
  private final Object value;
  private final BigDecimal number;

  /**
   * @param value a String, Boolean, Integer, Long, Double or Decimal128
   */
  ConstantStrategy(Object value) {
    super("constant", false);
    this.value = value;
    this.number = value instanceof Number n ? decimal(n) : null;
  }

  @Override
  Object maskLeaf(Object v) {
    return value;
  }

  @Override
  public Object constantValue() {
    return value;
  }

  /** The text of the value, as a text column would hold it. */
  @Override
  public int maxLength() {
    String s = String.valueOf(value);
    return s.codePointCount(0, s.length());
  }

  /** Numbers compare by value: a constant 5 written as a long may be read back as an int. */
  @Override
  FormCheck checkLeaf(Object v) {
    boolean same = value.equals(v) || (number != null && v instanceof Number n && sameNumber(n));
    return same ? FormCheck.MASKED : FormCheck.NOT_MASKED;
  }

  private boolean sameNumber(Number n) {
    BigDecimal d = decimal(n);
    return d != null && number.compareTo(d) == 0;
  }

  /**
   * Null if the number has no decimal value (NaN, infinities, unknown types). Covers what JDBC
   * drivers return for SQL numbers too: a SMALLINT may come back as a Short, a NUMERIC as a
   * BigDecimal, a REAL as a Float.
   */
  private static BigDecimal decimal(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      return BigDecimal.valueOf(n.longValue());
    }
    if (n instanceof BigDecimal b) {
      return b;
    }
    if (n instanceof java.math.BigInteger b) {
      return new BigDecimal(b);
    }
    if (n instanceof Float f) {
      return f.isNaN() || f.isInfinite() ? null : new BigDecimal(Float.toString(f));
    }
    if (n instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? null : BigDecimal.valueOf(d);
    }
    if (n instanceof Decimal128 d) {
      return d.isNaN() || d.isInfinite() ? null : d.bigDecimalValue();
    }
    return null;
  }
}
