package io.dbrestore.masking.mongo;

import java.util.Date;
import java.util.Map;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * MongoDB's comparison brackets: {@code $gte}/{@code $lt} only match values of the same bracket as
 * the bound ("type bracketing"), so a range of {@code _id}s must never span two brackets. Numbers
 * of every kind share one bracket.
 */
enum IdBracket {
  NULL,
  NUMBER,
  STRING,
  OBJECT,
  BINARY,
  OBJECT_ID,
  BOOLEAN,
  DATE,
  OTHER;

  static IdBracket of(Object id) {
    if (id == null) {
      return NULL;
    }
    if (id instanceof Number || id instanceof Decimal128) {
      return NUMBER;
    }
    if (id instanceof String) {
      return STRING;
    }
    if (id instanceof Map<?, ?>) {
      return OBJECT;
    }
    if (id instanceof Binary || id instanceof java.util.UUID) {
      return BINARY;
    }
    if (id instanceof ObjectId) {
      return OBJECT_ID;
    }
    if (id instanceof Boolean) {
      return BOOLEAN;
    }
    if (id instanceof Date) {
      return DATE;
    }
    return OTHER;
  }

  /** Whether ranges may be used; other brackets are matched value by value. */
  boolean rangeable() {
    return this == NUMBER
        || this == STRING
        || this == OBJECT
        || this == BINARY
        || this == OBJECT_ID
        || this == DATE;
  }
}
