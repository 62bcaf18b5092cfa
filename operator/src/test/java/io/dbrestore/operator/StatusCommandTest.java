package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
    // Only the failed run is described; every ListExecutions asks for the last 5.
    aws.verify(1, sfnCalled("DescribeExecution"));
    aws.verify(2, sfnCalled("ListExecutions").withRequestBody(containing("\"maxResults\":5")));
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
            "  RUNNING    2026-12-01 14:20  10m00s+  manual-alice-20261201-142000");
  }

  @Test
  void anUnknownPipelineIsInvalidInput() {
    Fakes.Result r = Fakes.run("status", "relase");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("the pipelines are: develop, release");
  }
}
