package io.dbrestore.masking.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Base32Test {

  private static String encode(String text, int count) {
    char[] out = new char[count];
    Base32.encode(text.getBytes(StandardCharsets.US_ASCII), count, out, 0);
    return new String(out);
  }

  @Test
  void encode_whenRfc4648TestVectors_thenLowercaseWithoutPadding() {
    assertThat(encode("f", 2)).isEqualTo("my");
    assertThat(encode("fo", 4)).isEqualTo("mzxq");
    assertThat(encode("foo", 5)).isEqualTo("mzxw6");
    assertThat(encode("foob", 7)).isEqualTo("mzxw6yq");
    assertThat(encode("fooba", 8)).isEqualTo("mzxw6ytb");
    assertThat(encode("foobar", 10)).isEqualTo("mzxw6ytboi");
    assertThat(Base32.maxChars(32)).isEqualTo(52);
  }

  @Test
  void isEncoded_whenOutsideAlphabet_thenFalse() {
    assertThat(Base32.isEncoded("xxabz27yy", 2, 7)).isTrue();
    assertThat(Base32.isEncoded("ab1", 0, 3)).isFalse();
    assertThat(Base32.isEncoded("aB", 0, 2)).isFalse();
    assertThat(Base32.isEncoded("a8", 0, 2)).isFalse();
  }
}
