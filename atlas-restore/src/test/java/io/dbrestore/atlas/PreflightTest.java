package io.dbrestore.atlas;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.dbrestore.atlas.FakeAtlas.RESTORE_JOBS;
import static io.dbrestore.atlas.FakeAtlas.TARGET_CLUSTER;
import static io.dbrestore.atlas.FakeAtlas.TARGET_PROJECT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.testing.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code atlas-restore preflight run}, WireMock playing Atlas and AWS. */
class PreflightTest {
  @RegisterExtension static AwsWireMock wm = new AwsWireMock();

  private final FakeAtlas atlas = new FakeAtlas(wm);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TARGET =
      "target atlas cluster " + TARGET_PROJECT + "/" + TARGET_CLUSTER;

  @AfterEach
  void forgetSecrets() {
    Redactor.clearSecrets();
  }

  private Run preflight() {
    List<String> args = new ArrayList<>(List.of("preflight"));
    args.addAll(atlas.args());
    return Run.of(AtlasRestore.entryPoint(), Map.of(), args.toArray(String[]::new));
  }

  private static JsonNode check(Run run, String name) throws Exception {
    JsonNode result = JSON.readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    for (JsonNode c : result.get("checks")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no check " + name + " in " + result);
  }

  private void verifyNothingChanged() {
    wm.verify(exactly(0), postRequestedFor(urlPathEqualTo(RESTORE_JOBS)));
    wm.verify(exactly(0), deleteRequestedFor(anyUrl()));
    wm.verify(exactly(0), patchRequestedFor(anyUrl()));
  }

  @Test
  void allGood_readsTheTargetsTags_andStartsNothing() throws Exception {
    atlas.standard();

    Run run = preflight();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(check(run, TARGET).get("status").asText()).isEqualTo("ok");
    assertThat(check(run, TARGET).get("detail").asText())
        .contains("the Atlas tag dbrestore-managed=true");
    assertThat(check(run, "atlas credentials").get("status").asText()).isEqualTo("ok");
    assertThat(check(run, "permissions").get("status").asText()).isEqualTo("skipped");
    assertThat(run.out()).doesNotContain(FakeAtlas.CLIENT_SECRET);
    verifyNothingChanged();
  }

  @Test
  void aTargetWithoutTheAtlasTag_failsNamingIt() throws Exception {
    atlas.standard().target("[{\"key\":\"team\",\"value\":\"docs\"}]", "IDLE");

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains(TARGET).contains("the Atlas tag dbrestore-managed=true");
    verifyNothingChanged();
  }
}
