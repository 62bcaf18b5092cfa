package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static io.dbrestore.operator.Fakes.describe;
import static io.dbrestore.operator.Fakes.executionArn;
import static io.dbrestore.operator.Fakes.json;
import static io.dbrestore.operator.Fakes.machineArn;
import static io.dbrestore.operator.Fakes.machines;
import static io.dbrestore.operator.Fakes.rds;
import static io.dbrestore.operator.Fakes.rdsCalled;
import static io.dbrestore.operator.Fakes.sfn;
import static io.dbrestore.operator.Fakes.sfnCalled;
import static io.dbrestore.operator.Fakes.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.testing.AwsWireMock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatusCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FAILED = executionArn("dbrestore-release", "nightly-20261201");

  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  @BeforeEach
  void pipelines() {
    aws.stubFor(
        sfn("ListStateMachines")
            .willReturn(json(machines("dbrestore-develop", "dbrestore-release"))));
    aws.stubFor(
        sfn("ListExecutions")
            .withRequestBody(containing(machineArn("dbrestore-develop")))
            .willReturn(json("{\"executions\":[]}")));
    aws.stubFor(
        sfn("ListExecutions")
            .withRequestBody(containing(machineArn("dbrestore-release")))
            .willReturn(
                json(
                    "{\"executions\":["
                        + execution(FAILED, "FAILED", 1796097600L, 1796098325L)
                        + ","
                        + execution(
                            executionArn("dbrestore-release", "nightly-20261130"),
                            "SUCCEEDED",
                            1796011200L,
                            1796014920L)
                        + ","
                        + execution(
                            executionArn("dbrestore-release", "manual-alice-20261201-142000"),
                            "RUNNING",
                            1796134800L,
                            null)
                        + "]}")));
    aws.stubFor(
        sfn("DescribeExecution")
            .willReturn(
                json(
                    describe(
                        FAILED,
                        "FAILED",
                        "dbrestore.BranchesFailed",
                        "aurora failed: REFUSED snapshot-too-old\\nmore"))));
  }

  private static final String SUCCEEDED = executionArn("dbrestore-release", "nightly-20261130");

  /**
   * What restored each target, newest first: the failed run (aurora and the payments cluster
   * failed; mongodb, atlas and the orders cluster were restored) and the succeeded one before it
   * (everything restored; payments from a point in time).
   */
  @BeforeEach
  void restoredTargets() throws Exception {
    String failedBranches =
        """
        {"cause": "Failed branches [\\"aurora\\"]", "branches": [
          {"name": "aurora", "status": "FAILED", "error": "REFUSED", "cause": "too old"},
          {"name": "mongodb", "status": "DONE", "result": {"snapshotId": "snap-0newer", "documents": 3}},
          {"name": "atlas", "status": "DONE", "result": {"snapshotId": "atlas-snap-2",
            "snapshotCreatedAt": "2026-11-30T23:00:00Z", "target": "reporting"}},
          {"name": "microservices", "status": "FAILED", "failedClusters": ["payments"], "items": [
            {"name": "orders", "status": "DONE", "result": {"cluster": "orders",
              "source": "dbrestore-masked-orders-20261130"}},
            {"name": "payments", "status": "FAILED", "error": "TIMED_OUT"}]}]}
        """;
    String succeededBranches =
        """
        {"anyFailed": false, "branches": [
          {"name": "aurora", "status": "DONE", "result": {"cluster": "monolith",
            "source": "dbrestore-masked-monolith-20261129"}},
          {"name": "mongodb", "status": "DONE", "result": {"snapshotId": "snap-0older"}},
          {"name": "atlas", "status": "DONE", "result": {"snapshotId": "atlas-snap-1",
            "snapshotCreatedAt": "2026-11-29T23:00:00Z"}},
          {"name": "microservices", "status": "DONE", "items": [
            {"name": "orders", "status": "DONE", "result": {"cluster": "orders",
              "source": "dbrestore-masked-orders-20261129"}},
            {"name": "payments", "status": "DONE", "result": {"cluster": "payments",
              "source": "payments-prod@2026-11-29T22:00:00Z"}}]}]}
        """;
    aws.stubFor(
        sfn("GetExecutionHistory")
            .withRequestBody(containing(FAILED))
            .willReturn(
                json(
                    "{\"events\":[{\"id\":90,\"previousEventId\":89,\"type\":\"ExecutionFailed\","
                        + "\"timestamp\":1796098325,\"executionFailedEventDetails\":{\"error\":"
                        + "\"dbrestore.BranchesFailed\"}},{\"id\":89,\"previousEventId\":88,"
                        + "\"type\":\"FailStateEntered\",\"timestamp\":1796098325,"
                        + "\"stateEnteredEventDetails\":{\"name\":\"Failed\",\"input\":"
                        + JSON.writeValueAsString(failedBranches)
                        + "}}]}")));
    aws.stubFor(
        sfn("DescribeExecution")
            .atPriority(2)
            .withRequestBody(containing(SUCCEEDED))
            .willReturn(
                json(
                    "{\"executionArn\":\""
                        + SUCCEEDED
                        + "\",\"stateMachineArn\":\""
                        + machineArn("dbrestore-release")
                        + "\",\"status\":\"SUCCEEDED\",\"startDate\":1796011200,"
                        + "\"stopDate\":1796014920,\"input\":\"{}\",\"output\":"
                        + JSON.writeValueAsString(succeededBranches)
                        + "}")));
    // monolith's snapshot is one shared by production; orders' is gone (retention).
    aws.stubFor(
        rds("DescribeDBClusterSnapshots")
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "text/xml")
                    .withBody(
                        "<ErrorResponse><Error><Type>Sender</Type>"
                            + "<Code>DBClusterSnapshotNotFoundFault</Code><Message>not found"
                            + "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")));
    aws.stubFor(
        rds("DescribeDBClusterSnapshots")
            .atPriority(1)
            .withRequestBody(containing("SnapshotType=shared"))
            .willReturn(
                xml(
                    "DescribeDBClusterSnapshots",
                    "<DBClusterSnapshots><DBClusterSnapshot>"
                        + "<DBClusterSnapshotIdentifier>"
                        + SHARED
                        + "</DBClusterSnapshotIdentifier>"
                        + "<DBClusterSnapshotArn>"
                        + SHARED
                        + "</DBClusterSnapshotArn>"
                        + "<SnapshotCreateTime>2026-11-29T01:00:00Z</SnapshotCreateTime>"
                        + "<SnapshotType>shared</SnapshotType>"
                        + "</DBClusterSnapshot></DBClusterSnapshots>")));
    aws.stubFor(
        rds("DescribeSnapshots")
            .withRequestBody(containing("snap-0newer"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/xml")
                    .withBody(
                        "<DescribeSnapshotsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                            + "<requestId>r-1</requestId><snapshotSet><item>"
                            + "<snapshotId>snap-0newer</snapshotId>"
                            + "<startTime>2026-12-01T01:00:00.000Z</startTime>"
                            + "<status>completed</status></item></snapshotSet>"
                            + "</DescribeSnapshotsResponse>")));
  }

  private static final String SHARED =
      "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:dbrestore-masked-monolith-20261129";

  private static String execution(String arn, String status, long start, Long stop) {
    return "{\"executionArn\":\""
        + arn
        + "\",\"stateMachineArn\":\""
        + machineArn("dbrestore-release")
        + "\",\"name\":\""
        + arn.substring(arn.lastIndexOf(':') + 1)
        + "\",\"status\":\""
        + status
        + "\",\"startDate\":"
        + start
        + (stop == null ? "" : ",\"stopDate\":" + stop)
        + "}";
  }

  @Test
  void jsonListsEachPipelinesLastRunsWithTheCauseOfAFailure() throws Exception {
    Fakes.Result r = Fakes.run("status", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode all = JSON.readTree(r.out());
    assertThat(all.isArray()).isTrue();
    assertThat(all).hasSize(2);
    assertThat(all.get(0).get("pipeline").asText()).isEqualTo("develop");
    assertThat(all.get(0).get("executions")).isEmpty();
    JsonNode release = all.get(1);
    assertThat(release.get("pipeline").asText()).isEqualTo("release");
    JsonNode failed = release.get("executions").get(0);
    assertThat(failed.get("name").asText()).isEqualTo("nightly-20261201");
    assertThat(failed.get("status").asText()).isEqualTo("FAILED");
    assertThat(failed.get("durationSeconds").asLong()).isEqualTo(725);
    assertThat(failed.get("error").asText()).isEqualTo("dbrestore.BranchesFailed");
    assertThat(failed.get("cause").asText()).isEqualTo("aurora failed: REFUSED snapshot-too-old");
    assertThat(release.get("executions").get(2).get("status").asText()).isEqualTo("RUNNING");
    assertThat(release.get("executions").get(2).get("durationSeconds").asLong()).isEqualTo(600);
    // The failed run is described once (for its error and for what it restored), the succeeded
    // one for its output; the runs listed ask for the last 5, the search for restored targets 20.
    aws.verify(2, sfnCalled("DescribeExecution"));
    aws.verify(2, sfnCalled("ListExecutions").withRequestBody(containing("\"maxResults\":5")));
    aws.verify(2, sfnCalled("ListExecutions").withRequestBody(containing("\"maxResults\":20")));
    assertThat(all.get(0).get("targets")).isEmpty();
  }

  @Test
  void plainLinesForOnePipeline() {
    Fakes.Result r = Fakes.run("status", "release");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "release (dbrestore-release)",
            "  FAILED     2026-12-01 04:00  12m05s   nightly-20261201",
            "             dbrestore.BranchesFailed: aurora failed: REFUSED snapshot-too-old",
            "  SUCCEEDED  2026-11-30 04:00  1h02m    nightly-20261130",
            "  RUNNING    2026-12-01 14:20  10m00s+  manual-alice-20261201-142000",
            "  snapshot each target is on:",
            "    aurora    2d13h old dbrestore-masked-monolith-20261129 (taken 2026-11-29 01:00,"
                + " restored by nightly-20261130)",
            "    mongodb   13h30m old snap-0newer (taken 2026-12-01 01:00, restored by"
                + " nightly-20261201)",
            "    atlas     15h30m old atlas-snap-2 (taken 2026-11-30 23:00, restored by"
                + " nightly-20261201)",
            "    orders    unknown   cluster snapshot dbrestore-masked-orders-20261130 no longer"
                + " exists (RDS DescribeDBClusterSnapshots, shared included) (snapshot"
                + " dbrestore-masked-orders-20261130)",
            "    payments  1d16h old payments-prod@2026-11-29T22:00:00Z (taken 2026-11-29 22:00,"
                + " restored by nightly-20261130)");
  }

  @Test
  void jsonHasTheSnapshotEachTargetIsOnFromTheNewestRunThatRestoredIt() throws Exception {
    Fakes.Result r = Fakes.run("status", "release", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode targets = JSON.readTree(r.out()).get(0).get("targets");
    assertThat(targets).hasSize(5);
    JsonNode aurora = targets.get(0);
    assertThat(aurora.get("target").asText()).isEqualTo("aurora");
    // Failed in the newest run: still on the snapshot the run before restored.
    assertThat(aurora.get("restoredBy").asText()).isEqualTo("nightly-20261130");
    assertThat(aurora.get("snapshot").asText()).isEqualTo("dbrestore-masked-monolith-20261129");
    assertThat(aurora.get("snapshotCreatedAt").asText()).isEqualTo("2026-11-29T01:00:00Z");
    assertThat(aurora.get("snapshotAgeSeconds").asLong()).isEqualTo(221400);
    assertThat(aurora.get("unknown").isNull()).isTrue();
    JsonNode mongo = targets.get(1);
    assertThat(mongo.get("snapshot").asText()).isEqualTo("snap-0newer");
    assertThat(mongo.get("restoredBy").asText()).isEqualTo("nightly-20261201");
    assertThat(mongo.get("snapshotAgeSeconds").asLong()).isEqualTo(48600);
    assertThat(targets.get(2).get("snapshotCreatedAt").asText()).isEqualTo("2026-11-30T23:00:00Z");
    JsonNode orders = targets.get(3);
    assertThat(orders.get("branch").asText()).isEqualTo("microservices");
    assertThat(orders.get("snapshotAgeSeconds").isNull()).isTrue();
    assertThat(orders.get("unknown").asText()).contains("no longer exists");
    assertThat(targets.get(4).get("target").asText()).isEqualTo("payments");
    assertThat(targets.get(4).get("snapshotCreatedAt").asText()).isEqualTo("2026-11-29T22:00:00Z");
    // The snapshots: one lookup by name each, the shared ones listed once; one EBS snapshot.
    aws.verify(1, rdsCalled("DescribeDBClusterSnapshots").withRequestBody(containing("shared")));
    aws.verify(1, rdsCalled("DescribeSnapshots"));
  }

  @Test
  void aTargetNoRunRestoredIsUnknownWithTheReason() throws Exception {
    aws.stubFor(
        sfn("DescribeExecution")
            .atPriority(1)
            .withRequestBody(containing(SUCCEEDED))
            .willReturn(
                json(
                    describe(SUCCEEDED, "SUCCEEDED", null, null)
                        .replace("}", ",\"input\":\"{\\\"dryRun\\\": true}\"}"))));

    Fakes.Result r = Fakes.run("status", "release", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode targets = JSON.readTree(r.out()).get(0).get("targets");
    // The succeeded run was a dry run: only the failed run's restored targets are known.
    assertThat(targets.findValuesAsText("target"))
        .containsExactly("aurora", "mongodb", "atlas", "orders", "payments");
    assertThat(targets.get(0).get("unknown").asText())
        .as(r.out())
        .isEqualTo("not restored by the last 20 runs (failed in nightly-20261201 with REFUSED)");
    assertThat(targets.get(0).get("snapshotAgeSeconds").isNull()).isTrue();
    assertThat(targets.get(1).get("restoredBy").asText()).isEqualTo("nightly-20261201");
  }

  @Test
  void anUnknownPipelineIsInvalidInput() {
    Fakes.Result r = Fakes.run("status", "relase");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("the pipelines are: develop, release");
  }
}
