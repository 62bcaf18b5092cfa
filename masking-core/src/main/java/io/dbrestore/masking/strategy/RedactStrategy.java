package io.dbrestore.masking.strategy;

import org.bson.types.Binary;

/**
 * {@code redact}: free text (notes, addresses, messages) replaced by a fixed text. An empty string
 * stays empty, so "was anything written here" survives for development.
 */
final class RedactStrategy extends TextStrategy {
  static final String DEFAULT = "[redacted]";

  private final String replacement;

  RedactStrategy(String replacement) {
    super("redact", false, null);
    this.replacement = replacement;
  }

  @Override
  Object maskText(String text) {
    return text.isEmpty() ? text : replacement;
  }

  /** The replacement text (an empty value stays empty). */
  @Override
  public int maxLength() {
    return replacement.codePointCount(0, replacement.length());
  }

  @Override
  FormCheck checkText(String text) {
    return text.isEmpty() || text.equals(replacement) ? FormCheck.MASKED : FormCheck.NOT_MASKED;
  }

  @Override
  Object maskBinary(Binary binary) {
    return replacement;
  }

  @Override
  Object maskByteArray(byte[] bytes) {
    return replacement;
  }

  /** Redacted bytes are a string. */
  @Override
  FormCheck checkBytes() {
    return FormCheck.NOT_MASKED;
  }
}
