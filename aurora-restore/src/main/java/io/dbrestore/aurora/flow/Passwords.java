package io.dbrestore.aurora.flow;

import io.dbrestore.runtime.log.Redactor;
import java.security.SecureRandom;

/** One-off master passwords that never leave the process (registered with the redactor). */
final class Passwords {
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /** 32 letters and digits: valid for Aurora MySQL and PostgreSQL (no / @ " or space). */
  static String oneOff() {
    StringBuilder s = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    String password = s.toString();
    Redactor.registerSecret(password);
    return password;
  }
}
