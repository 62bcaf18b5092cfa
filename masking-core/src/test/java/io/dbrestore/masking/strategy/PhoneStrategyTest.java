package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PhoneStrategyTest {
  private final Strategy phone = strategy("phone");

  private static String digits(Object s) {
    return s.toString().replaceAll("[^0-9]", "");
  }

  private static String shape(Object s) {
    return s.toString().replaceAll("[0-9]", "9");
  }

  @Test
  void mask_whenFormatted_thenSameShapeOtherDigits() {
    for (String real :
        List.of("+81 90-1234-5678", "(555) 123-4567", "03-1234-5678", "+44 20 7946 0958", "x12")) {
      Object masked = phone.mask(real);
      assertThat(shape(masked)).isEqualTo(shape(real));
      assertThat(digits(masked)).isNotEqualTo(digits(real));
    }
  }

  @Test
  void mask_whenSameDigitsInOtherShapes_thenSameDigits() {
    Object spaced = phone.mask("+81 90-1234-5678");
    assertThat(digits(phone.mask("+819012345678"))).isEqualTo(digits(spaced));
    assertThat(digits(phone.mask("81(90)1234 5678"))).isEqualTo(digits(spaced));
    assertThat(digits(phone.mask(819012345678L))).isEqualTo(digits(spaced));
  }

  @Test
  void mask_whenFullWidthDigits_thenFullWidthDigitsSameAsAscii() {
    String masked = (String) phone.mask("０９０－１２３４－５６７８");
    String ascii = (String) phone.mask("090-1234-5678");
    StringBuilder normalised = new StringBuilder();
    masked
        .chars()
        .forEach(c -> normalised.append((char) (c >= '０' && c <= '９' ? c - '０' + '0' : c)));
    assertThat(normalised.toString().replace('－', '-')).isEqualTo(ascii);
    assertThat(masked).matches("[０-９]{3}－[０-９]{4}－[０-９]{4}");
  }

  @Test
  void mask_whenKeepPrefix_thenLeadingDigitsKept() {
    Strategy keep4 = strategy("phone", "keep-prefix", 4);
    String masked = (String) keep4.mask("+81 90-1234-5678");
    assertThat(masked).startsWith("+81 90-");
    assertThat(masked).isNotEqualTo("+81 90-1234-5678");
    assertThat(keep4.check(masked)).isEqualTo(FormCheck.MASKED);
    assertThat(strategy("phone", "keep-prefix", 20).mask("090-1234-5678"))
        .isEqualTo("090-1234-5678");
  }

  @Test
  void mask_whenFewerThanFourDigitsReplaced_thenAllFromHashAndCheckUnknown() {
    Object masked = phone.mask("123");
    assertThat(shape(masked)).isEqualTo("999");
    assertThat(phone.check(masked)).isEqualTo(FormCheck.UNKNOWN);
    assertThat(phone.check("123")).isEqualTo(FormCheck.UNKNOWN);
    Strategy keep8 = strategy("phone", "keep-prefix", 8);
    assertThat(keep8.mask("090-1234-5678")).asString().startsWith("090-1234-");
    assertThat(keep8.check("090-1234-5678")).isEqualTo(FormCheck.UNKNOWN);
    assertThat(strategy("phone", "keep-prefix", 7).check("090-1234-5678"))
        .isEqualTo(FormCheck.NOT_MASKED);
  }

  @Test
  void mask_whenNoDigits_thenUnchangedAndCheckUnknown() {
    assertThat(phone.mask("n/a")).isEqualTo("n/a");
    assertThat(phone.mask("")).isEqualTo("");
    assertThat(phone.check("n/a")).isEqualTo(FormCheck.UNKNOWN);
  }

  @Test
  void mask_whenLongDigitString_thenEveryDigitReplacedAndChecked() {
    String longDigits = "1".repeat(200);
    String masked = (String) phone.mask(longDigits);
    assertThat(masked).hasSize(200).matches("[0-9]+");
    // More digits than one hash gives: the digits are not a repetition of the first block.
    assertThat(masked.substring(0, 30)).isNotEqualTo(masked.substring(30, 60));
    assertThat(phone.check(masked)).isEqualTo(FormCheck.MASKED);
  }

  @Test
  void check_whenOneDigitChanged_thenNotMasked() {
    String masked = (String) phone.mask("+81 90-1234-5678");
    char[] c = masked.toCharArray();
    c[5] = c[5] == '9' ? '0' : (char) (c[5] + 1);
    assertThat(phone.check(new String(c))).isEqualTo(FormCheck.NOT_MASKED);
  }
}
