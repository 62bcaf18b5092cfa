package io.dbrestore.masking.strategy;

import java.util.Locale;

/**
 * {@code email}: a pseudonymous address that stays unique (100 bits of the keyed hash) and
 * consistent: addresses that differ only in case or surrounding whitespace are the same mailbox in
 * practice, so they are normalised before hashing and a unique index stays satisfied.
 */
final class EmailStrategy extends TextStrategy {
  static final String DOMAIN = "email/1";
  static final int LOCAL_CHARS = 20;

  private final String suffix;

  EmailStrategy(MaskingKey key, String domain) {
    super("email", true, key);
    this.suffix = "@" + domain;
  }

  @Override
  Object maskText(String text) {
    byte[] h = key.hmac(DOMAIN, text.strip().toLowerCase(Locale.ROOT));
    char[] out = new char[LOCAL_CHARS + suffix.length()];
    Base32.encode(h, LOCAL_CHARS, out, 0);
    suffix.getChars(0, suffix.length(), out, LOCAL_CHARS);
    return new String(out);
  }

  /** The local part's base32 characters, {@code @} and the domain. */
  @Override
  public int maxLength() {
    return LOCAL_CHARS + suffix.codePointCount(0, suffix.length());
  }

  @Override
  FormCheck checkText(String text) {
    return text.length() == LOCAL_CHARS + suffix.length()
            && text.endsWith(suffix)
            && Base32.isEncoded(text, 0, LOCAL_CHARS)
        ? FormCheck.MASKED
        : FormCheck.NOT_MASKED;
  }
}
