package io.dbrestore.masking.strategy;

import java.util.Locale;

/**
 * {@code email}: a pseudonymous address that stays unique (100 bits of the keyed hash) and
 * consistent. With {@code case: fold} (the default) addresses that differ only in case or
 * surrounding whitespace are the same mailbox in practice, so they are normalised ({@link
 * String#strip()}, then {@link String#toLowerCase(Locale)} with {@link Locale#ROOT}) before hashing
 * and get one pseudonym; two such spellings under a case-sensitive unique index then collide, which
 * the engines detect before any write. With {@code case: preserve} the value is hashed exactly as
 * stored: injective, consistent only between identical spellings.
 */
final class EmailStrategy extends TextStrategy {
  static final String DOMAIN = "email/1";
  static final int LOCAL_CHARS = 20;

  private final String suffix;
  private final boolean fold;

  EmailStrategy(MaskingKey key, String domain) {
    this(key, domain, true);
  }

  /**
   * @param fold whether case and surrounding whitespace are normalised before hashing
   */
  EmailStrategy(MaskingKey key, String domain, boolean fold) {
    super("email", true, key);
    this.suffix = "@" + domain;
    this.fold = fold;
  }

  @Override
  public boolean normalises() {
    return fold;
  }

  @Override
  Object maskText(String text) {
    byte[] h = key.hmac(DOMAIN, fold ? text.strip().toLowerCase(Locale.ROOT) : text);
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
