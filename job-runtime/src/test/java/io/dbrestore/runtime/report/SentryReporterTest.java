package io.dbrestore.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.dbrestore.runtime.testing.FixtureJob;
import io.dbrestore.runtime.testing.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sentry reporting through the real Sentry SDK: a local HTTP server receives the envelopes (the DSN
 * points at it) and stands in for the ECS task metadata endpoint.
 */
class SentryReporterTest {
  private HttpServer server;
  private final List<String> envelopes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
          InputStream in = new ByteArrayInputStream(body);
          if (encoding != null && encoding.contains("gzip")) {
            in = new GZIPInputStream(in);
          }
          envelopes.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.createContext(
        "/metadata",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String json =
              path.endsWith("/task")
                  ? "{\"TaskARN\":\"arn:aws:ecs:eu-west-1:222233334444:task/dbrestore/t-1\"}"
                  : "{\"LogOptions\":{\"awslogs-group\":\"/ecs/dbrestore\","
                      + "\"awslogs-region\":\"eu-west-1\",\"awslogs-stream\":\"fixture/app/t-1\"}}";
          byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Map<String, String> env() {
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    return Map.of(
        "SENTRY_DSN", "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/42",
        "SENTRY_ENVIRONMENT", "dev-account",
        "ECS_CONTAINER_METADATA_URI_V4", base + "/metadata",
        "DBRESTORE_EXECUTION_ARN", "arn:aws:states:eu-west-1:222233334444:execution:develop:e-1",
        "DBRESTORE_TARGET", "develop");
  }

  private String onlyEvent() {
    assertThat(envelopes).as("envelopes received").hasSize(1);
    return envelopes.get(0);
  }

  @Test
  void fault_isReportedWithContextAndNoSecretsOrPersonalData() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "leak");

    assertThat(run.exitCode()).isEqualTo(1);
    String event = onlyEvent();
    assertThat(event)
        .contains("\"level\":\"error\"")
        .contains("\"job\":\"fixture\"")
        .contains("\"target\":\"develop\"")
        .contains("\"step\":\"connect\"")
        .contains("\"environment\":\"dev-account\"")
        .contains(
            "\"execution_arn\":\"arn:aws:states:eu-west-1:222233334444:execution:develop:e-1\"")
        .contains("\"ecs_task_arn\":\"arn:aws:ecs:eu-west-1:222233334444:task/dbrestore/t-1\"")
        .contains(
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:"
                + "log-groups/log-group/$252Fecs$252Fdbrestore/log-events/fixture$252Fapp$252Ft-1")
        .contains("\"fingerprint\":[\"fixture\",\"connect\",\"IllegalStateException\"]")
        .contains("IllegalStateException");
    assertThat(event).contains("\"breadcrumbs\"").contains("looking up the row of <email>");
    assertThat(event)
        .doesNotContain("hunter2secret")
        .doesNotContain("jane.doe@example.com")
        .doesNotContain("bob.breadcrumb@example.net");
  }

  @Test
  void refusal_isReportedAtWarningWithItsKindInTheFingerprint() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "fail", "--code", "3", "--kind", "not-ours");

    assertThat(run.exitCode()).isEqualTo(3);
    String event = onlyEvent();
    assertThat(event)
        .contains("\"level\":\"warning\"")
        .contains("\"exit_code\":\"REFUSED\"")
        .contains("\"aws.snapshot\":\"snap-1\"")
        .contains("\"fingerprint\":[\"fixture\",\"check-snapshot\",\"not-ours\"]");
  }

  @Test
  void verificationFailure_isReportedAtFatal() {
    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            env(),
            "fail",
            "--code",
            "5",
            "--kind",
            "verification-failed",
            "--message",
            "field users.email of 3 documents is not masked (first: alice@example.org)");

    assertThat(run.exitCode()).isEqualTo(5);
    String event = onlyEvent();
    assertThat(event)
        .contains("\"level\":\"fatal\"")
        .contains("\"exit_code\":\"VERIFICATION_FAILED\"")
        .doesNotContain("alice@example.org");
  }

  @Test
  void success_sendsNothing() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "succeed");

    assertThat(run.exitCode()).isZero();
    assertThat(envelopes).isEmpty();
  }

  @Test
  void withoutDsn_nothingIsSent() {
    Run run = Run.of(FixtureJob.entryPoint(), Map.of(), "leak");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(envelopes).isEmpty();
  }
}
