package io.dbrestore.mongo.restore;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.ec2Error;
import static io.dbrestore.runtime.testing.AwsStubs.ec2Tags;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static io.dbrestore.runtime.testing.AwsStubs.queryError;
import static io.dbrestore.runtime.testing.AwsStubs.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.testing.AwsTestProperties;
import io.dbrestore.runtime.testing.FakeIam;
import io.dbrestore.runtime.testing.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code mongo-restore preflight run} through the real AWS SDK against WireMock: STS, IAM's policy
 * simulation ({@link FakeIam}), EC2 (describes, and DryRun probes answered with {@code
 * DryRunOperation} or {@code UnauthorizedOperation}) and Secrets Manager.
 */
@Timeout(60)
class RunPreflightTest {
  static final FakeIam IAM = new FakeIam();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = " xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
  static final String ACCOUNT = "222222222222";
  static final String INSTANCE = "i-0123456789abcdef0";
  static final String VOLUME = "vol-0123456789abcdef0";
  static final String SNAPSHOT = "snap-0123456789abcdef0";
  static final String ARN = "arn:aws:ec2:eu-west-1:" + ACCOUNT + ":";
  static final String URI_SECRET = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:uri";
  static final String URI = "mongodb://dbrestore:s3cr3t-pw@10.0.1.5:27017/?authSource=admin";

  @RegisterExtension
  static WireMockExtension wire =
      WireMockExtension.newInstance()
          .options(WireMockConfiguration.options().dynamicPort().extensions(IAM))
          .build();

  AwsTestProperties properties;

  @BeforeEach
  void start() {
    IAM.reset();
    properties = AwsTestProperties.pointAt(wire.baseUrl());
    wire.stubFor(query("GetCallerIdentity").willReturn(callerIdentity(ACCOUNT)));
    wire.stubFor(
        query("SimulatePrincipalPolicy").willReturn(aResponse().withTransformers(FakeIam.NAME)));
    secret(
        200, "{\"ARN\":\"" + URI_SECRET + "\",\"Name\":\"uri\",\"SecretString\":\"" + URI + "\"}");
    wire.stubFor(
        query("DescribeSnapshots")
            .willReturn(
                xml(
                    "<DescribeSnapshotsResponse"
                        + NS
                        + "><requestId>r</requestId><snapshotSet><item><snapshotId>"
                        + SNAPSHOT
                        + "</snapshotId><volumeId>vol-0fffffffffffffff0</volumeId>"
                        + "<status>completed</status><startTime>"
                        + Instant.now().minusSeconds(3600)
                        + "</startTime><progress>100%</progress><ownerId>999999999999</ownerId>"
                        + "<volumeSize>100</volumeSize><description>dbrestore masked mongodb"
                        + " main; run prod-1; source snap-0aaaaaaaaaaaaaaa0; 150 documents in 5"
                        + " collections; manifest sha256 0123456789abcdef</description>"
                        + "<encrypted>true</encrypted><kmsKeyId>"
                        + "arn:aws:kms:eu-west-1:999999999999:key/k</kmsKeyId></item>"
                        + "</snapshotSet></DescribeSnapshotsResponse>")));
    wire.stubFor(
        query("DescribeInstances")
            .willReturn(
                xml(
                    "<DescribeInstancesResponse"
                        + NS
                        + "><requestId>r</requestId><reservationSet><item><reservationId>r-1"
                        + "</reservationId><instancesSet><item><instanceId>"
                        + INSTANCE
                        + "</instanceId><instanceState><code>16</code><name>running</name>"
                        + "</instanceState><placement><availabilityZone>eu-west-1a"
                        + "</availabilityZone></placement><blockDeviceMapping><item><deviceName>"
                        + "/dev/sdf</deviceName><ebs><volumeId>"
                        + VOLUME
                        + "</volumeId><status>attached</status></ebs></item></blockDeviceMapping>"
                        + "</item></instancesSet></item></reservationSet>"
                        + "</DescribeInstancesResponse>")));
    tags(INSTANCE, Map.of(Tags.MANAGED, "true", "Name", "develop-mongo"));
    tags(VOLUME, Map.of(Tags.MANAGED, "true"));
    // Every DryRun request is one AWS would allow, unless a test says otherwise.
    wire.stubFor(
        post(urlEqualTo("/"))
            .withRequestBody(containing("DryRun=true"))
            .atPriority(5)
            .willReturn(
                ec2Error(
                    412,
                    "DryRunOperation",
                    "Request would have succeeded, but DryRun flag is set.")));
  }

  @AfterEach
  void stop() {
    properties.close();
  }

  void tags(String resource, Map<String, String> tags) {
    wire.stubFor(
        query("DescribeTags")
            .withRequestBody(containing("Filter.1.Value.1=" + resource))
            .willReturn(ec2Tags(resource, tags)));
  }

  void secret(int status, String body) {
    wire.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(body)));
  }

  Run preflight(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "preflight",
                "run",
                "--instance",
                INSTANCE,
                "--source-account",
                "999999999999",
                "--kms-key",
                "arn:aws:kms:eu-west-1:222222222222:key/dev",
                "--mongo-uri-secret",
                URI_SECRET));
    args.addAll(List.of(more));
    return Run.of(
        MongoRestore.entryPoint(),
        Map.of("DBRESTORE_TARGET_ALLOWLIST", "i-.*|vol-.*"),
        args.toArray(String[]::new));
  }

  static JsonNode result(Run run) throws Exception {
    String[] lines = run.out().strip().split("\\R");
    return JSON.readTree(lines[lines.length - 1]);
  }

  static JsonNode check(JsonNode result, String name) {
    for (JsonNode c : result.get("checks")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no check " + name + " in " + result);
  }

  static void assertChangedNothing() {
    List<String> operations = FakeIam.operations(wire.getAllServeEvents());
    assertThat(operations).isNotEmpty().allMatch(FakeIam::changesNothing);
    assertThat(operations)
        .contains(
            "GetCallerIdentity",
            "SimulatePrincipalPolicy",
            "DescribeInstances",
            "CreateVolume (DryRun)",
            "StopInstances (DryRun)");
  }

  @Test
  void allGood_passesWithWarningsOnly_andChangesNothing() throws Exception {
    Run run = preflight();

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(result.get("verdict").asText()).isEqualTo("warnings"); // no SENTRY_DSN here
    assertThat(check(result, "target ec2 instance " + INSTANCE).get("detail").asText())
        .contains(Tags.MANAGED + "=true");
    assertThat(check(result, "target ec2 volume " + VOLUME + " at /dev/sdf").get("status").asText())
        .isEqualTo("ok");
    assertThat(check(result, "source").get("detail").asText()).contains(SNAPSHOT);
    assertThat(check(result, "permissions").get("status").asText()).isEqualTo("ok");
    assertThat(check(result, "dry run: ec2:CreateVolume in eu-west-1a").get("status").asText())
        .isEqualTo("ok");
    assertThat(check(result, "dry run: ec2:DeleteVolume " + VOLUME).get("status").asText())
        .isEqualTo("ok");
    assertThat(check(result, "mongo uri secret").get("status").asText()).isEqualTo("ok");
    assertThat(run.out() + run.err()).doesNotContain("s3cr3t-pw");
    assertThat(IAM.asked())
        .anyMatch(
            a ->
                a.action().equals("ec2:StopInstances")
                    && a.resource().equals(ARN + "instance/" + INSTANCE)
                    && "true".equals(a.context().get("aws:ResourceTag/" + Tags.MANAGED)))
        .anyMatch(
            a ->
                a.action().equals("ec2:CreateVolume")
                    && a.resource().equals("arn:aws:ec2:eu-west-1::snapshot/" + SNAPSHOT)
                    && "999999999999".equals(a.context().get("ec2:Owner")));
    assertChangedNothing();
  }

  @Test
  void oneDeniedAction_failsNamingTheActionAndTheResource() throws Exception {
    IAM.deny("ec2:DeleteVolume", ARN + "volume/" + VOLUME, "implicitDeny");

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err())
        .contains("ec2:DeleteVolume on " + ARN + "volume/" + VOLUME + " (implicitDeny)");
    assertThat(check(result(run), "permissions").get("status").asText()).isEqualTo("failed");
    assertChangedNothing();
  }

  @Test
  void aDryRunAnsweredUnauthorized_fails() throws Exception {
    wire.stubFor(
        query("StopInstances")
            .withRequestBody(containing("DryRun=true"))
            .atPriority(1)
            .willReturn(ec2Error(403, "UnauthorizedOperation", "You are not authorized.")));

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    JsonNode stop = check(result(run), "dry run: ec2:StopInstances " + INSTANCE);
    assertThat(stop.get("status").asText()).isEqualTo("failed");
    assertThat(stop.get("detail").asText()).contains("UnauthorizedOperation");
    assertThat(run.err()).contains("dry run: ec2:StopInstances " + INSTANCE);
    assertChangedNothing();
  }

  @Test
  void anInstanceWithoutTheManagedTag_failsNamingTheTag() throws Exception {
    tags(INSTANCE, Map.of("Name", "develop-mongo"));

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err())
        .contains("target ec2 instance " + INSTANCE)
        .contains("does not carry " + Tags.MANAGED + "=true");
    assertChangedNothing();
  }

  @Test
  void aMissingSecret_isAFailedCheck_notACrash() throws Exception {
    secret(400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"not found\"}");

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    JsonNode uri = check(result(run), "mongo uri secret");
    assertThat(uri.get("status").asText()).isEqualTo("failed");
    assertThat(uri.get("detail").asText()).contains(URI_SECRET + " does not exist");
  }

  @Test
  void whenTheRoleMayNotSimulate_permissionsAreAWarning_andTheDryRunsStillCheck() throws Exception {
    wire.stubFor(
        query("SimulatePrincipalPolicy")
            .atPriority(1)
            .willReturn(queryError(403, "AccessDenied", "not authorized")));

    Run run = preflight();

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(check(result, "permissions").get("status").asText()).isEqualTo("warning");
    assertThat(check(result, "permissions").get("detail").asText())
        .contains("not checked: grant iam:SimulatePrincipalPolicy on the role to check");
    assertThat(check(result, "dry run: ec2:StopInstances " + INSTANCE).get("status").asText())
        .isEqualTo("ok");
  }
}
