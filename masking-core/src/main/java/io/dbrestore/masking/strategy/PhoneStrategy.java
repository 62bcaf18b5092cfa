package io.dbrestore.masking.strategy;

/**
 * {@code phone}: the digits of a phone number replaced, its shape (spaces, dashes, parentheses, a
 * leading {@code +}) kept, so that formatting code and validators in development keep working.
 *
 * <p>The digits are derived from the input's digits only, so {@code +81 90-1234-5678} and {@code
 * +819012345678} get the same digits, each in its own shape. A masked number carries its own proof:
 * its last two digits are a keyed check over the others. A real number passes that check with
 * probability 1/100, so the gate is statistical for one value and near-certain for a field. Numbers
 * where fewer than four digits are replaced carry no check ({@link FormCheck#UNKNOWN}).
 *
 * <p>Any Unicode decimal digit counts as a digit (full-width {@code ０９０} included) and is replaced
 * by a digit of the same script.
 */
final class PhoneStrategy extends TextStrategy {
  static final String DOMAIN = "phone/1";
  static final String CHECK_DOMAIN = "phone-check/1";
  static final int MIN_CHECKED = 4;

  private final int keepPrefix;

  PhoneStrategy(MaskingKey key, int keepPrefix) {
    super("phone", false, key);
    this.keepPrefix = keepPrefix;
  }

  @Override
  Object maskText(String text) {
    char[] digits = digits(text);
    int n = digits.length;
    int kept = Math.min(keepPrefix, n);
    int replaced = n - kept;
    if (replaced == 0) {
      return text;
    }
    boolean checked = replaced >= MIN_CHECKED;
    int end = checked ? n - 2 : n;
    String input = new String(digits);
    byte[] h = key.hmac(DOMAIN, input);
    int used = 0;
    int block = 0;
    for (int i = kept; i < end; i++) {
      int b;
      do {
        if (used == h.length) {
          h = key.hmac(DOMAIN, input + ":" + ++block);
          used = 0;
        }
        b = h[used++] & 0xff;
      } while (b >= 250); // 250 = 25 × 10: no bias towards low digits
      digits[i] = (char) ('0' + b % 10);
    }
    if (checked) {
      int c = checkNumber(digits, n - 2);
      digits[n - 2] = (char) ('0' + c / 10);
      digits[n - 1] = (char) ('0' + c % 10);
    }
    char[] out = text.toCharArray();
    int d = 0;
    for (int i = 0; i < out.length; i++) {
      int value = Character.digit(out[i], 10);
      if (value >= 0) {
        out[i] = (char) (out[i] - value + (digits[d++] - '0'));
      }
    }
    return new String(out);
  }

  @Override
  FormCheck checkText(String text) {
    char[] digits = digits(text);
    int n = digits.length;
    if (n - Math.min(keepPrefix, n) < MIN_CHECKED) {
      return FormCheck.UNKNOWN;
    }
    int c = checkNumber(digits, n - 2);
    return digits[n - 2] - '0' == c / 10 && digits[n - 1] - '0' == c % 10
        ? FormCheck.MASKED
        : FormCheck.NOT_MASKED;
  }

  /** Keeps the number type when the masked digits still read as the same number of digits. */
  @Override
  Object maskInteger(Number number, String text) {
    String masked = (String) maskText(text);
    int firstDigit = masked.charAt(0) == '-' ? 1 : 0;
    if (masked.length() > firstDigit + 1 && masked.charAt(firstDigit) == '0') {
      return masked; // a leading zero would be lost
    }
    try {
      // Not a conditional expression: it would widen an Integer to a Long.
      if (number instanceof Integer) {
        return Integer.valueOf(masked);
      }
      return Long.valueOf(masked);
    } catch (NumberFormatException e) {
      return masked; // too large for its type
    }
  }

  @Override
  FormCheck checkInteger(Number number) {
    return checkText(number.toString());
  }

  /** The keyed check over the first {@code count} digits: 0 to 99. */
  private int checkNumber(char[] digits, int count) {
    byte[] h = key.hmac(CHECK_DOMAIN, new String(digits, 0, count));
    int first4 = h[0] << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
    return Integer.remainderUnsigned(first4, 100);
  }

  /** The decimal digits of {@code text} as ASCII digits. */
  private static char[] digits(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (Character.digit(text.charAt(i), 10) >= 0) {
        n++;
      }
    }
    char[] digits = new char[n];
    int d = 0;
    for (int i = 0; i < text.length(); i++) {
      int value = Character.digit(text.charAt(i), 10);
      if (value >= 0) {
        digits[d++] = (char) ('0' + value);
      }
    }
    return digits;
  }
}
