package io.dbrestore.aurora.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static io.dbrestore.runtime.testing.AwsStubs.queryError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dbrestore.aurora.AuroraRestore;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.testing.AwsTestProperties;
import io.dbrestore.runtime.testing.FakeIam;
import io.dbrestore.runtime.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aurora-restore preflight restore} through the real AWS SDK against WireMock: STS, IAM's
 * policy simulation ({@link FakeIam}), RDS ({@link FakeRdsServer}) and Secrets Manager.
 */
@Timeout(60)
class RestorePreflightTest {
  static final FakeRdsServer RDS = new FakeRdsServer();
  static final FakeIam IAM = new FakeIam();
  static final String ARN = "arn:aws:rds:eu-west-1:" + FakeRds.ACCOUNT + ":";
  static final String KEY_SECRET = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:mask";
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static WireMockExtension wire =
      WireMockExtension.newInstance()
          .options(WireMockConfiguration.options().dynamicPort().extensions(RDS, IAM))
          .build();

  @TempDir Path dir;
  final FakeRds rds = new FakeRds(Clock.systemUTC());
  AwsTestProperties properties;
  Path rules;

  @BeforeEach
  void start() throws Exception {
    RDS.use(rds);
    IAM.reset();
    properties = AwsTestProperties.pointAt(wire.baseUrl());
    wire.stubFor(
        query("GetCallerIdentity").atPriority(1).willReturn(callerIdentity(FakeRds.ACCOUNT)));
    wire.stubFor(
        query("SimulatePrincipalPolicy")
            .atPriority(1)
            .willReturn(aResponse().withTransformers(FakeIam.NAME)));
    secret(
        200,
        "{\"ARN\":\""
            + KEY_SECRET
            + "\",\"Name\":\"mask\",\"SecretString\":\""
            + "k".repeat(40)
            + "\"}");
    wire.stubFor(
        any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(FakeRdsServer.NAME)));
    rds.addTargetAndSharedSnapshot(Instant.now().minus(Duration.ofHours(3)));
    rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        version: 1
        databases:
          app:
            tables:
              users:
                fields:
                  id: keep
                  email: email
              countries: keep
        """);
  }

  @AfterEach
  void stop() {
    properties.close();
  }

  void secret(int status, String body) {
    wire.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
            .atPriority(1)
            .willReturn(json(status, body)));
  }

  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/x-amz-json-1.1")
        .withBody(body);
  }

  Run preflight(String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("DBRESTORE_TARGET_ALLOWLIST", "develop-app(-next|-old)?");
    List<String> args =
        new ArrayList<>(
            List.of(
                "preflight",
                "restore",
                "--cluster",
                "develop-app",
                "--source-cluster-name",
                "app",
                "--source-account",
                FakeRds.PROD,
                "--db-subnet-group",
                "dev-subnets",
                "--kms-key",
                "arn:aws:kms:eu-west-1:222222222222:key/dev",
                "--rules",
                rules.toString(),
                "--masking-key-secret",
                KEY_SECRET));
    args.addAll(List.of(more));
    return Run.of(AuroraRestore.entryPoint(), env, args.toArray(String[]::new));
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
        .contains("GetCallerIdentity", "SimulatePrincipalPolicy", "DescribeDBClusters");
  }

  @Test
  void allGood_passesWithWarningsOnly_andChangesNothing() throws Exception {
    Run run = preflight();

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(result.get("verdict").asText()).isEqualTo("warnings"); // no SENTRY_DSN here
    assertThat(check(result, "identity").get("status").asText()).isEqualTo("ok");
    assertThat(check(result, "permissions").get("status").asText()).isEqualTo("ok");
    assertThat(check(result, "permissions").get("detail").asText())
        .contains("arn:aws:iam::222222222222:role/dbrestore");
    assertThat(check(result, "target rds cluster develop-app").get("detail").asText())
        .contains(Tags.MANAGED + "=true");
    assertThat(check(result, "source").get("detail").asText()).contains(FakeRds.SHARED_SNAPSHOT);
    assertThat(check(result, "masking key").get("status").asText()).isEqualTo("ok");
    assertThat(check(result, "masking rules").get("status").asText()).isEqualTo("ok");
    assertThat(check(result, "guard: delete cluster develop-app-old").get("status").asText())
        .isEqualTo("ok");
    assertThat(run.out()).doesNotContain("k".repeat(40));
    // The role was asked about the calls the restore makes, on the resources it makes them on.
    assertThat(IAM.asked())
        .anyMatch(
            a ->
                a.action().equals("rds:RestoreDBClusterFromSnapshot")
                    && a.resource().equals(ARN + "cluster:develop-app-next")
                    && "true".equals(a.context().get("aws:RequestTag/" + Tags.MANAGED)))
        .anyMatch(
            a ->
                a.action().equals("rds:DeleteDBCluster")
                    && a.resource().equals(ARN + "cluster:develop-app-old")
                    && "true".equals(a.context().get("aws:ResourceTag/" + Tags.MANAGED)))
        .anyMatch(
            a ->
                a.action().equals("kms:Decrypt")
                    && a.resource().equals("arn:aws:kms:eu-west-1:111111111111:key/k"));
    assertChangedNothing();
    assertThat(rds.calls).as("mutating calls the fake RDS saw").isEmpty();
  }

  @Test
  void oneDeniedAction_failsNamingTheActionAndTheResource() throws Exception {
    IAM.deny("rds:DeleteDBCluster", ARN + "cluster:develop-app-old", "implicitDeny");

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err())
        .contains("preflight failed")
        .contains("rds:DeleteDBCluster on " + ARN + "cluster:develop-app-old (implicitDeny)");
    JsonNode result = result(run);
    assertThat(result.get("status").asText()).isEqualTo("REFUSED");
    assertThat(result.get("verdict").asText()).isEqualTo("failed");
    assertThat(check(result, "permissions").get("status").asText()).isEqualTo("failed");
    assertChangedNothing();
  }

  @Test
  void anExplicitDeny_isNamedAsSuch() throws Exception {
    IAM.deny("rds:RestoreDBClusterFromSnapshot", null, "explicitDeny");

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(check(result(run), "permissions").get("detail").asText())
        .contains(
            "rds:RestoreDBClusterFromSnapshot on "
                + ARN
                + "cluster:develop-app-next (explicitDeny)");
  }

  @Test
  void aTargetWithoutTheManagedTag_failsNamingTheTag() throws Exception {
    rds.clusters.remove("develop-app");
    rds.addCluster("develop-app", Map.of("team", "x"), "develop-app-1");

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err())
        .contains("target rds cluster develop-app")
        .contains(Tags.MANAGED + "=true");
    assertThat(check(result(run), "target rds cluster develop-app").get("status").asText())
        .isEqualTo("failed");
    assertChangedNothing();
  }

  @Test
  void aMissingSecret_isAFailedCheck_notACrash() throws Exception {
    secret(400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"not found\"}");

    Run run = preflight();

    assertThat(run.exitCode()).isEqualTo(3);
    JsonNode result = result(run);
    assertThat(check(result, "masking key").get("status").asText()).isEqualTo("failed");
    assertThat(check(result, "masking key").get("detail").asText())
        .contains(KEY_SECRET + " does not exist");
    assertThat(check(result, "masking rules").get("status").asText()).isEqualTo("skipped");
    assertThat(check(result, "permissions").get("status").asText()).isEqualTo("ok");
  }

  @Test
  void whenTheRoleMayNotSimulate_permissionsAreAWarning() throws Exception {
    wire.stubFor(
        query("SimulatePrincipalPolicy")
            .atPriority(1)
            .willReturn(queryError(403, "AccessDenied", "not authorized")));

    Run run = preflight();

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode permissions = check(result(run), "permissions");
    assertThat(permissions.get("status").asText()).isEqualTo("warning");
    assertThat(permissions.get("detail").asText())
        .contains("not checked: grant iam:SimulatePrincipalPolicy on the role to check");
  }

  @Test
  void roleArn_simulatesThatRole() throws Exception {
    String role = "arn:aws:iam::222222222222:role/development-aurora-restore-task";

    Run run = preflight("--role-arn", role);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(IAM.asked()).isNotEmpty().allMatch(a -> a.principal().equals(role));
  }

  @Test
  void onATerminal_aChecklistAndAVerdict() throws Exception {
    IAM.deny("rds:DeleteDBInstance", null, "implicitDeny");

    Run run = preflight("--text");

    assertThat(run.exitCode()).isEqualTo(3);
    List<String> lines = run.out().strip().lines().toList();
    assertThat(lines.get(0)).startsWith("✓ identity: account 222222222222");
    assertThat(lines).anyMatch(l -> l.startsWith("✗ permissions: denied for"));
    assertThat(lines).anyMatch(l -> l.startsWith("! sentry: "));
    assertThat(lines.get(lines.size() - 1)).startsWith("FAILED: 1 of ").endsWith("exit 3");
  }

  @Test
  void optionsTheCommandWouldReject_areInvalidInput() {
    Run run = preflight("--strategy", "sideways");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--strategy 'sideways' is not one of swap, replace");
    assertThat(IAM.asked()).isEmpty();
  }

  @Test
  void alone_stillChecksTheDeployment() throws Exception {
    Run run =
        Run.of(
            AuroraRestore.entryPoint(),
            Map.of("DBRESTORE_TARGET_ALLOWLIST", "develop-.*"),
            "preflight",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(result.get("account").asText()).isEqualTo(FakeRds.ACCOUNT);
    assertThat(check(result, "guard").get("detail").asText()).contains("develop-.*");
    assertThat(IAM.asked()).isEmpty();
  }
}
