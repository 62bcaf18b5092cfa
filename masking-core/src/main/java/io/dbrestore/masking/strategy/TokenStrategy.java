package io.dbrestore.masking.strategy;

import java.util.Arrays;
import org.bson.types.ObjectId;

/**
 * {@code token}: an opaque identifier (API keys, session ids, external ids) replaced by a
 * fixed-length base32 pseudonym with an optional prefix; at least 100 bits of the keyed hash, so
 * unique. An ObjectId stays an ObjectId (references keep their type), made from the same hash.
 */
final class TokenStrategy extends TextStrategy {
  static final String DOMAIN = "token/1";
  static final int MIN_LENGTH = 20;
  static final int MAX_LENGTH = Base32.maxChars(32);
  static final int DEFAULT_LENGTH = 26;

  private final String prefix;
  private final int length;

  TokenStrategy(MaskingKey key, String prefix, int length) {
    super("token", true, key);
    this.prefix = prefix;
    this.length = length;
  }

  @Override
  Object maskText(String text) {
    byte[] h = key.hmac(DOMAIN, text);
    char[] out = new char[prefix.length() + length];
    prefix.getChars(0, prefix.length(), out, 0);
    Base32.encode(h, length, out, prefix.length());
    return new String(out);
  }

  /** The prefix and the base32 characters: every token has exactly this length. */
  @Override
  public int maxLength() {
    return prefix.codePointCount(0, prefix.length()) + length;
  }

  @Override
  FormCheck checkText(String text) {
    return text.length() == prefix.length() + length
            && text.startsWith(prefix)
            && Base32.isEncoded(text, prefix.length(), text.length())
        ? FormCheck.MASKED
        : FormCheck.NOT_MASKED;
  }

  @Override
  Object maskObjectId(ObjectId id) {
    return new ObjectId(Arrays.copyOf(key.hmac(DOMAIN, id.toHexString()), 12));
  }

  /** A hashed ObjectId looks like any ObjectId. */
  @Override
  FormCheck checkObjectId(ObjectId id) {
    return FormCheck.UNKNOWN;
  }
}
