package io.dbrestore.atlas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestAuthTest {
  @Test
  void header_matchesTheRfc2617Example() {
    DigestAuth.Challenge challenge =
        DigestAuth.parse(
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\","
                + " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
                + " opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    DigestAuth auth = new DigestAuth("Mufasa", "Circle Of Life", () -> "0a4f113b");

    String header = auth.header(challenge, "GET", "/dir/index.html", 1, "0a4f113b");

    assertThat(header)
        .contains("response=\"6629fae49393a05397450978507c4ef1\"")
        .contains("nc=00000001")
        .contains("cnonce=\"0a4f113b\"")
        .contains("qop=auth")
        .contains("uri=\"/dir/index.html\"")
        .contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  }

  @Test
  void authorization_countsNoncesUp() {
    DigestAuth auth = new DigestAuth("u", "p", () -> "c");
    assertThat(auth.authorization("GET", "/x")).isNull();
    auth.retryAfterUnauthorized(
        new FakeResponse("Digest realm=\"r\", nonce=\"n1\", qop=\"auth\", algorithm=MD5"));

    assertThat(auth.authorization("GET", "/x")).contains("nc=00000001");
    assertThat(auth.authorization("GET", "/x")).contains("nc=00000002");
  }

  @Test
  void sameNonceAgain_meansTheKeyIsWrong_soNoSecondTry() {
    DigestAuth auth = new DigestAuth("u", "p", () -> "c");
    FakeResponse challenge = new FakeResponse("Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"");

    assertThat(auth.retryAfterUnauthorized(challenge)).isTrue();
    assertThat(auth.retryAfterUnauthorized(challenge)).isFalse();
    assertThat(
            auth.retryAfterUnauthorized(
                new FakeResponse("Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", stale=true")))
        .isTrue();
  }

  @Test
  void unsupportedAlgorithm_isNamed() {
    assertThatThrownBy(() -> DigestAuth.parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA1"))
        .hasMessageContaining("Digest algorithm SHA1");
  }
}
