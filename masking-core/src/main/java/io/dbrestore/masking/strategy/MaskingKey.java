package io.dbrestore.masking.strategy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret key behind every masked value: HMAC-SHA256 over a domain-separated input. The same key
 * gives the same outputs in every collection, table, engine and run. One {@link Mac} per thread: a
 * {@code Mac} is not thread-safe.
 */
public final class MaskingKey {
  /** Fewer bytes than this is refused: a short key makes the pseudonyms guessable. */
  public static final int MIN_BYTES = 32;

  private final byte[] key;
  private final ThreadLocal<Mac> mac;

  private MaskingKey(byte[] key) {
    this.key = key.clone();
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(this.key, "HmacSHA256"));
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
              }
            });
  }

  /** A key from its text form (as in {@code DBRESTORE_MASKING_KEY}): its UTF-8 bytes. */
  public static MaskingKey of(String secret) {
    if (secret == null) {
      throw new IllegalArgumentException("no masking key");
    }
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "the masking key is "
              + bytes.length
              + " bytes; use at least "
              + MIN_BYTES
              + " random bytes (for example: openssl rand -base64 48)");
    }
    return new MaskingKey(bytes);
  }

  /**
   * HMAC-SHA256 of {@code domain}, a zero byte, then {@code input} (UTF-8). The domain keeps
   * strategies and versions apart: {@code "email/1"}.
   */
  public byte[] hmac(String domain, String input) {
    Mac m = mac.get();
    m.update(domain.getBytes(StandardCharsets.UTF_8));
    m.update((byte) 0);
    return m.doFinal(input.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "MaskingKey[***]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaskingKey other && Arrays.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }
}
