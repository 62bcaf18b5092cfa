package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.dbrestore.operator.Fakes.describe;
import static io.dbrestore.operator.Fakes.executionArn;
import static io.dbrestore.operator.Fakes.json;
import static io.dbrestore.operator.Fakes.machineArn;
import static io.dbrestore.operator.Fakes.machines;
import static io.dbrestore.operator.Fakes.sfn;
import static io.dbrestore.operator.Fakes.sfnCalled;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.testing.AwsWireMock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RunCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RELEASE = "dbrestore-release";
  private static final String NAME = "manual-alice-20261201-143000";
  private static final String ARN = executionArn(RELEASE, NAME);
  private static final String AURORA =
      "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:dbrestore-masked-monolith-20260101";

  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  private void nothingSentToAws() {
    aws.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void anUnknownKeyIsRefusedWithTheClosestKeyAndNothingIsSent() {
    Fakes.Result r =
        Fakes.run("run", "release", "--input-json", "{\"auroraSnapshotId\": \"" + AURORA + "\"}");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "dbrestore run: unknown key auroraSnapshotId; allowed: atlasSnapshotId,"
                + " auroraSnapshot, dryRun, mongoSnapshot; did you mean auroraSnapshot?"
                + System.lineSeparator());
    assertThat(r.out()).isEmpty();
    nothingSentToAws();
  }

  @Test
  void everyProblemIsListedAtOnceOneLineEach() {
    Fakes.Result r =
        Fakes.run(
            "run",
            "temporary",
            "--input-json",
            "{\"ttlHours\": 0, \"dryRun\": \"yes\", \"snapshot\": 7}",
            "--aurora-snapshot",
            "x");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().split("\\R"))
        .containsExactly(
            "dbrestore run: --aurora-snapshot is not an input of temporary (temporary workflow);"
                + " it takes --dry-run, --name, --snapshot, --ttl-hours",
            "dbrestore run: ttlHours must be at least 1, got 0",
            "dbrestore run: dryRun must be a boolean, got string \"yes\"",
            "dbrestore run: snapshot must be a string, got number 7",
            "dbrestore run: name is required (--name or --input-json)");
    nothingSentToAws();
  }

  @Test
  void typedFlagsAreCheckedForPatternLengthBoundsAndType() {
    Fakes.Result r =
        Fakes.run(
            "run",
            "temporary",
            "--name",
            "tmp-" + "a".repeat(40),
            "--ttl-hours",
            "1000",
            "--snapshot",
            "snap-1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().split("\\R"))
        .containsExactly(
            "dbrestore run: --name must be at most 40 characters, got 44",
            "dbrestore run: --ttl-hours must be at most 720, got 1000");

    Fakes.Result pattern = Fakes.run("run", "temporary", "--name", "Tmp_QA", "--ttl-hours", "two");
    assertThat(pattern.exitCode()).isEqualTo(2);
    assertThat(pattern.err().split("\\R"))
        .containsExactly(
            "dbrestore run: --ttl-hours must be an integer, got 'two'",
            "dbrestore run: --name \"Tmp_QA\" does not match ^tmp-[a-z0-9]+(-[a-z0-9]+)*$ (the"
                + " cluster to create: tmp- then lower-case letters, digits and single hyphens)");

    Fakes.Result mongo = Fakes.run("run", "develop", "--mongo-snapshot", "snap-xyz");
    assertThat(mongo.exitCode()).isEqualTo(2);
    assertThat(mongo.err()).contains("--mongo-snapshot \"snap-xyz\" does not match");
    nothingSentToAws();
  }

  @Test
  void inputJsonThatIsNotAnObjectIsRefused() {
    Fakes.Result r = Fakes.run("run", "release", "--input-json", "[1]");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--input-json must be a JSON object");
    Fakes.Result broken = Fakes.run("run", "release", "--input-json", "{auroraSnapshot:");
    assertThat(broken.exitCode()).isEqualTo(2);
    assertThat(broken.err()).startsWith("dbrestore run: --input-json is not JSON: ");
    nothingSentToAws();
  }

  @Test
  void typedFlagsBuildTheInputStartExecutionGets() throws Exception {
    aws.stubFor(sfn("ListStateMachines").willReturn(json(machines("dbrestore-develop", RELEASE))));
    aws.stubFor(
        sfn("StartExecution")
            .willReturn(json("{\"executionArn\":\"" + ARN + "\",\"startDate\":1796135400}")));

    Fakes.Result r =
        Fakes.run(
            "run",
            "release",
            "--aurora-snapshot",
            AURORA,
            "--mongo-snapshot",
            "snap-0123456789abcdef0",
            "--input-json",
            "{\"dryRun\": false, \"atlasSnapshotId\": \"\"}",
            "--dry-run");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode request = startExecutionRequest();
    assertThat(request.get("stateMachineArn").asText()).isEqualTo(machineArn(RELEASE));
    assertThat(request.get("name").asText()).isEqualTo(NAME);
    assertThat(JSON.readTree(request.get("input").asText()))
        .isEqualTo(
            JSON.readTree(
                "{\"dryRun\": true, \"atlasSnapshotId\": \"\", \"auroraSnapshot\": \""
                    + AURORA
                    + "\", \"mongoSnapshot\": \"snap-0123456789abcdef0\"}"));
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "started dbrestore-release (restore): " + NAME,
            "  execution: " + ARN,
            "  console:   https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1"
                + "#/v2/executions/details/"
                + ARN);
  }

  @Test
  void anIntegerFlagIsSentAsANumberAndJsonOutputHasTheLink() throws Exception {
    String machine = "dbrestore-temporary";
    String arn = executionArn(machine, NAME);
    aws.stubFor(sfn("ListStateMachines").willReturn(json(machines(machine))));
    aws.stubFor(
        sfn("StartExecution")
            .willReturn(json("{\"executionArn\":\"" + arn + "\",\"startDate\":1796135400}")));

    Fakes.Result r =
        Fakes.run("run", "temporary", "--name", "tmp-qa", "--ttl-hours", "48", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(JSON.readTree(startExecutionRequest().get("input").asText()))
        .isEqualTo(JSON.readTree("{\"name\": \"tmp-qa\", \"ttlHours\": 48}"));
    JsonNode out = JSON.readTree(r.out());
    assertThat(out.get("executionArn").asText()).isEqualTo(arn);
    assertThat(out.get("consoleUrl").asText()).endsWith("#/v2/executions/details/" + arn);
    assertThat(out.get("workflow").asText()).isEqualTo("temporary");
  }

  @Test
  void anUnknownPipelineListsThoseThatExist() {
    aws.stubFor(sfn("ListStateMachines").willReturn(json(machines("dbrestore-develop", RELEASE))));

    Fakes.Result r = Fakes.run("run", "relase");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "dbrestore run: unknown pipeline relase: no state machine dbrestore-relase in"
                + " eu-west-1; the pipelines are: develop, release");
    aws.verify(0, sfnCalled("StartExecution"));
  }

  /** Two polls: the second's history comes in two pages; events are printed once each. */
  private void stubExecution(String status, String error, String cause, List<String> lastEvents) {
    aws.stubFor(sfn("ListStateMachines").willReturn(json(machines(RELEASE))));
    aws.stubFor(
        sfn("StartExecution")
            .willReturn(json("{\"executionArn\":\"" + ARN + "\",\"startDate\":1796135400}")));
    aws.stubFor(
        sfn("DescribeExecution")
            .inScenario("run")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("first history")
            .willReturn(json(describe(ARN, "RUNNING", null, null))));
    aws.stubFor(
        sfn("GetExecutionHistory")
            .inScenario("run")
            .whenScenarioStateIs("first history")
            .willSetStateTo("second describe")
            .willReturn(json(history(EVENTS.subList(0, 2), null))));
    aws.stubFor(
        sfn("DescribeExecution")
            .inScenario("run")
            .whenScenarioStateIs("second describe")
            .willSetStateTo("second history")
            .willReturn(json(describe(ARN, status, error, cause))));
    aws.stubFor(
        sfn("GetExecutionHistory")
            .inScenario("run")
            .whenScenarioStateIs("second history")
            .willReturn(json(history(EVENTS, "page-2"))));
    aws.stubFor(
        sfn("GetExecutionHistory")
            .inScenario("run")
            .whenScenarioStateIs("second history")
            .withRequestBody(containing("page-2"))
            .willReturn(json(history(lastEvents, null))));
  }

  private static final List<String> EVENTS =
      List.of(
          "{\"id\":1,\"previousEventId\":0,\"type\":\"ExecutionStarted\",\"timestamp\":1796135400}",
          "{\"id\":2,\"previousEventId\":1,\"type\":\"TaskStateEntered\",\"timestamp\":1796135401,"
              + "\"stateEnteredEventDetails\":{\"name\":\"Restore Aurora\"}}",
          "{\"id\":3,\"previousEventId\":2,\"type\":\"TaskScheduled\",\"timestamp\":1796135402,"
              + "\"taskScheduledEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
              + "\"region\":\"eu-west-1\",\"parameters\":\"{}\"}}",
          "{\"id\":4,\"previousEventId\":3,\"type\":\"TaskStarted\",\"timestamp\":1796135403,"
              + "\"taskStartedEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\"}}");

  private static String history(List<String> events, String nextToken) {
    return "{\"events\":["
        + String.join(",", events)
        + "]"
        + (nextToken == null ? "" : ",\"nextToken\":\"" + nextToken + "\"")
        + "}";
  }

  @Test
  void waitFollowsASucceedingRunToExitZero() {
    stubExecution(
        "SUCCEEDED",
        null,
        null,
        List.of(
            "{\"id\":5,\"previousEventId\":4,\"type\":\"TaskSucceeded\",\"timestamp\":1796136000,"
                + "\"taskSucceededEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
                + "\"output\":\"{}\"}}",
            "{\"id\":6,\"previousEventId\":5,\"type\":\"ExecutionSucceeded\","
                + "\"timestamp\":1796136001,\"executionSucceededEventDetails\":{\"output\":\"{}\"}}"));

    Fakes.Result r = Fakes.run("run", "release", "--wait", "--poll-interval", "1s");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().split("\\R"))
        .endsWith(
            "14:30:01 entered   Restore Aurora",
            "14:40:00 succeeded Restore Aurora",
            "14:40:01 execution succeeded");
    assertThat(r.sleeps()).isEqualTo(1);
  }

  @Test
  void onATerminalWaitRedrawsALiveViewInPlaceAndEndsWithTheOutcome() {
    stubExecution(
        "SUCCEEDED",
        null,
        null,
        List.of(
            "{\"id\":5,\"previousEventId\":4,\"type\":\"TaskSucceeded\",\"timestamp\":1796136000,"
                + "\"taskSucceededEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
                + "\"output\":\"{}\"}}",
            "{\"id\":6,\"previousEventId\":5,\"type\":\"ExecutionSucceeded\","
                + "\"timestamp\":1796136001,\"executionSucceededEventDetails\":{\"output\":\"{}\"}}"));

    Fakes.Result r = Fakes.runOnTerminal("run", "release", "--wait", "--poll-interval", "3s");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    // No line per event: frames, each drawn over the last (cursor up, clear line, clear below).
    assertThat(r.out()).doesNotContain("entered   Restore Aurora");
    String[] frames = r.out().split("\u001b\\[J", -1);
    // A frame per poll and per second between the two polls: 2 + 2; then nothing.
    assertThat(frames).hasSize(5);
    assertThat(frames[4]).isEmpty();
    assertThat(frames[0])
        .startsWith("started dbrestore-release (restore): " + NAME)
        .endsWith(
            "\r\u001b[2K"
                + RELEASE
                + " "
                + NAME
                + "  ⠋ running  0s\n"
                + "\r\u001b[2K  Restore Aurora  ⠋ 0s\n");
    assertThat(frames[1])
        .isEqualTo(
            "\u001b[2A\r\u001b[2K"
                + RELEASE
                + " "
                + NAME
                + "  ⠙ running  1s\n"
                + "\r\u001b[2K  Restore Aurora  ⠙ 0s\n");
    assertThat(frames[3])
        .isEqualTo(
            "\u001b[2A"
                + "\r\u001b[2K"
                + RELEASE
                + " "
                + NAME
                + "  ✓ succeeded  10m01s\n"
                + "\r\u001b[2K  Restore Aurora  ✓ 9m59s\n"
                + "\r\u001b[2Kexecution SUCCEEDED after 10m01s; exit 0 (DONE)\n");
    assertThat(r.sleeps()).isEqualTo(3);
  }

  @Test
  void plainKeepsTheLinesOnATerminal() {
    stubExecution(
        "SUCCEEDED",
        null,
        null,
        List.of(
            "{\"id\":6,\"previousEventId\":4,\"type\":\"ExecutionSucceeded\","
                + "\"timestamp\":1796136001,\"executionSucceededEventDetails\":{\"output\":\"{}\"}}"));

    Fakes.Result r =
        Fakes.runOnTerminal("run", "release", "--wait", "--plain", "--poll-interval", "1s");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("\u001b");
    assertThat(r.out().split("\\R"))
        .endsWith("14:30:01 entered   Restore Aurora", "14:40:01 execution succeeded");
  }

  @Test
  void waitOnAFailedRunExitsWithItsExitCodeName() {
    stubExecution(
        "FAILED",
        "REFUSED",
        "snapshot-too-old: the newest masked snapshot is 30h old",
        List.of(
            "{\"id\":5,\"previousEventId\":4,\"type\":\"TaskFailed\",\"timestamp\":1796136000,"
                + "\"taskFailedEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
                + "\"error\":\"REFUSED\",\"cause\":\"the newest masked snapshot is 30h old\\n"
                + "| logs: https://console.aws.amazon.com/cloudwatch\"}}",
            "{\"id\":6,\"previousEventId\":5,\"type\":\"ExecutionFailed\","
                + "\"timestamp\":1796136001,\"executionFailedEventDetails\":{\"error\":\"REFUSED\","
                + "\"cause\":\"snapshot-too-old\"}}"));

    Fakes.Result r = Fakes.run("run", "release", "--wait", "--poll-interval", "1s");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out().split("\\R"))
        .endsWith(
            "14:30:01 entered   Restore Aurora",
            "14:40:00 failed    Restore Aurora: REFUSED: the newest masked snapshot is 30h old",
            "14:40:01 execution failed: REFUSED: snapshot-too-old");
    assertThat(r.err())
        .startsWith(
            "dbrestore run: execution "
                + NAME
                + " FAILED (REFUSED): snapshot-too-old: the newest masked snapshot is 30h old |"
                + " https://eu-west-1.console.aws.amazon.com/");
  }

  @Test
  void theOutcomeMapsToTheJobsExitCodes() {
    assertThat(new ExecutionWatch.Outcome("FAILED", "dbrestore.BranchesFailed", "x").exitCode())
        .hasToString("FAULT");
    assertThat(new ExecutionWatch.Outcome("FAILED", "VERIFICATION_FAILED", "x").exitCode())
        .hasToString("VERIFICATION_FAILED");
    assertThat(new ExecutionWatch.Outcome("ABORTED", null, null).exitCode())
        .hasToString("CANCELLED");
    assertThat(new ExecutionWatch.Outcome("TIMED_OUT", null, null).exitCode())
        .hasToString("TIMED_OUT");
    assertThat(new ExecutionWatch.Outcome("SUCCEEDED", null, null).exitCode()).hasToString("DONE");
  }

  @Test
  void helpListsTheTypedFlagsAndExitCodes() {
    Fakes.Result r = Fakes.run("run", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains(
            "--aurora-snapshot",
            "--mongo-snapshot",
            "--atlas-snapshot-id",
            "--dry-run",
            "--name",
            "--ttl-hours",
            "--snapshot",
            "--cluster",
            "Exit codes:")
        .doesNotContain("--poll-interval");
    nothingSentToAws();
  }

  @Test
  void aMissingPipelineIsACommandLineError() {
    Fakes.Result r = Fakes.run("run");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("dbrestore run: Missing required parameter: '<pipeline>'");
  }

  @Test
  void aMistypedFlagGetsTheClosestOne() {
    Fakes.Result r = Fakes.run("run", "release", "--aurora-snapshot-id", "x");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("dbrestore run: Unknown options: '--aurora-snapshot-id', 'x'")
        .contains("did you mean --aurora-snapshot");
    nothingSentToAws();
  }

  private JsonNode startExecutionRequest() throws Exception {
    List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests =
        aws.findAll(sfnCalled("StartExecution"));
    assertThat(requests).hasSize(1);
    return JSON.readTree(requests.get(0).getBodyAsString());
  }
}
