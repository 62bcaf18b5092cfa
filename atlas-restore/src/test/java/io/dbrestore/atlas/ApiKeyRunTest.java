package io.dbrestore.atlas;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.testing.Run;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code atlas-restore run} with a programmatic API key: HTTP Digest against WireMock. */
class ApiKeyRunTest {
  @RegisterExtension static AwsWireMock wm = new AwsWireMock();

  private final FakeAtlas atlas = new FakeAtlas(wm);

  @AfterEach
  void forgetSecrets() {
    Redactor.clearSecrets();
  }

  @Test
  void apiKey_answersTheDigestChallengeOnce_andReusesTheNonce() {
    atlas.apiKey().world();

    Run run = Run.of(AtlasRestore.entryPoint(), Map.of(), atlas.args().toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isZero();
    // Only the first request went without credentials; the rest answered the same nonce.
    wm.verify(
        exactly(1),
        anyRequestedFor(urlPathMatching("/api/atlas/.*")).withHeader("Authorization", absent()));
    wm.verify(
        exactly(1),
        postRequestedFor(urlEqualTo(FakeAtlas.RESTORE_JOBS))
            .withHeader(
                "Authorization", matching("Digest username=\"pubkeyabc\", .*nc=0000000.*")));
    assertThat(run.out() + run.err()).doesNotContain(FakeAtlas.PRIVATE_KEY);
  }

  @Test
  void wrongPrivateKey_exits1SayingAtlasRejectedTheKey() {
    atlas.apiKey().world();
    atlas.secret(
        "{\"publicKey\":\"" + FakeAtlas.PUBLIC_KEY + "\",\"privateKey\":\"not-the-right-key\"}");

    Run run = Run.of(AtlasRestore.entryPoint(), Map.of(), atlas.args().toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        // The runtime's redactor masks what follows "secret:" in an ARN, hence no name here.
        .startsWith(
            "atlas-restore: Atlas rejected the API key in secret"
                + " arn:aws:secretsmanager:eu-west-1:222233334444:secret:")
        .contains("NOT_ORG_GROUP_CREATOR")
        .doesNotContain("not-the-right-key");
    wm.verify(exactly(0), postRequestedFor(urlEqualTo(FakeAtlas.RESTORE_JOBS)));
  }
}
