package io.dbrestore.masking.strategy;

import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import org.bson.types.Binary;
import org.bson.types.ObjectId;

/**
 * A strategy that masks text ({@code email}, {@code phone}, {@code token}, {@code name}, {@code
 * redact}). Values of other types are masked through a canonical text form, so that the same value
 * masks the same way whether a collection stores it as a number, a string or a date; booleans carry
 * no personal data and stay as they are; bytes become keyed-hash bytes; values of types without a
 * stable text form become null (fail closed).
 */
abstract class TextStrategy extends AbstractStrategy {
  /** Null for strategies that need no key ({@code redact}). */
  final MaskingKey key;

  private final String bytesDomain;

  TextStrategy(String name, boolean unique, MaskingKey key) {
    super(name, unique);
    this.key = key;
    this.bytesDomain = name + "-bytes/" + version();
  }

  /** The masked form of a string. */
  abstract Object maskText(String text);

  /** Whether a string is in this strategy's output form. */
  abstract FormCheck checkText(String text);

  /** An integer or long, given with its decimal text: masked as text unless overridden. */
  Object maskInteger(Number number, String text) {
    return maskText(text);
  }

  /** An integer or long left in the field: the text output of {@link #maskText} is not one. */
  FormCheck checkInteger(Number number) {
    return FormCheck.NOT_MASKED;
  }

  Object maskObjectId(ObjectId id) {
    return maskText(id.toHexString());
  }

  FormCheck checkObjectId(ObjectId id) {
    return FormCheck.NOT_MASKED;
  }

  /** Bytes become as many keyed-hash bytes, at most 32 (so a 16-byte UUID stays 16 bytes). */
  Object maskBinary(Binary binary) {
    return new Binary(binary.getType(), hashBytes(binary.getData()));
  }

  Object maskByteArray(byte[] bytes) {
    return hashBytes(bytes);
  }

  /** Hashed bytes look like any bytes. */
  FormCheck checkBytes() {
    return FormCheck.UNKNOWN;
  }

  @Override
  final Object maskLeaf(Object value) {
    if (value == null || value instanceof Boolean) {
      return value;
    }
    if (value instanceof String s) {
      return maskText(s);
    }
    if (value instanceof Integer || value instanceof Long) {
      return maskInteger((Number) value, value.toString());
    }
    if (value instanceof Number || value instanceof CharSequence || value instanceof UUID) {
      // Double, Decimal128, BigDecimal…: their canonical toString().
      return maskText(value.toString());
    }
    if (value instanceof Date date) {
      // getTime(), not toInstant(): java.sql.Date throws on toInstant().
      return maskText(Instant.ofEpochMilli(date.getTime()).toString());
    }
    if (value instanceof TemporalAccessor) {
      // Instant, LocalDate, LocalDateTime, OffsetDateTime…: ISO text.
      return maskText(value.toString());
    }
    if (value instanceof ObjectId id) {
      return maskObjectId(id);
    }
    if (value instanceof Binary binary) {
      return maskBinary(binary);
    }
    if (value instanceof byte[] bytes) {
      return maskByteArray(bytes);
    }
    return null;
  }

  @Override
  final FormCheck checkLeaf(Object value) {
    if (value == null) {
      return FormCheck.MASKED;
    }
    if (value instanceof Boolean) {
      return FormCheck.UNKNOWN;
    }
    if (value instanceof String s) {
      return checkText(s);
    }
    if (value instanceof Integer || value instanceof Long) {
      return checkInteger((Number) value);
    }
    if (value instanceof ObjectId id) {
      return checkObjectId(id);
    }
    if (value instanceof Binary || value instanceof byte[]) {
      return checkBytes();
    }
    // Every other type is masked into a String (or null): finding one means it was not masked.
    return FormCheck.NOT_MASKED;
  }

  private byte[] hashBytes(byte[] data) {
    byte[] h = key.hmac(bytesDomain, Base64.getEncoder().encodeToString(data));
    return Arrays.copyOf(h, Math.min(data.length, h.length));
  }
}
