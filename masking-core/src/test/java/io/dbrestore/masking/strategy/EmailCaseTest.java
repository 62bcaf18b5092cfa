package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@code email}'s {@code case} option: {@code fold} (the default, output unchanged) normalises case
 * and surrounding whitespace before hashing; {@code preserve} hashes the value exactly as stored,
 * so distinct values stay distinct under a case-sensitive unique index.
 */
class EmailCaseTest {

  @Test
  void fold_isTheDefault_andItsOutputIsUnchanged() {
    Strategy folded = strategy("email", "case", "fold");

    assertThat(folded.mask("alice@example.org")).isEqualTo("b7g5ht3orj2bhbd7krjj@example.com");
    assertThat(folded.mask(" Alice@Example.ORG ")).isEqualTo("b7g5ht3orj2bhbd7krjj@example.com");
    assertThat(folded.normalises()).isTrue();
    assertThat(strategy("email").normalises()).isTrue();
  }

  @Test
  void preserve_hashesTheExactValue_distinctSpellingsStayDistinct() {
    Strategy exact = strategy("email", "case", "preserve");

    assertThat(exact.mask("alice@example.org")).isEqualTo("b7g5ht3orj2bhbd7krjj@example.com");
    assertThat((String) exact.mask("Alice@example.org"))
        .isNotEqualTo(exact.mask("alice@example.org"))
        .matches("[a-z2-7]{20}@example\\.com");
    assertThat(exact.mask(" alice@example.org")).isNotEqualTo(exact.mask("alice@example.org"));
    assertThat(exact.check(exact.mask("Alice@example.org"))).isEqualTo(FormCheck.MASKED);
    assertThat(exact.unique()).isTrue();
    assertThat(exact.normalises()).isFalse();
  }

  @Test
  void otherCaseValue_isRefusedNamingTheChoices() {
    assertThatThrownBy(() -> strategy("email", "case", "upper"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option 'case' of strategy 'email' must be one of fold, preserve, got 'upper'");
  }
}
