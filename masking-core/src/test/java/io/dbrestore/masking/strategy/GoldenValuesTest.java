package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Date;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact output of every strategy under a fixed key. Masked databases are compared across
 * runs, engines and months: if one of these changes, the change needs a new strategy version, not a
 * new expected value. The keyed-hash values were cross-checked with an independent HMAC-SHA256 and
 * base32 implementation.
 */
class GoldenValuesTest {

  @Test
  void email_whenGoldenKey_thenPinnedOutput() {
    Strategy email = strategy("email");
    assertThat(email.mask("alice@example.org")).isEqualTo("b7g5ht3orj2bhbd7krjj@example.com");
    assertThat(email.mask(" Alice@Example.ORG ")).isEqualTo("b7g5ht3orj2bhbd7krjj@example.com");
    assertThat(email.mask("山田太郎@example.jp")).isEqualTo("bcjyi2cd2jvaukoumaw4@example.com");
    assertThat(email.mask("")).isEqualTo("bm2xajq5pnplulfema6p@example.com");
    assertThat(strategy("email", "domain", "test.invalid").mask("alice@example.org"))
        .isEqualTo("b7g5ht3orj2bhbd7krjj@test.invalid");
  }

  @Test
  void phone_whenGoldenKey_thenPinnedOutput() {
    Strategy phone = strategy("phone");
    assertThat(phone.mask("+81 90-1234-5678")).isEqualTo("+19 75-7092-5062");
    assertThat(phone.mask("+819012345678")).isEqualTo("+197570925062");
    assertThat(phone.mask("(555) 123-4567")).isEqualTo("(820) 872-8896");
    assertThat(phone.mask("０９０－１２３４－５６７８")).isEqualTo("０４７－５８７１－３５９５");
    assertThat(phone.mask("123")).isEqualTo("652");
    assertThat(phone.mask(9012345678L)).isEqualTo(8123958914L);
    assertThat(phone.mask(12345)).isEqualTo(42109);
    assertThat(strategy("phone", "keep-prefix", 3).mask("+81 90-1234-5678"))
        .isEqualTo("+81 91-9757-0909");
  }

  @Test
  void token_whenGoldenKey_thenPinnedOutput() {
    assertThat(strategy("token").mask("abc123")).isEqualTo("d7unvjb4r2663fhp626x3gyso6");
    assertThat(strategy("token").mask("セッション")).isEqualTo("at5nmy7c3v3xffnzjo6tf5a2fi");
    Strategy prefixed = strategy("token", "prefix", "tok_", "length", 20);
    assertThat(prefixed.mask("abc123")).isEqualTo("tok_d7unvjb4r2663fhp626x");
    assertThat(prefixed.mask(new ObjectId("65f1a2b3c4d5e6f708192a3b")))
        .isEqualTo(new ObjectId("3546a1a4ebcf3c66733e7f2d"));
    assertThat(strategy("token", "length", 52).mask("abc123"))
        .isEqualTo("d7unvjb4r2663fhp626x3gyso6led3nsjkfo7lfu4leosk4zreva");
  }

  @Test
  void name_whenGoldenKey_thenPinnedOutput() {
    assertThat(strategy("name").mask("Alice Smith")).isEqualTo("Matthew Wagner");
    assertThat(strategy("name").mask("山田 太郎")).isEqualTo("Elijah Gray");
    assertThat(strategy("name", "part", "first").mask("Alice Smith")).isEqualTo("Matthew");
    assertThat(strategy("name", "part", "last").mask("Alice Smith")).isEqualTo("Wagner");
    assertThat(strategy("name", "locale", "ja").mask("山田 太郎")).isEqualTo("新井 節子");
    assertThat(strategy("name", "locale", "ja").mask(" 山田 太郎\u3000")).isEqualTo("新井 節子");
    assertThat(strategy("name", "locale", "ja").mask("Alice Smith")).isEqualTo("斎藤 陽翔");
    assertThat(strategy("name", "locale", "ja", "script", "kana").mask("山田 太郎"))
        .isEqualTo("アライ セツコ");
    assertThat(strategy("name", "locale", "ja", "part", "last").mask("山田 太郎")).isEqualTo("新井");
  }

  @Test
  void dateShift_whenGoldenKey_thenPinnedOutput() {
    Strategy shift = strategy("date-shift", "days", 30);
    assertThat(shift.mask("2024-03-01")).isEqualTo("2024-03-13");
    assertThat(shift.mask("2024-03-01T10:15:30Z")).isEqualTo("2024-03-13T10:15:30Z");
    assertThat(shift.mask("2024-03-01T10:15:30")).isEqualTo("2024-03-13T10:15:30");
    assertThat(shift.mask("2024-03-01T10:15:30.123+09:00"))
        .isEqualTo("2024-03-13T10:15:30.123+09:00");
    assertThat(shift.mask(LocalDate.of(1990, 5, 12))).isEqualTo(LocalDate.of(1990, 4, 29));
    assertThat(shift.mask(Instant.parse("1990-05-12T00:00:00Z")))
        .isEqualTo(Instant.parse("1990-04-29T00:00:00Z"));
    assertThat(shift.mask(Date.from(Instant.parse("1990-05-12T08:00:00Z"))))
        .isEqualTo(Date.from(Instant.parse("1990-04-29T08:00:00Z")));
    assertThat(shift.mask(LocalDateTime.of(1990, 5, 12, 8, 0)))
        .isEqualTo(LocalDateTime.of(1990, 4, 29, 8, 0));
  }

  @Test
  void fixedStrategies_whenApplied_thenPinnedOutput() {
    assertThat(strategy("redact").mask("some note")).isEqualTo("[redacted]");
    assertThat(strategy("redact", "replacement", "***").mask("メモ")).isEqualTo("***");
    assertThat(strategy("constant", "value", "x").mask("anything")).isEqualTo("x");
    assertThat(strategy("null").mask("anything")).isNull();
    assertThat(strategy("remove").mask("anything")).isSameAs(Strategy.REMOVE);
    assertThat(strategy("keep").mask("anything")).isEqualTo("anything");
  }

  @Test
  void bytes_whenGoldenKey_thenPinnedOutput() {
    Binary uuid = new Binary((byte) 4, new byte[16]);
    assertThat(strategy("token").mask(uuid))
        .isEqualTo(
            new Binary(
                (byte) 4, java.util.HexFormat.of().parseHex("9228008ed6fee4505f5960d1ddedd238")));
  }
}
