package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Strategy#maxLength()} against what the strategies really write: no masked value of many
 * random inputs is longer than the bound, and the bound is reached (it is not merely an upper
 * guess), so a bound that is too short or too long fails here.
 */
class MaxLengthTest {
  private static final int SAMPLES = 30_000;

  /** Random inputs of every length from empty to 200 characters, some of them non-ASCII. */
  private static List<String> inputs() {
    Random r = new Random(14);
    List<String> out = new java.util.ArrayList<>(SAMPLES);
    for (int i = 0; i < SAMPLES; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + r.nextInt(200);
      for (int j = 0; j < n; j++) {
        b.appendCodePoint(r.nextInt(10) == 0 ? 0x3041 + r.nextInt(80) : 0x21 + r.nextInt(90));
      }
      out.add(b.toString());
    }
    return out;
  }

  private static int longest(Strategy s) {
    int max = 0;
    for (String in : inputs()) {
      String out = (String) s.mask(in);
      max = Math.max(max, out.codePointCount(0, out.length()));
    }
    return max;
  }

  private static void boundIsExact(Strategy s) {
    assertThat(s.maxLength()).as(s.toString()).isPositive();
    assertThat(longest(s)).as(s.toString()).isEqualTo(s.maxLength());
  }

  @Test
  void email_isTwentyBase32CharactersAndTheDomain() {
    boundIsExact(strategy("email"));
    boundIsExact(strategy("email", "domain", "mail.example.co.jp"));
    assertThat(strategy("email").maxLength()).isEqualTo(32);
  }

  @Test
  void token_isItsPrefixAndLength() {
    boundIsExact(strategy("token"));
    boundIsExact(strategy("token", "prefix", "tok_", "length", 20));
    boundIsExact(strategy("token", "prefix", "鍵_", "length", 52));
    assertThat(strategy("token", "prefix", "tok_", "length", 20).maxLength()).isEqualTo(24);
  }

  @Test
  void redact_isItsReplacement() {
    boundIsExact(strategy("redact"));
    boundIsExact(strategy("redact", "replacement", "伏せ字"));
  }

  @Test
  void name_isTheLongestNameOfItsLists() {
    for (String locale : List.of("en", "ja")) {
      boundIsExact(strategy("name", "locale", locale, "part", "first"));
      boundIsExact(strategy("name", "locale", locale, "part", "last"));
      Strategy full = strategy("name", "locale", locale);
      assertThat(longest(full)).isLessThanOrEqualTo(full.maxLength());
      assertThat(full.maxLength())
          .isEqualTo(
              strategy("name", "locale", locale, "part", "first").maxLength()
                  + 1
                  + strategy("name", "locale", locale, "part", "last").maxLength());
    }
    Strategy kana = strategy("name", "locale", "ja", "script", "kana", "part", "last");
    boundIsExact(kana);
  }

  @Test
  void constant_isItsText() {
    assertThat(strategy("constant", "value", "n/a").maxLength()).isEqualTo(3);
    assertThat(strategy("constant", "value", 12345).maxLength()).isEqualTo(5);
  }

  @Test
  void shapeKeepingStrategies_areNotBounded() {
    assertThat(strategy("phone").maxLength()).isEqualTo(-1);
    assertThat(strategy("date-shift", "days", 30).maxLength()).isEqualTo(-1);
    assertThat(strategy("null").maxLength()).isEqualTo(-1);
  }
}
