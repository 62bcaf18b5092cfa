package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.GOLDEN_KEY;
import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/** Strategy names and the messages a rules file's author sees for wrong options. */
class StrategiesTest {

  @Test
  void names_whenListed_thenEveryStrategyInOrder() {
    assertThat(Strategies.names())
        .containsExactly(
            "constant",
            "date-shift",
            "email",
            "keep",
            "name",
            "null",
            "phone",
            "redact",
            "remove",
            "token");
  }

  @Test
  void create_whenEveryName_thenStrategyOfThatName() {
    for (String name : Strategies.names()) {
      Map<String, Object> options =
          switch (name) {
            case "constant" -> Map.of("value", "c");
            case "date-shift" -> Map.of("days", 1);
            default -> Map.of();
          };
      Strategy s = Strategies.create(name, options, GOLDEN_KEY);
      assertThat(s.name()).isEqualTo(name);
      assertThat(s.version()).isEqualTo(1);
    }
  }

  @Test
  void create_whenUnknownStrategy_thenListsKnownNames() {
    assertThatThrownBy(() -> Strategies.create("hash", Map.of(), GOLDEN_KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown strategy 'hash'; known strategies: constant, date-shift, email, keep, name,"
                + " null, phone, redact, remove, token");
    assertThatThrownBy(() -> Strategies.create(null, Map.of(), GOLDEN_KEY))
        .hasMessageStartingWith("unknown strategy 'null';");
  }

  @Test
  void create_whenUnknownOption_thenListsAllowedOptions() {
    assertThatThrownBy(() -> strategy("email", "domian", "x.org"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option 'domian' for strategy 'email'; allowed: domain, case");
    assertThatThrownBy(() -> strategy("token", "size", 20))
        .hasMessage("unknown option 'size' for strategy 'token'; allowed: prefix, length");
    assertThatThrownBy(() -> strategy("keep", "domain", "x"))
        .hasMessage("strategy 'keep' takes no options, got 'domain'");
  }

  @Test
  void create_whenIntegerOutOfRange_thenSaysTheRange() {
    assertThatThrownBy(() -> strategy("token", "length", 19))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option 'length' of strategy 'token' must be an integer from 20 to 52, got 19");
    assertThatThrownBy(() -> strategy("token", "length", 53))
        .hasMessageEndingWith("from 20 to 52, got 53");
    assertThatThrownBy(() -> strategy("token", "length", "26"))
        .hasMessageEndingWith("from 20 to 52, got '26'");
    assertThatThrownBy(() -> strategy("token", "length", 26.0))
        .hasMessageEndingWith("from 20 to 52, got 26.0");
    assertThatThrownBy(() -> strategy("date-shift", "days", 0))
        .hasMessage(
            "option 'days' of strategy 'date-shift' must be an integer from 1 to 3650, got 0");
    assertThatThrownBy(() -> strategy("date-shift", "days", 3651L))
        .hasMessageEndingWith("got 3651");
    assertThatThrownBy(() -> strategy("phone", "keep-prefix", -1))
        .hasMessage(
            "option 'keep-prefix' of strategy 'phone' must be an integer from 0 up, got -1");
  }

  @Test
  void create_whenIntegerOfAnyYamlType_thenAccepted() {
    assertThat(strategy("token", "length", 20L).mask("a")).asString().hasSize(20);
    assertThat(strategy("token", "length", BigInteger.valueOf(21)).mask("a"))
        .asString()
        .hasSize(21);
  }

  @Test
  void create_whenRequiredOptionMissing_thenSaysWhatIsNeeded() {
    assertThatThrownBy(() -> strategy("date-shift"))
        .hasMessage("strategy 'date-shift' needs option 'days' (an integer from 1 to 3650)");
    assertThatThrownBy(() -> strategy("constant"))
        .hasMessage("strategy 'constant' needs option 'value' (a string, number or boolean)");
  }

  @Test
  void create_whenConstantIsNotAScalar_thenRefused() {
    assertThatThrownBy(() -> strategy("constant", "value", List.of(1)))
        .hasMessage(
            "option 'value' of strategy 'constant' must be a string, number or boolean, got a list");
    assertThatThrownBy(() -> strategy("constant", "value", Map.of("a", 1)))
        .hasMessageEndingWith("got a mapping");
    assertThatThrownBy(() -> strategy("constant", "value", null))
        .hasMessageEndingWith("got nothing");
  }

  @Test
  void create_whenConstantIsAYamlNumber_thenBsonNumber() {
    assertThat(strategy("constant", "value", 5).mask("x")).isEqualTo(5);
    assertThat(strategy("constant", "value", 5L).mask("x")).isEqualTo(5L);
    assertThat(strategy("constant", "value", 2.5).mask("x")).isEqualTo(2.5);
    assertThat(strategy("constant", "value", false).mask("x")).isEqualTo(false);
    assertThat(strategy("constant", "value", new BigInteger("12345678901")).mask("x"))
        .isEqualTo(12_345_678_901L);
    assertThat(strategy("constant", "value", new BigDecimal("0.10")).mask("x"))
        .isEqualTo(Decimal128.parse("0.10"));
    assertThatThrownBy(() -> strategy("constant", "value", new BigInteger("1".repeat(30))))
        .hasMessageContaining("must be a string, number or boolean (numbers within");
  }

  @Test
  void create_whenStringOptionsWrong_thenRefused() {
    assertThatThrownBy(() -> strategy("email", "domain", ""))
        .hasMessage("option 'domain' of strategy 'email' must be a non-empty string, got ''");
    assertThatThrownBy(() -> strategy("email", "domain", 5))
        .hasMessage("option 'domain' of strategy 'email' must be a non-empty string, got 5");
    assertThatThrownBy(() -> strategy("email", "domain", "a@b.org"))
        .hasMessageStartingWith("option 'domain' of strategy 'email' must be a domain name");
    assertThatThrownBy(() -> strategy("redact", "replacement", List.of()))
        .hasMessage("option 'replacement' of strategy 'redact' must be a string, got a list");
    assertThat(strategy("redact", "replacement", "").mask("x")).isEqualTo("");
  }

  @Test
  void create_whenNameOptionsWrong_thenSaysTheChoices() {
    assertThatThrownBy(() -> strategy("name", "locale", "fr"))
        .hasMessage("option 'locale' of strategy 'name' must be one of en, ja, got 'fr'");
    assertThatThrownBy(() -> strategy("name", "part", "middle"))
        .hasMessage(
            "option 'part' of strategy 'name' must be one of full, first, last, got 'middle'");
    assertThatThrownBy(() -> strategy("name", "locale", "ja", "script", "romaji"))
        .hasMessage("option 'script' of strategy 'name' must be one of kanji, kana, got 'romaji'");
    assertThatThrownBy(() -> strategy("name", "script", "kana"))
        .hasMessage("option 'script' of strategy 'name' is only for locale 'ja'");
  }

  @Test
  void create_whenLongValueInMessage_thenOneShortLine() {
    String longValue = "line one\nline two " + "x".repeat(100);
    assertThatThrownBy(() -> strategy("name", "locale", longValue))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(120);
              assertThat(e.getMessage()).contains("got 'line one line two xxx");
            });
  }

  @Test
  void create_whenKeyedStrategyWithoutKey_thenRefused() {
    assertThatThrownBy(() -> Strategies.create("email", Map.of(), null))
        .hasMessage("strategy 'email' needs a masking key");
    assertThat(Strategies.create("redact", Map.of(), null).mask("x")).isEqualTo("[redacted]");
  }

  @Test
  void create_whenOptionsNull_thenDefaults() {
    assertThat(Strategies.create("token", null, GOLDEN_KEY).mask("abc123"))
        .isEqualTo("d7unvjb4r2663fhp626x3gyso6");
  }
}
