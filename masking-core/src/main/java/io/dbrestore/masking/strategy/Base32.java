package io.dbrestore.masking.strategy;

/**
 * Lowercase RFC 4648 base32 ({@code a-z2-7}) of the leading bits of a hash, without padding: the
 * output alphabet of {@code email} and {@code token}, chosen because it survives case folding,
 * e-mail local parts and URLs unchanged.
 */
final class Base32 {
  static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

  private Base32() {}

  /** The maximum number of characters {@code bytes} gives (the last one zero-padded). */
  static int maxChars(int bytes) {
    return (bytes * 8 + 4) / 5;
  }

  /** Writes the first {@code count} characters of the base32 encoding of {@code bytes}. */
  static void encode(byte[] bytes, int count, char[] out, int offset) {
    for (int i = 0; i < count; i++) {
      int bit = i * 5;
      int index = bit >>> 3;
      int window = (bytes[index] & 0xff) << 8;
      if (index + 1 < bytes.length) {
        window |= bytes[index + 1] & 0xff;
      }
      out[offset + i] = ALPHABET.charAt((window >>> (11 - (bit & 7))) & 31);
    }
  }

  /** Whether {@code text} from {@code from} to {@code to} (exclusive) is all base32 characters. */
  static boolean isEncoded(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        return false;
      }
    }
    return true;
  }
}
