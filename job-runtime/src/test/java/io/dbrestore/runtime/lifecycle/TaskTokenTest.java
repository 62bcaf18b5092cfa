package io.dbrestore.runtime.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.dbrestore.runtime.testing.AwsStubs.json;
import static io.dbrestore.runtime.testing.AwsStubs.sfn;
import static io.dbrestore.runtime.testing.AwsStubs.sfnCalled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.testing.FixtureJob;
import io.dbrestore.runtime.testing.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Step Functions task token, with WireMock standing in for Step Functions. */
class TaskTokenTest {
  private static final String TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAToken-for-tests";

  @RegisterExtension static AwsWireMock sfn = new AwsWireMock();

  @BeforeEach
  void setUp() {
    sfn.stubFor(sfn("SendTaskHeartbeat").willReturn(json(200, "{}")));
    sfn.stubFor(sfn("SendTaskSuccess").willReturn(json(200, "{}")));
    sfn.stubFor(sfn("SendTaskFailure").willReturn(json(200, "{}")));
  }

  private static Map<String, String> env(String... extra) {
    var env = new java.util.HashMap<String, String>();
    env.put("DBRESTORE_TASK_TOKEN", TOKEN);
    env.put("DBRESTORE_HEARTBEAT_SECONDS", "1");
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  @Test
  void success_sendsHeartbeatAndTaskSuccessWithTheResult() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "succeed", "--value", "snap-123");

    assertThat(run.exitCode()).as(run.err()).isZero();
    sfn.verify(
        moreThanOrExactly(1),
        sfnCalled("SendTaskHeartbeat")
            .withRequestBody(matchingJsonPath("$.taskToken", equalTo(TOKEN))));
    sfn.verify(
        exactly(1),
        sfnCalled("SendTaskSuccess")
            .withRequestBody(matchingJsonPath("$.taskToken", equalTo(TOKEN)))
            .withRequestBody(matchingJsonPath("$.output", containing("\"value\":\"snap-123\"")))
            .withRequestBody(matchingJsonPath("$.output", containing("\"job\":\"fixture\"")))
            .withRequestBody(matchingJsonPath("$.output", containing("\"durationSeconds\""))));
    sfn.verify(exactly(0), sfnCalled("SendTaskFailure"));
  }

  @Test
  void failure_sendsTaskFailureWithExitCodeNameAndOneLineCause() {
    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            env(),
            "fail",
            "--code",
            "3",
            "--message",
            "snapshot snap-9 is too old");

    assertThat(run.exitCode()).isEqualTo(3);
    sfn.verify(
        exactly(1),
        sfnCalled("SendTaskFailure")
            .withRequestBody(matchingJsonPath("$.error", equalTo("REFUSED")))
            .withRequestBody(matchingJsonPath("$.cause", equalTo("snapshot snap-9 is too old"))));
    sfn.verify(exactly(0), sfnCalled("SendTaskSuccess"));
  }

  @Test
  void invalidInput_isReportedToStepFunctionsToo() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "succeed", "--bogus");

    assertThat(run.exitCode()).isEqualTo(2);
    sfn.verify(
        exactly(1),
        sfnCalled("SendTaskFailure")
            .withRequestBody(matchingJsonPath("$.error", equalTo("INVALID_INPUT")))
            .withRequestBody(matchingJsonPath("$.cause", containing("--bogus"))));
  }

  @Test
  void failureCause_carriesTheLogLink() {
    var metadata = sfn.baseUrl() + "/ecs-metadata";
    sfn.stubFor(
        get("/ecs-metadata")
            .willReturn(
                okJson(
                    "{\"LogOptions\":{\"awslogs-group\":\"/ecs/dbrestore\",\"awslogs-region\":\"eu-west-1\",\"awslogs-stream\":\"fixture/app/abc\"}}")));
    sfn.stubFor(
        get("/ecs-metadata/task")
            .willReturn(
                okJson("{\"TaskARN\":\"arn:aws:ecs:eu-west-1:222233334444:task/dbrestore/abc\"}")));

    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            env("ECS_CONTAINER_METADATA_URI_V4", metadata),
            "fail",
            "--code",
            "5",
            "--message",
            "3 documents left unmasked");

    assertThat(run.exitCode()).isEqualTo(5);
    sfn.verify(
        exactly(1),
        sfnCalled("SendTaskFailure")
            .withRequestBody(matchingJsonPath("$.error", equalTo("VERIFICATION_FAILED")))
            .withRequestBody(
                matchingJsonPath(
                    "$.cause",
                    equalTo(
                        "3 documents left unmasked | logs: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fdbrestore/log-events/fixture$252Fapp$252Fabc"))));
  }

  @Test
  void heartbeatAnsweredWithTaskTimedOut_cancelsTheRunningJobWithExit6(@TempDir Path dir) {
    sfn.stubFor(
        sfn("SendTaskHeartbeat")
            .inScenario("execution stopped")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(json(200, "{}"))
            .willSetStateTo("stopped"));
    sfn.stubFor(
        sfn("SendTaskHeartbeat")
            .inScenario("execution stopped")
            .whenScenarioStateIs("stopped")
            .willReturn(
                json(400, "{\"__type\":\"TaskTimedOut\",\"message\":\"Task Timed Out: 'x'\"}")));
    Path marker = dir.resolve("marker");

    Run run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                Run.of(
                    FixtureJob.entryPoint(), env(), "wait-forever", "--marker", marker.toString()));

    assertThat(run.exitCode()).isEqualTo(6);
    assertThat(run.err()).contains("TaskTimedOut").contains("execution was stopped or timed out");
    assertThat(marker).hasContent("cleanup ran");
    sfn.verify(exactly(0), sfnCalled("SendTaskFailure"));
    sfn.verify(exactly(0), sfnCalled("SendTaskSuccess"));
  }

  @Test
  void heartbeatAnsweredWithInvalidToken_cancelsToo(@TempDir Path dir) {
    sfn.stubFor(
        sfn("SendTaskHeartbeat")
            .inScenario("token invalidated")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(json(200, "{}"))
            .willSetStateTo("invalid"));
    sfn.stubFor(
        sfn("SendTaskHeartbeat")
            .inScenario("token invalidated")
            .whenScenarioStateIs("invalid")
            .willReturn(json(400, "{\"__type\":\"InvalidToken\",\"message\":\"Invalid token\"}")));

    Run run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                Run.of(
                    FixtureJob.entryPoint(),
                    env(),
                    "wait-forever",
                    "--marker",
                    dir.resolve("m").toString()));

    assertThat(run.exitCode()).isEqualTo(6);
  }

  @Test
  void heartbeatOtherError_doesNotCancel() {
    sfn.stubFor(
        sfn("SendTaskHeartbeat")
            .willReturn(json(400, "{\"__type\":\"SomethingUnexpected\",\"message\":\"odd\"}")));

    Run run = Run.of(FixtureJob.entryPoint(), env(), "succeed");

    assertThat(run.exitCode()).as(run.err()).isZero();
    sfn.verify(exactly(1), sfnCalled("SendTaskSuccess"));
  }

  @Test
  void executionAlreadyGone_cancelsBeforeTheJobStarts(@TempDir Path dir) {
    sfn.stubFor(
        sfn("SendTaskHeartbeat")
            .willReturn(json(400, "{\"__type\":\"TaskDoesNotExist\",\"message\":\"gone\"}")));
    Path marker = dir.resolve("marker");

    Run run = Run.of(FixtureJob.entryPoint(), env(), "wait-forever", "--marker", marker.toString());

    assertThat(run.exitCode()).isEqualTo(6);
    assertThat(marker).doesNotExist();
    sfn.verify(exactly(1), sfnCalled("SendTaskHeartbeat"));
  }

  /**
   * Heartbeats that fail (network, 5xx) for longer than the state's HeartbeatSeconds mean the state
   * has timed out, and its retry may already run a second copy of this job: the job cancels itself
   * (exit 6) so that two copies never work on the same run. Step Functions cannot tell it so: its
   * answer is what failed to arrive.
   */
  @Test
  void heartbeatsFailingLongerThanTheStatesTimeout_cancelTheJob(@TempDir Path dir) {
    sfn.stubFor(
        sfn("SendTaskHeartbeat")
            .willReturn(json(400, "{\"__type\":\"SomethingUnexpected\",\"message\":\"odd\"}")));
    Path marker = dir.resolve("marker");

    Run run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                Run.of(
                    FixtureJob.entryPoint(),
                    env("DBRESTORE_HEARTBEAT_TIMEOUT_SECONDS", "3"),
                    "wait-forever",
                    "--marker",
                    marker.toString()));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(6);
    assertThat(run.err())
        .contains("no heartbeat reached Step Functions for")
        .contains("HeartbeatSeconds (3 s)")
        .contains("second copy");
  }
}
