package io.dbrestore.masking.strategy;

/** Numbers read from keyed-hash bytes, for picking list entries and offsets. */
final class Hashes {
  private Hashes() {}

  /**
   * The big-endian unsigned 64-bit number at {@code offset}. Reduced modulo a list size of a few
   * hundred or a few thousand days, its bias is below 2^-50: negligible.
   */
  static long u64(byte[] bytes, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (bytes[offset + i] & 0xff);
    }
    return v;
  }
}
