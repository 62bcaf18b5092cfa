package io.dbrestore.atlas;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.testing.JobJarContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AtlasRestoreJarIT extends JobJarContract {
  @RegisterExtension static AwsWireMock wm = new AwsWireMock();

  @Override
  protected String jobName() {
    return "atlas-restore";
  }

  @Test
  void jar_restoresASnapshot_againstWireMockAsAtlasAndAws() throws Exception {
    FakeAtlas atlas = new FakeAtlas(wm).standard();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(Path.of("target", "atlas-restore.jar").toString());
    command.addAll(atlas.args());
    Path out = Files.createTempFile("atlas-out", ".txt");
    Path err = Files.createTempFile("atlas-err", ".txt");
    try {
      // JobJarContract.java(...) takes no environment; the SDK needs one to find WireMock.
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder
          .environment()
          .keySet()
          .removeIf(k -> k.startsWith("DBRESTORE_") || k.startsWith("AWS_"));
      builder.environment().remove("SENTRY_DSN");
      builder.environment().put("AWS_ENDPOINT_URL", wm.baseUrl());
      builder.environment().put("AWS_REGION", "eu-west-1");
      builder.environment().put("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTEST");
      builder.environment().put("AWS_SECRET_ACCESS_KEY", "test-secret-key");
      builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
      builder.environment().put("DBRESTORE_LOG_FORMAT", "json");
      Process process = builder.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);

      assertThat(process.exitValue()).as(stderr).isZero();
      JsonNode result = new ObjectMapper().readTree(stdout.strip());
      assertThat(result.path("snapshotId").asText()).isEqualTo(FakeAtlas.NEW_SNAPSHOT);
      assertThat(result.path("restoreJobId").asText()).isEqualTo(FakeAtlas.JOB);
      assertThat(stderr)
          .contains("\"step\":\"wait\"")
          .doesNotContain(FakeAtlas.CLIENT_SECRET)
          .doesNotContain(FakeAtlas.TOKEN);
      wm.verify(exactly(1), postRequestedFor(urlEqualTo(FakeAtlas.RESTORE_JOBS)));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
