package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.OTHER_KEY;
import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Determinism, key dependence, uniqueness and form checks of the keyed strategies. */
class StrategyPropertiesTest {

  private static List<Object> inputs(String name, int count) {
    List<Object> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(
          switch (name) {
            case "phone" -> "+81 90-" + (1000 + i % 9000) + "-" + (1000 + i / 9 % 9000);
            case "date-shift" -> LocalDate.of(1950, 1, 1).plusDays(i * 7L).toString();
            case "name" -> i % 2 == 0 ? "Person " + i : "山田 " + i;
            default -> "user" + i + "@example.org";
          });
    }
    return values;
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "token", "name", "date-shift"})
  void mask_whenManyThreadsMaskTheSameValues_thenSameOutputs(String name) throws Exception {
    Strategy s =
        strategy(name, name.equals("date-shift") ? new Object[] {"days", 100} : new Object[0]);
    List<Object> values = inputs(name, 2_000);
    List<Object> expected = values.stream().map(s::mask).toList();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<List<Object>>> results = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        results.add(pool.submit(() -> values.stream().map(s::mask).toList()));
      }
      for (Future<List<Object>> r : results) {
        assertThat(r.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "token", "name", "date-shift"})
  void mask_whenKeyDiffers_thenOutputsDiffer(String name) {
    Object[] options = name.equals("date-shift") ? new Object[] {"days", 3650} : new Object[0];
    Strategy golden = strategy(name, options);
    Strategy other = TestStrategies.strategy(OTHER_KEY, name, options);
    List<Object> values = inputs(name, 200);
    long same = values.stream().filter(v -> golden.mask(v).equals(other.mask(v))).count();
    // Names come from lists of ~170 × ~190 and dates from 7,300 shifts: a few may coincide.
    assertThat(same).isLessThanOrEqualTo(name.equals("name") ? 5 : 1);
  }

  @Test
  void mask_whenBuiltTwice_thenSameOutputs() {
    assertThat(strategy("email").mask("bob@example.org"))
        .isEqualTo(strategy("email").mask("bob@example.org"));
    assertThat(strategy("phone").mask("03-1234-5678"))
        .isEqualTo(strategy("phone").mask("03-1234-5678"));
  }

  @Test
  void email_when200000DistinctAddresses_then200000DistinctOutputs() {
    Strategy email = strategy("email");
    Set<Object> outputs = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      outputs.add(email.mask("user" + i + "@example.org"));
    }
    assertThat(outputs).hasSize(200_000);
  }

  @Test
  void token_when200000DistinctTokens_then200000DistinctOutputs() {
    Strategy token = strategy("token", "length", 20);
    Set<Object> outputs = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      outputs.add(token.mask(Integer.toHexString(i)));
    }
    assertThat(outputs).hasSize(200_000);
  }

  @Test
  void unique_whenStrategyKeepsAtLeast96Bits_thenTrue() {
    assertThat(strategy("email").unique()).isTrue();
    assertThat(strategy("token", "length", 20).unique()).isTrue();
    for (String name : List.of("phone", "name", "redact", "null", "remove")) {
      assertThat(strategy(name).unique()).as(name).isFalse();
    }
    assertThat(strategy("keep").keeps()).isTrue();
    assertThat(strategy("email").keeps()).isFalse();
    assertThat(strategy("email").version()).isEqualTo(1);
    assertThat(strategy("email").name()).isEqualTo("email");
  }

  @Test
  void check_whenMaskedOutput_thenMasked() {
    for (Strategy s :
        List.of(
            strategy("email"),
            strategy("email", "domain", "Mask.Example"),
            strategy("token"),
            strategy("token", "prefix", "sk_", "length", 52),
            strategy("phone"),
            strategy("phone", "keep-prefix", 2),
            strategy("name"),
            strategy("name", "locale", "ja", "script", "kana", "part", "first"),
            strategy("redact"),
            strategy("constant", "value", 7))) {
      for (Object v : inputs(s.name(), 500)) {
        assertThat(s.check(s.mask(v))).as(s + " " + v).isEqualTo(FormCheck.MASKED);
      }
    }
  }

  @Test
  void check_whenRealEmails_thenNotMasked() {
    Strategy email = strategy("email");
    assertThat(email.check("alice@example.org")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(email.check("b7g5ht3orj2bhbd7krjj@example.org")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(email.check("B7G5HT3ORJ2BHBD7KRJJ@example.com")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(email.check("b7g5ht3orj2bhbd7krj@example.com")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(email.check("b7g5ht3orj2bhbd7krj1@example.com")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(email.check("")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(email.check("b7g5ht3orj2bhbd7krjj@example.com")).isEqualTo(FormCheck.MASKED);
  }

  @Test
  void check_whenRealTokens_thenNotMasked() {
    Strategy token = strategy("token", "prefix", "tok_");
    assertThat(token.check("tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(token.check("d7unvjb4r2663fhp626x3gyso6")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(token.check("tok_d7unvjb4r2663fhp626x3gyso")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(token.check("tok_0123456789abcdef0123456789")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(token.check("tok_d7unvjb4r2663fhp626x3gyso6")).isEqualTo(FormCheck.MASKED);
  }

  @Test
  void check_whenFixedRealPhoneNumbers_thenNotMasked() {
    Strategy phone = strategy("phone");
    // Fixed examples: each real number passes the keyed check with probability 1/100.
    for (String real :
        List.of("+81 90-1234-5678", "03-1234-5678", "(555) 123-4567", "+1 202 555 0143")) {
      assertThat(phone.check(real)).as(real).isEqualTo(FormCheck.NOT_MASKED);
    }
  }

  @Test
  void check_whenManyUnmaskedPhoneNumbers_thenAboutOneInHundredPasses() {
    Strategy phone = strategy("phone");
    int passed = 0;
    for (int i = 0; i < 20_000; i++) {
      if (phone.check("090-" + (1000 + i % 9000) + "-" + (1000 + i) % 10_000) == FormCheck.MASKED) {
        passed++;
      }
    }
    assertThat(passed).isBetween(120, 280);
  }

  @Test
  void check_whenNameNotFromTheLists_thenNotMasked() {
    Strategy en = strategy("name");
    assertThat(en.check("Zebedee Quux")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(en.check("Matthew  Wagner")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(en.check("Wagner Matthew")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(en.check("Matthew")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(en.check("Matthew Wagner")).isEqualTo(FormCheck.MASKED);
    Strategy ja = strategy("name", "locale", "ja");
    assertThat(ja.check("新井\u3000節子")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(ja.check("節子 新井")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(ja.check("アライ セツコ")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(ja.check("新井 節子")).isEqualTo(FormCheck.MASKED);
  }

  @Test
  void check_whenRedactedOrOther_thenAsReplacement() {
    Strategy redact = strategy("redact");
    assertThat(redact.check("[redacted]")).isEqualTo(FormCheck.MASKED);
    assertThat(redact.check("")).isEqualTo(FormCheck.MASKED);
    assertThat(redact.check("call me")).isEqualTo(FormCheck.NOT_MASKED);
  }
}
