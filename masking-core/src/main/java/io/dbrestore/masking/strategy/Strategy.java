package io.dbrestore.masking.strategy;

/**
 * Masks one kind of value. Instances are built once per field rule ({@link Strategies#create}) and
 * then applied to every value of that field, from many threads at once: implementations are
 * immutable and thread-safe.
 *
 * <p>Values are what the BSON and JDBC decoders produce: {@code String}, {@code Integer}, {@code
 * Long}, {@code Double}, {@code Boolean}, {@code java.util.Date}, {@code java.time.Instant}, {@code
 * java.time.LocalDate}, {@code java.time.LocalDateTime}, {@code org.bson.types.Decimal128}, {@code
 * org.bson.types.ObjectId}, {@code org.bson.types.Binary}, {@code java.util.Map<String, Object>} (a
 * sub-document, e.g. {@code org.bson.Document}), {@code java.util.List<Object>} (an array), or
 * {@code null}. A strategy never throws on a value of an unexpected type; what it does with each
 * type is part of its documented behaviour.
 *
 * <p>Output is deterministic for a given key, and stable for a given {@link #version()}: a change
 * of output is a new version, pinned by golden tests.
 */
public interface Strategy {
  /** Returned by {@link #mask} when the field must be removed from its document. */
  Object REMOVE =
      new Object() {
        @Override
        public String toString() {
          return "<remove>";
        }
      };

  /** The name used in rules files: {@code email}, {@code phone}, {@code keep}… */
  String name();

  /** The version of this strategy's output. */
  int version();

  /**
   * Whether distinct inputs always give distinct outputs (at least 96 bits of the keyed hash are
   * kept). Only unique strategies may mask a field covered by a unique index.
   */
  boolean unique();

  /**
   * Whether values that differ only in case or surrounding whitespace get the same output ({@code
   * email} with {@code case: fold}): unique, but only modulo that normalisation, so a unique index
   * that tells such values apart must be checked for them before any write.
   */
  default boolean normalises() {
    return false;
  }

  /** Whether this strategy leaves values as they are ({@code keep}). */
  default boolean keeps() {
    return false;
  }

  /**
   * The masked value, {@link #REMOVE} to remove the field, or the value itself when there is
   * nothing to mask (null). Never throws.
   */
  Object mask(Object value);

  /** Whether a value is in this strategy's output form; used by the verification gate. */
  FormCheck check(Object value);

  /**
   * The most characters (code points) a masked text value can have, derived from the strategy's own
   * output form; -1 when the strategy does not bound it (its output is as long as its input, like
   * {@code phone} and {@code date-shift}, or is not text). Compared with a column's length before
   * any write.
   */
  default int maxLength() {
    return -1;
  }

  /** The one value this strategy writes ({@code constant}); null for every other strategy. */
  default Object constantValue() {
    return null;
  }
}
