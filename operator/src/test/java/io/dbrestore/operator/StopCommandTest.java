package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.dbrestore.operator.Fakes.describe;
import static io.dbrestore.operator.Fakes.ecs;
import static io.dbrestore.operator.Fakes.ecsCalled;
import static io.dbrestore.operator.Fakes.executionArn;
import static io.dbrestore.operator.Fakes.json;
import static io.dbrestore.operator.Fakes.sfn;
import static io.dbrestore.operator.Fakes.sfnCalled;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.dbrestore.runtime.testing.AwsWireMock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StopCommandTest {
  private static final String ARN =
      executionArn("dbrestore-release", "manual-alice-20261201-143000");
  private static final String STARTED_BY = "1f108f768c8f582e991aff742c6dabd4";
  private static final String TASK =
      "arn:aws:ecs:eu-west-1:123456789012:task/dbrestore/0a1b2c3d4e5f";

  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  private static ResponseDefinitionBuilder ecsJson(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/x-amz-json-1.1")
        .withBody(body);
  }

  private static String tasks(String lastStatus, String stoppedReason) {
    return "{\"tasks\":[{\"taskArn\":\""
        + TASK
        + "\",\"group\":\"family:dbrestore-aurora-restore\",\"lastStatus\":\""
        + lastStatus
        + "\",\"desiredStatus\":\"STOPPED\""
        + (stoppedReason == null ? "" : ",\"stoppedReason\":\"" + stoppedReason + "\"")
        + "}],\"failures\":[]}";
  }

  private void runningExecution() {
    aws.stubFor(sfn("DescribeExecution").willReturn(json(describe(ARN, "RUNNING", null, null))));
    aws.stubFor(sfn("StopExecution").willReturn(json("{\"stopDate\":1796135500}")));
  }

  @Test
  void startedByIsTheMd5OfTheExecutionArn() {
    assertThat(StopCommand.startedBy(ARN)).isEqualTo(STARTED_BY);
  }

  @Test
  void stopWaitsUntilATaskThatTakesTwoPollsHasStopped() {
    runningExecution();
    aws.stubFor(
        ecs("ListTasks")
            .inScenario("list")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("stopping")
            .willReturn(ecsJson("{\"taskArns\":[\"" + TASK + "\"]}")));
    aws.stubFor(
        ecs("ListTasks")
            .inScenario("list")
            .whenScenarioStateIs("stopping")
            .willReturn(ecsJson("{\"taskArns\":[]}")));
    aws.stubFor(
        ecs("DescribeTasks")
            .inScenario("describe")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("2")
            .willReturn(ecsJson(tasks("RUNNING", null))));
    aws.stubFor(
        ecs("DescribeTasks")
            .inScenario("describe")
            .whenScenarioStateIs("2")
            .willSetStateTo("3")
            .willReturn(ecsJson(tasks("DEPROVISIONING", null))));
    aws.stubFor(
        ecs("DescribeTasks")
            .inScenario("describe")
            .whenScenarioStateIs("3")
            .willReturn(ecsJson(tasks("STOPPED", "Task stopped by user"))));

    Fakes.Result r = Fakes.run("stop", ARN, "--wait", "--poll-interval", "2s");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "stopped execution manual-alice-20261201-143000",
            "task 0a1b2c3d4e5f (family:dbrestore-aurora-restore): RUNNING",
            "task 0a1b2c3d4e5f (family:dbrestore-aurora-restore): DEPROVISIONING",
            "task 0a1b2c3d4e5f (family:dbrestore-aurora-restore): STOPPED - Task stopped by user",
            "all 1 ECS task(s) of this execution have stopped");
    assertThat(r.sleeps()).isEqualTo(2);
    aws.verify(
        sfnCalled("StopExecution")
            .withRequestBody(
                equalToJson(
                    "{\"executionArn\":\""
                        + ARN
                        + "\",\"error\":\"dbrestore.Stopped\","
                        + "\"cause\":\"stopped by alice with dbrestore stop\"}")));
    aws.verify(
        3,
        ecsCalled("ListTasks")
            .withRequestBody(
                equalToJson("{\"cluster\":\"dbrestore\",\"startedBy\":\"" + STARTED_BY + "\"}")));
  }

  @Test
  void aTaskThatNeverStopsIsNamedAndExitsFour() {
    runningExecution();
    aws.stubFor(ecs("ListTasks").willReturn(ecsJson("{\"taskArns\":[\"" + TASK + "\"]}")));
    aws.stubFor(ecs("DescribeTasks").willReturn(ecsJson(tasks("RUNNING", null))));

    Fakes.Result r =
        Fakes.run(
            "stop", ARN, "--wait", "--cluster", "dev", "--timeout", "1m", "--poll-interval", "10s");

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err())
        .isEqualTo(
            "dbrestore stop: ECS task(s) still running after 1m00s: 0a1b2c3d4e5f (RUNNING) in"
                + " cluster dev"
                + System.lineSeparator());
    assertThat(r.sleeps()).isEqualTo(6);
    // The status is printed when it changes, not at every poll.
    assertThat(r.out()).containsOnlyOnce("RUNNING");
  }

  @Test
  void withoutWaitItReportsWhatIsStillRunning() {
    runningExecution();
    aws.stubFor(ecs("ListTasks").willReturn(ecsJson("{\"taskArns\":[\"" + TASK + "\"]}")));
    aws.stubFor(ecs("DescribeTasks").willReturn(ecsJson(tasks("RUNNING", null))));

    Fakes.Result r = Fakes.run("stop", ARN, "--json");

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err()).contains("0a1b2c3d4e5f (RUNNING)", "add --wait");
    assertThat(r.out()).contains("\"stopped\":true", "\"lastStatus\":\"RUNNING\"");
    assertThat(r.sleeps()).isZero();
  }

  @Test
  void anExecutionThatAlreadyEndedIsNotStoppedAgain() {
    aws.stubFor(sfn("DescribeExecution").willReturn(json(describe(ARN, "SUCCEEDED", null, null))));
    aws.stubFor(ecs("ListTasks").willReturn(ecsJson("{\"taskArns\":[]}")));

    Fakes.Result r = Fakes.run("stop", ARN, "--wait");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "execution manual-alice-20261201-143000 already ended: SUCCEEDED",
            "no ECS task of this execution is running in cluster dbrestore");
    aws.verify(0, sfnCalled("StopExecution"));
    aws.verify(0, ecsCalled("DescribeTasks"));
  }

  @Test
  void aTaskEcsNoLongerKnowsCountsAsStoppedAndAnUnknownClusterIsInvalidInput() {
    runningExecution();
    aws.stubFor(
        ecs("ListTasks")
            .inScenario("list")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("gone")
            .willReturn(ecsJson("{\"taskArns\":[\"" + TASK + "\"]}")));
    aws.stubFor(
        ecs("ListTasks")
            .inScenario("list")
            .whenScenarioStateIs("gone")
            .willReturn(ecsJson("{\"taskArns\":[]}")));
    aws.stubFor(
        ecs("DescribeTasks")
            .inScenario("describe")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("missing")
            .willReturn(ecsJson(tasks("RUNNING", null))));
    aws.stubFor(
        ecs("DescribeTasks")
            .inScenario("describe")
            .whenScenarioStateIs("missing")
            .willReturn(
                ecsJson(
                    "{\"tasks\":[],\"failures\":[{\"arn\":\""
                        + TASK
                        + "\",\"reason\":\"MISSING\"}]}")));

    Fakes.Result r = Fakes.run("stop", ARN, "--wait");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("task 0a1b2c3d4e5f: gone (MISSING)");

    aws.resetAll();
    runningExecution();
    aws.stubFor(
        ecs("ListTasks")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(
                        "{\"__type\":\"ClusterNotFoundException\",\"message\":\"Cluster not"
                            + " found.\"}")));
    Fakes.Result noCluster = Fakes.run("stop", ARN, "--cluster", "nope");
    assertThat(noCluster.exitCode()).isEqualTo(2);
    assertThat(noCluster.err()).contains("no ECS cluster nope in eu-west-1");
  }

  @Test
  void somethingThatIsNotAnExecutionArnIsRefused() {
    Fakes.Result r = Fakes.run("stop", "manual-alice-20261201-143000");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not an execution ARN");
    aws.verify(0, anyRequestedFor(anyUrl()));
  }
}
