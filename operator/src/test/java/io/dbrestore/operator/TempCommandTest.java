package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.dbrestore.runtime.testing.AwsWireMock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TempCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "manual-alice-20261201-143000";
  private static final String TARGET =
      "{\"Arn\":\"arn:aws:states:eu-west-1:123456789012:stateMachine:dbrestore-teardown\","
          + "\"RoleArn\":\"arn:aws:iam::123456789012:role/dbrestore-scheduler\","
          + "\"Input\":\"{\\\"cluster\\\":\\\"tmp-qa\\\"}\","
          + "\"RetryPolicy\":{\"MaximumRetryAttempts\":10,\"MaximumEventAgeInSeconds\":86400},"
          + "\"DeadLetterConfig\":{\"Arn\":\"arn:aws:sqs:eu-west-1:123456789012:"
          + "dbrestore-schedule-dead-letters\"}}";

  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  private static String cluster(String id, String status, String... tags) {
    StringBuilder b =
        new StringBuilder("<DBCluster><DBClusterIdentifier>")
            .append(id)
            .append(
                "</DBClusterIdentifier><DBClusterArn>arn:aws:rds:eu-west-1:123456789012:cluster:")
            .append(id)
            .append("</DBClusterArn><Status>")
            .append(status)
            .append("</Status><TagList>");
    for (int i = 0; i < tags.length; i += 2) {
      b.append("<Tag><Key>")
          .append(tags[i])
          .append("</Key><Value>")
          .append(tags[i + 1])
          .append("</Value></Tag>");
    }
    return b.append("</TagList></DBCluster>").toString();
  }

  private static ResponseDefinitionBuilder clusters(String marker, String... clusters) {
    return xml(
        "DescribeDBClusters",
        "<DBClusters>"
            + String.join("", clusters)
            + "</DBClusters>"
            + (marker == null ? "" : "<Marker>" + marker + "</Marker>"));
  }

  private static ResponseDefinitionBuilder restJson(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  private static Map<String, String> form(LoggedRequest request) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : request.getBodyAsString().split("&")) {
      String[] kv = pair.split("=", 2);
      form.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return form;
  }

  @Test
  void listShowsEachTemporaryDatabaseItsExpiryTimeLeftAndSchedule() throws Exception {
    aws.stubFor(
        rds("DescribeDBClusters")
            .atPriority(5)
            .willReturn(
                clusters(
                    "page-2",
                    cluster(
                        "tmp-qa",
                        "available",
                        "dbrestore:managed",
                        "true",
                        "dbrestore:expires-at",
                        "2026-12-02T14:00:00Z"),
                    cluster("develop-monolith", "available", "dbrestore:managed", "true"),
                    cluster(
                        "tmp-mine", "available", "dbrestore:expires-at", "2026-12-09T00:00:00Z"))));
    aws.stubFor(
        rds("DescribeDBClusters")
            .atPriority(1)
            .withRequestBody(containing("Marker=page-2"))
            .willReturn(
                clusters(
                    null,
                    cluster(
                        "tmp-old",
                        "available",
                        "dbrestore:managed",
                        "true",
                        "dbrestore:expires-at",
                        "2026-12-01T10:00:00Z"))));
    aws.stubFor(
        get(urlPathEqualTo("/schedules"))
            .willReturn(
                restJson(
                    200,
                    "{\"Schedules\":[{\"Name\":\"teardown-tmp-qa\",\"GroupName\":\"default\","
                        + "\"State\":\"ENABLED\"}]}")));

    Fakes.Result r = Fakes.run("temp", "list");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "NAME                     STATUS       EXPIRES           LEFT     TEARDOWN SCHEDULE",
            "tmp-old                  available    2026-12-01 10:00  expired  missing (the daily"
                + " sweep removes it)",
            "tmp-qa                   available    2026-12-02 14:00  23h30m   teardown-tmp-qa");
    LoggedRequest list = aws.findAll(getRequestedFor(urlPathEqualTo("/schedules"))).get(0);
    assertThat(list.queryParameter("NamePrefix").firstValue()).isEqualTo("teardown-");
    assertThat(list.getUrl()).contains("=default");

    Fakes.Result json = Fakes.run("temp", "list", "--json");
    JsonNode out = JSON.readTree(json.out());
    assertThat(out).hasSize(2);
    assertThat(out.get(0).get("name").asText()).isEqualTo("tmp-old");
    assertThat(out.get(0).get("expired").asBoolean()).isTrue();
    assertThat(out.get(0).get("scheduleExists").asBoolean()).isFalse();
    assertThat(out.get(1).get("secondsLeft").asLong()).isEqualTo(23 * 3600 + 30 * 60);
  }

  private void stubCluster(String id, String... tags) {
    aws.stubFor(
        rds("DescribeDBClusters")
            .withRequestBody(containing("DBClusterIdentifier=" + id))
            .willReturn(clusters(null, cluster(id, "available", tags))));
    aws.stubFor(rds("AddTagsToResource").willReturn(xml("AddTagsToResource", "")));
  }

  @Test
  void extendMovesTheTagAndTheScheduleKeepingEverythingElse() throws Exception {
    stubCluster(
        "tmp-qa", "dbrestore:managed", "true", "dbrestore:expires-at", "2026-12-02T14:00:00Z");
    aws.stubFor(
        get(urlPathEqualTo("/schedules/teardown-tmp-qa"))
            .willReturn(
                restJson(
                    200,
                    "{\"Arn\":\"arn:aws:scheduler:eu-west-1:123456789012:schedule/default/"
                        + "teardown-tmp-qa\",\"Name\":\"teardown-tmp-qa\",\"GroupName\":\"default\","
                        + "\"Description\":\"dbrestore: tear down tmp-qa\","
                        + "\"ScheduleExpression\":\"at(2026-12-02T14:00:00)\","
                        + "\"ScheduleExpressionTimezone\":\"UTC\",\"State\":\"ENABLED\","
                        + "\"FlexibleTimeWindow\":{\"Mode\":\"OFF\"},"
                        + "\"ActionAfterCompletion\":\"DELETE\",\"Target\":"
                        + TARGET
                        + ",\"CreationDate\":1796135400,\"LastModificationDate\":1796135400}")));
    aws.stubFor(
        put(urlPathEqualTo("/schedules/teardown-tmp-qa"))
            .willReturn(restJson(200, "{\"ScheduleArn\":\"arn:aws:scheduler:x\"}")));

    Fakes.Result r = Fakes.run("temp", "extend", "tmp-qa", "--hours", "24");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().split("\\R"))
        .containsExactly(
            "tmp-qa: expiry moved from 2026-12-02T14:00:00Z to 2026-12-03T14:00:00Z (1d23h from"
                + " now)",
            "  schedule teardown-tmp-qa: at(2026-12-02T14:00:00) -> at(2026-12-03T14:00:00)");
    Map<String, String> tag = form(aws.findAll(rdsCalled("AddTagsToResource")).get(0));
    assertThat(tag)
        .containsEntry("ResourceName", "arn:aws:rds:eu-west-1:123456789012:cluster:tmp-qa")
        .containsEntry("Tags.Tag.1.Key", "dbrestore:expires-at")
        .containsEntry("Tags.Tag.1.Value", "2026-12-03T14:00:00Z");
    aws.verify(
        putRequestedFor(urlPathEqualTo("/schedules/teardown-tmp-qa"))
            .withRequestBody(
                equalToJson(
                    "{\"GroupName\":\"default\",\"Description\":\"dbrestore: tear down tmp-qa\","
                        + "\"ScheduleExpression\":\"at(2026-12-03T14:00:00)\","
                        + "\"ScheduleExpressionTimezone\":\"UTC\",\"State\":\"ENABLED\","
                        + "\"FlexibleTimeWindow\":{\"Mode\":\"OFF\"},"
                        + "\"ActionAfterCompletion\":\"DELETE\",\"Target\":"
                        + TARGET
                        + "}",
                    false,
                    true)));
  }

  @Test
  void extendWithoutAScheduleMovesTheTagAndCreatesNone() {
    stubCluster(
        "tmp-qa", "dbrestore:managed", "true", "dbrestore:expires-at", "2026-12-02T14:00:00Z");
    aws.stubFor(
        get(urlPathEqualTo("/schedules/teardown-tmp-qa"))
            .willReturn(
                restJson(404, "{\"Message\":\"Schedule teardown-tmp-qa does not exist.\"}")
                    .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")));

    Fakes.Result r = Fakes.run("temp", "extend", "tmp-qa", "--until", "2026-12-05T08:00:00Z");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "expiry moved from 2026-12-02T14:00:00Z to 2026-12-05T08:00:00Z",
            "no one-time schedule teardown-tmp-qa in group default: none created");
    aws.verify(1, rdsCalled("AddTagsToResource"));
    aws.verify(0, putRequestedFor(anyUrl()));
  }

  @Test
  void extendRefusesAClusterThatIsNotATemporaryDatabaseWithoutWriting() {
    stubCluster("tmp-mine", "dbrestore:expires-at", "2026-12-02T14:00:00Z");

    Fakes.Result r = Fakes.run("temp", "extend", "tmp-mine", "--hours", "24");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "dbrestore temp extend: cluster tmp-mine is not a temporary database: only a cluster"
                + " named tmp-* and tagged dbrestore:managed=true is extended; nothing was changed"
                + System.lineSeparator());
    aws.verify(0, rdsCalled("AddTagsToResource"));
    aws.verify(0, putRequestedFor(anyUrl()));
    aws.verify(0, getRequestedFor(anyUrl()));

    aws.resetAll();
    stubCluster("develop-monolith", "dbrestore:managed", "true");
    Fakes.Result notTmp = Fakes.run("temp", "extend", "develop-monolith", "--hours", "1");
    assertThat(notTmp.exitCode()).isEqualTo(3);
    aws.verify(0, rdsCalled("AddTagsToResource"));
    aws.verify(0, putRequestedFor(anyUrl()));
  }

  @Test
  void extendBeyondTheMaximumTimeToLive_isRefusedWithoutWriting() {
    stubCluster(
        "tmp-qa", "dbrestore:managed", "true", "dbrestore:expires-at", "2026-12-02T14:00:00Z");

    Fakes.Result r = Fakes.run("temp", "extend", "tmp-qa", "--hours", "2000");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is more than 720h from now").contains("nothing was changed");
    aws.verify(0, rdsCalled("AddTagsToResource"));
    aws.verify(0, putRequestedFor(anyUrl()));
  }

  @Test
  void extendWhoseScheduleCannotBeMoved_saysTheClusterStillGoesAtTheOldTime() {
    stubCluster(
        "tmp-qa", "dbrestore:managed", "true", "dbrestore:expires-at", "2026-12-02T14:00:00Z");
    aws.stubFor(
        get(urlPathEqualTo("/schedules/teardown-tmp-qa"))
            .willReturn(
                restJson(
                    200,
                    "{\"Name\":\"teardown-tmp-qa\",\"GroupName\":\"default\","
                        + "\"ScheduleExpression\":\"at(2026-12-02T14:00:00)\","
                        + "\"ScheduleExpressionTimezone\":\"UTC\",\"State\":\"ENABLED\","
                        + "\"FlexibleTimeWindow\":{\"Mode\":\"OFF\"},\"Target\":"
                        + TARGET
                        + "}")));
    aws.stubFor(
        put(urlPathEqualTo("/schedules/teardown-tmp-qa"))
            .willReturn(
                restJson(403, "{\"Message\":\"not authorized\"}")
                    .withHeader("x-amzn-ErrorType", "AccessDeniedException")));

    Fakes.Result r = Fakes.run("temp", "extend", "tmp-qa", "--hours", "24");

    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err())
        .contains("still fires at at(2026-12-02T14:00:00)")
        .contains("--until 2026-12-03T14:00:00Z");
  }

  @Test
  void extendTakesHoursOrUntilNotBoth() {
    Fakes.Result r =
        Fakes.run("temp", "extend", "tmp-qa", "--hours", "1", "--until", "2026-12-05T08:00:00Z");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("dbrestore temp extend: Error: --hours=<n>, --until=<instant>");
    aws.verify(0, anyRequestedFor(anyUrl()));
  }

  private JsonNode startExecution(String machine) throws Exception {
    List<LoggedRequest> requests = aws.findAll(sfnCalled("StartExecution"));
    assertThat(requests).hasSize(1);
    JsonNode request = JSON.readTree(requests.get(0).getBodyAsString());
    assertThat(request.get("stateMachineArn").asText()).isEqualTo(machineArn(machine));
    assertThat(request.get("name").asText()).isEqualTo(NAME);
    return JSON.readTree(request.get("input").asText());
  }

  private void stubStart(String machine) {
    aws.stubFor(
        sfn("ListStateMachines")
            .willReturn(json(machines("dbrestore-temporary", "dbrestore-teardown"))));
    aws.stubFor(
        sfn("StartExecution")
            .willReturn(
                json(
                    "{\"executionArn\":\""
                        + executionArn(machine, NAME)
                        + "\",\"startDate\":1796135400}")));
  }

  @Test
  void createIsRunTemporaryWithThatInput() throws Exception {
    stubStart("dbrestore-temporary");

    Fakes.Result r =
        Fakes.run(
            "temp",
            "create",
            "tmp-qa-4711",
            "--ttl-hours",
            "48",
            "--snapshot",
            "snap-1",
            "--dry-run");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(startExecution("dbrestore-temporary"))
        .isEqualTo(
            JSON.readTree(
                "{\"name\":\"tmp-qa-4711\",\"ttlHours\":48,\"snapshot\":\"snap-1\",\"dryRun\":true}"));
    assertThat(r.out()).startsWith("started dbrestore-temporary (temporary): " + NAME);

    aws.resetAll();
    Fakes.Result bad = Fakes.run("temp", "create", "QA", "--ttl-hours", "0");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err().split("\\R"))
        .containsExactly(
            "dbrestore temp create: <name> \"QA\" does not match ^tmp-[a-z0-9]+(-[a-z0-9]+)*$ (the"
                + " cluster to create: tmp- then lower-case letters, digits and single hyphens)",
            "dbrestore temp create: --ttl-hours must be at least 1, got 0");
    aws.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void deleteStartsTheTeardownOfThatCluster() throws Exception {
    stubStart("dbrestore-teardown");

    Fakes.Result r = Fakes.run("temp", "delete", "tmp-qa-4711", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(startExecution("dbrestore-teardown"))
        .isEqualTo(JSON.readTree("{\"cluster\":\"tmp-qa-4711\"}"));
    assertThat(JSON.readTree(r.out()).get("workflow").asText()).isEqualTo("teardown");

    aws.resetAll();
    Fakes.Result notTmp = Fakes.run("temp", "delete", "develop-monolith");
    assertThat(notTmp.exitCode()).isEqualTo(2);
    aws.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void tempAloneNamesItsCommands() {
    Fakes.Result r = Fakes.run("temp");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("missing command: choose one of create, list, extend, delete");
  }
}
