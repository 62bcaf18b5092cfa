package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.dbrestore.operator.Fakes.describe;
import static io.dbrestore.operator.Fakes.executionArn;
import static io.dbrestore.operator.Fakes.json;
import static io.dbrestore.operator.Fakes.json11;
import static io.dbrestore.operator.Fakes.logs;
import static io.dbrestore.operator.Fakes.logsCalled;
import static io.dbrestore.operator.Fakes.sfn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.report.TaskMetadata;
import io.dbrestore.runtime.testing.AwsWireMock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN = executionArn("dbrestore-release", "nightly-20261201");
  private static final String AURORA_GROUP = "/dbrestore/jobs/aurora-restore";
  private static final String AURORA_STREAM = "job/aurora-restore/aaa111";
  private static final String MONGO_GROUP = "/dbrestore/jobs/mongo-restore";
  private static final String MONGO_STREAM = "job/mongo-restore/bbb222";

  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  /** The link a job puts in its result and failure cause (the jobs' own code makes it). */
  private static String link(String group, String stream) {
    return new TaskMetadata(
            Optional.of("arn:aws:ecs:eu-west-1:123456789012:task/dbrestore/x"),
            Optional.of(group),
            Optional.of(stream),
            Optional.of("eu-west-1"))
        .logLink()
        .orElseThrow();
  }

  private static String quoted(String s) throws Exception {
    return JSON.writeValueAsString(s);
  }

  private static String event(long id, long previous, String type, String details) {
    return "{\"id\":"
        + id
        + ",\"previousEventId\":"
        + previous
        + ",\"type\":\""
        + type
        + "\",\"timestamp\":"
        + (1796135400 + id)
        + (details == null ? "" : "," + details)
        + "}";
  }

  private static List<String> started(long entered, long previous, String state, String task) {
    List<String> events = new ArrayList<>();
    events.add(
        event(
            entered,
            previous,
            "TaskStateEntered",
            "\"stateEnteredEventDetails\":{\"name\":\"" + state + "\"}"));
    events.add(
        event(
            entered + 1,
            entered,
            "TaskScheduled",
            "\"taskScheduledEventDetails\":{\"resourceType\":\"ecs\","
                + "\"resource\":\"runTask.waitForTaskToken\",\"region\":\"eu-west-1\","
                + "\"parameters\":\"{}\"}"));
    events.add(
        event(
            entered + 2,
            entered + 1,
            "TaskStarted",
            "\"taskStartedEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\"}"));
    if (task != null) {
      String container = task.substring(0, task.indexOf('/'));
      String id = task.substring(task.indexOf('/') + 1);
      events.add(
          event(
              entered + 3,
              entered + 2,
              "TaskSubmitted",
              "\"taskSubmittedEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
                  + "\"output\":\"{\\\"Tasks\\\":[{\\\"TaskArn\\\":\\\"arn:aws:ecs:eu-west-1:"
                  + "123456789012:task/dbrestore/"
                  + id
                  + "\\\",\\\"Containers\\\":[{\\\"Name\\\":\\\""
                  + container
                  + "\\\"}]}]}\"}"));
    }
    return events;
  }

  private static String history(List<String> events) {
    return "{\"events\":[" + String.join(",", events) + "]}";
  }

  /** A failed Aurora task (after a succeeded MongoDB one), then the execution's failure. */
  private static List<String> failedRun() throws Exception {
    List<String> events = new ArrayList<>();
    events.add(event(1, 0, "ExecutionStarted", null));
    events.addAll(started(2, 1, "Restore Aurora", "aurora-restore/aaa111"));
    events.addAll(started(6, 1, "Restore MongoDB", null));
    events.add(
        event(
            9,
            8,
            "TaskSucceeded",
            "\"taskSucceededEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
                + "\"output\":"
                + quoted(
                    "{\"job\":\"mongo-restore\",\"status\":\"DONE\",\"logLink\":"
                        + quoted(link(MONGO_GROUP, MONGO_STREAM))
                        + "}")
                + "}"));
    events.add(
        event(
            10,
            5,
            "TaskFailed",
            "\"taskFailedEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
                + "\"error\":\"REFUSED\",\"cause\":"
                + quoted(
                    "the newest masked snapshot is 30h old | logs: "
                        + link(AURORA_GROUP, AURORA_STREAM))
                + "}"));
    events.add(
        event(
            11,
            10,
            "ExecutionFailed",
            "\"executionFailedEventDetails\":{\"error\":\"REFUSED\",\"cause\":\"x\"}"));
    return events;
  }

  private static String line(String time, String level, String step, String message)
      throws Exception {
    return quoted(
        "{\"time\":\"2026-12-01T"
            + time
            + "Z\",\"level\":\""
            + level
            + "\",\"job\":\"x\",\"step\":\""
            + step
            + "\",\"logger\":\"io.dbrestore\",\"message\":\""
            + message
            + "\"}");
  }

  private static String page(String token, String... messages) {
    StringBuilder b = new StringBuilder("{\"events\":[");
    for (int i = 0; i < messages.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"timestamp\":1796135405000,\"ingestionTime\":1796135406000,\"message\":")
          .append(messages[i])
          .append('}');
    }
    return b.append("],\"nextForwardToken\":\"")
        .append(token)
        .append("\",\"nextBackwardToken\":\"b\"}")
        .toString();
  }

  /** The stream's events after {@code after} (null: from the head) and the token they end at. */
  private static void stream(String stream, String after, String token, String... messages) {
    aws.stubFor(
        logs("GetLogEvents")
            .atPriority(after == null ? 5 : 1)
            .withRequestBody(matchingJsonPath("$.logStreamName", containing(stream)))
            .withRequestBody(
                after == null
                    ? matchingJsonPath("$.startFromHead")
                    : matchingJsonPath("$.nextToken", containing(after)))
            .willReturn(json11(page(token, messages))));
  }

  private void stubFailedRun() throws Exception {
    aws.stubFor(sfn("DescribeExecution").willReturn(json(describe(ARN, "FAILED", "REFUSED", "x"))));
    aws.stubFor(sfn("GetExecutionHistory").willReturn(json(history(failedRun()))));
    stream(
        AURORA_STREAM,
        null,
        "f/a1",
        line("14:30:05", "INFO", "snapshot", "checking the newest masked snapshot"),
        line("14:30:06", "ERROR", "snapshot", "aurora-restore failed: REFUSED"),
        quoted("plain text from the JVM"));
    stream(AURORA_STREAM, "f/a1", "f/a1");
    stream(MONGO_STREAM, null, "f/m1", line("14:31:00", "INFO", "verify", "3 documents verified"));
    stream(MONGO_STREAM, "f/m1", "f/m1");
  }

  @Test
  void failedStepsComeFirstEachHeadedByItsOutcomeAndLinesRenderReadably() throws Exception {
    stubFailedRun();

    Fakes.Result r = Fakes.run("logs", ARN);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "== Restore Aurora: failed: REFUSED: the newest masked snapshot is 30h old",
            "   /dbrestore/jobs/aurora-restore job/aurora-restore/aaa111",
            "14:30:05 INFO  snapshot checking the newest masked snapshot",
            "14:30:06 ERROR snapshot aurora-restore failed: REFUSED",
            "plain text from the JVM",
            "",
            "== Restore MongoDB: succeeded",
            "   /dbrestore/jobs/mongo-restore job/mongo-restore/bbb222",
            "14:31:00 INFO  verify 3 documents verified");
    assertThat(r.sleeps()).isZero();
    // Each stream is read until the forward token repeats.
    assertThat(
            aws.findAll(logsCalled("GetLogEvents")).stream().map(q -> q.getBodyAsString()).toList())
        .hasSize(4)
        .allSatisfy(body -> assertThat(body).contains("\"startFromHead\":true"));
  }

  @Test
  void stepLimitsToOneStateAndJsonCarriesTheLines() throws Exception {
    stubFailedRun();

    Fakes.Result r = Fakes.run("logs", ARN, "--step", "Restore MongoDB", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode out = JSON.readTree(r.out());
    assertThat(out.get("status").asText()).isEqualTo("FAILED");
    assertThat(out.get("steps")).hasSize(1);
    JsonNode step = out.get("steps").get(0);
    assertThat(step.get("state").asText()).isEqualTo("Restore MongoDB");
    assertThat(step.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(step.get("logGroup").asText()).isEqualTo(MONGO_GROUP);
    assertThat(step.get("lines").get(0).get("message").asText()).isEqualTo("3 documents verified");
    aws.verify(0, logsCalled("GetLogEvents").withRequestBody(containing("aurora")));

    Fakes.Result unknown = Fakes.run("logs", ARN, "--step", "Restore Atlas");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err())
        .isEqualTo(
            "dbrestore logs: no task state 'Restore Atlas' ran in execution nightly-20261201; its"
                + " task states: Restore Aurora, Restore MongoDB"
                + System.lineSeparator());
  }

  @Test
  void followReadsTheRunningTasksStreamUntilTheExecutionEndedAndNoLinesCame() throws Exception {
    List<String> running = new ArrayList<>();
    running.add(event(1, 0, "ExecutionStarted", null));
    running.addAll(started(2, 1, "Restore Aurora", "aurora-restore/aaa111"));
    List<String> done = new ArrayList<>(running);
    done.add(
        event(
            6,
            5,
            "TaskSucceeded",
            "\"taskSucceededEventDetails\":{\"resourceType\":\"ecs\",\"resource\":\"runTask\","
                + "\"output\":"
                + quoted("{\"logLink\":" + quoted(link(AURORA_GROUP, AURORA_STREAM)) + "}")
                + "}"));
    done.add(event(7, 6, "ExecutionSucceeded", "\"executionSucceededEventDetails\":{}"));
    aws.stubFor(
        sfn("DescribeExecution")
            .inScenario("run")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("running")
            .willReturn(json(describe(ARN, "RUNNING", null, null))));
    aws.stubFor(
        sfn("GetExecutionHistory")
            .inScenario("run")
            .whenScenarioStateIs("running")
            .willReturn(json(history(running))));
    aws.stubFor(
        sfn("DescribeExecution")
            .inScenario("run")
            .whenScenarioStateIs("running")
            .willSetStateTo("ended")
            .willReturn(json(describe(ARN, "SUCCEEDED", null, null))));
    aws.stubFor(
        sfn("DescribeExecution")
            .inScenario("run")
            .whenScenarioStateIs("ended")
            .willReturn(json(describe(ARN, "SUCCEEDED", null, null))));
    aws.stubFor(
        sfn("GetExecutionHistory")
            .inScenario("run")
            .whenScenarioStateIs("ended")
            .willReturn(json(history(done))));
    stream(AURORA_STREAM, null, "f/1", line("14:30:05", "INFO", "restore", "restoring"));
    // The second line is written between the first poll and the second.
    aws.stubFor(
        logs("GetLogEvents")
            .inScenario("run")
            .whenScenarioStateIs("running")
            .withRequestBody(matchingJsonPath("$.nextToken", containing("f/1")))
            .willReturn(json11(page("f/1"))));
    aws.stubFor(
        logs("GetLogEvents")
            .inScenario("run")
            .whenScenarioStateIs("ended")
            .withRequestBody(matchingJsonPath("$.nextToken", containing("f/1")))
            .willReturn(json11(page("f/2", line("14:40:00", "INFO", "swap", "swapped in")))));
    stream(AURORA_STREAM, "f/2", "f/2");

    Fakes.Result r = Fakes.run("logs", ARN, "--follow", "--poll-interval", "3s");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "== Restore Aurora: running",
            "   /dbrestore/jobs/aurora-restore job/aurora-restore/aaa111",
            "14:30:05 INFO  restore restoring",
            "",
            "== Restore Aurora: succeeded",
            "14:40:00 INFO  swap swapped in");
    // Poll 1 (running), poll 2 (ended, one new line), poll 3 (ended, nothing new): two waits.
    assertThat(r.sleeps()).isEqualTo(2);
  }

  @Test
  void anUnknownExecutionIsInvalidInput() {
    aws.stubFor(
        sfn("DescribeExecution")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/x-amz-json-1.0")
                    .withBody(
                        "{\"__type\":\"ExecutionDoesNotExist\",\"message\":\"Execution Does Not"
                            + " Exist\"}")));

    Fakes.Result r = Fakes.run("logs", ARN);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("dbrestore logs: no execution " + ARN);
  }

  @Test
  void theConsoleLinkDecodesToTheGroupAndStream() {
    String link = link(AURORA_GROUP, AURORA_STREAM);
    String fragment = link.substring(link.indexOf("log-group/") + "log-group/".length());
    assertThat(LogsCommand.consoleUnescape(fragment.substring(0, fragment.indexOf("/log-events/"))))
        .isEqualTo(AURORA_GROUP);
  }
}
