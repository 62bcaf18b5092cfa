package io.dbrestore.runtime;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.ec2Error;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dbrestore.runtime.testing.AwsTestProperties;
import io.dbrestore.runtime.testing.FakeIam;
import io.dbrestore.runtime.testing.FixtureJob;
import io.dbrestore.runtime.testing.Run;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code <job> preflight [<command>]} as JobMain adds it, against WireMock. */
class PreflightCommandTest {
  static final FakeIam IAM = new FakeIam();
  static final ObjectMapper JSON = new ObjectMapper();

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
    wire.stubFor(query("GetCallerIdentity").willReturn(callerIdentity("222222222222")));
    wire.stubFor(
        query("SimulatePrincipalPolicy").willReturn(aResponse().withTransformers(FakeIam.NAME)));
    wire.stubFor(
        query("DeleteVolume")
            .withRequestBody(containing("DryRun=true"))
            .willReturn(ec2Error(412, "DryRunOperation", "Request would have succeeded.")));
  }

  @AfterEach
  void stop() {
    properties.close();
  }

  static JsonNode result(Run run) throws Exception {
    String[] lines = run.out().strip().split("\\R");
    return JSON.readTree(lines[lines.length - 1]);
  }

  static String status(JsonNode result, String check) {
    for (JsonNode c : result.get("checks")) {
      if (c.get("name").asText().equals(check)) {
        return c.get("status").asText();
      }
    }
    throw new AssertionError("no check " + check + " in " + result);
  }

  @Test
  void ofACommand_runsItsChecks_neverTheCommand() throws Exception {
    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            Map.of("DBRESTORE_TARGET_ALLOWLIST", "vol-.*"),
            "preflight",
            "delete-volume",
            "--volume-id",
            "vol-1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(result.get("preflight").asText()).isEqualTo("fixture delete-volume");
    assertThat(status(result, "guard")).isEqualTo("ok");
    assertThat(status(result, "guard: delete ec2 volume vol-1")).isEqualTo("ok");
    assertThat(status(result, "permissions")).isEqualTo("ok");
    assertThat(status(result, "dry run: ec2:DeleteVolume vol-1")).isEqualTo("ok");
    assertThat(IAM.asked())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.principal()).isEqualTo("arn:aws:iam::222222222222:role/dbrestore");
              assertThat(a.resource()).isEqualTo("arn:aws:ec2:eu-west-1:222222222222:volume/vol-1");
              assertThat(a.context()).containsEntry("aws:ResourceTag/dbrestore:managed", "true");
            });
    assertThat(FakeIam.operations(wire.getAllServeEvents())).allMatch(FakeIam::changesNothing);
  }

  @Test
  void aPreflightThatTriesARealChange_isStoppedBeforeItIsSent_exit1() {
    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            Map.of("DBRESTORE_TARGET_ALLOWLIST", "vol-.*"),
            "preflight",
            "delete-volume",
            "--volume-id",
            "vol-1",
            "--preflight-bug");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.FAULT.code());
    assertThat(run.err())
        .contains("preflight stopped a call that changes state (Ec2:DeleteVolume)");
    wire.verify(
        0,
        postRequestedFor(urlEqualTo("/"))
            .withRequestBody(containing("Action=DeleteVolume"))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.notContaining("DryRun=true")));
  }

  @Test
  void aDeniedPermission_isExit3_preflightFailed() throws Exception {
    IAM.deny("ec2:DeleteVolume", null, "explicitDeny");

    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            Map.of("DBRESTORE_TARGET_ALLOWLIST", "vol-.*"),
            "preflight",
            "delete-volume",
            "--volume-id",
            "vol-1");

    assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .startsWith("fixture: preflight failed: permissions (denied for")
        .contains(
            "ec2:DeleteVolume on arn:aws:ec2:eu-west-1:222222222222:volume/vol-1 (explicitDeny)");
    assertThat(result(run).get("status").asText()).isEqualTo("REFUSED");
  }

  @Test
  void ofACommand_withoutAnAllowlist_fails() throws Exception {
    Run run = Run.of(FixtureJob.entryPoint(), "preflight", "delete-volume", "--volume-id", "vol-1");

    assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED.code());
    JsonNode result = result(run);
    assertThat(status(result, "guard")).isEqualTo("failed");
    assertThat(status(result, "guard: delete ec2 volume vol-1")).isEqualTo("failed");
  }

  @Test
  void alone_withoutAnAllowlist_onlyWarns() throws Exception {
    Run run = Run.of(FixtureJob.entryPoint(), "preflight");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(result.get("status").asText()).isEqualTo("DONE");
    assertThat(result.get("verdict").asText()).isEqualTo("warnings");
    assertThat(status(result, "identity")).isEqualTo("ok");
    assertThat(status(result, "guard")).isEqualTo("warning");
    assertThat(status(result, "task token")).isEqualTo("skipped");
  }

  @Test
  void whenStsFails_identityFails_andPermissionsAreNotChecked() throws Exception {
    wire.stubFor(
        query("GetCallerIdentity")
            .atPriority(1)
            .willReturn(
                io.dbrestore.runtime.testing.AwsStubs.queryError(403, "AccessDenied", "no")));

    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            Map.of("DBRESTORE_TARGET_ALLOWLIST", "vol-.*"),
            "preflight",
            "delete-volume",
            "--volume-id",
            "vol-1");

    assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED.code());
    JsonNode result = result(run);
    assertThat(status(result, "identity")).isEqualTo("failed");
    assertThat(status(result, "permissions")).isEqualTo("skipped");
  }

  @Test
  void helpOfACommandsPreflight_showsTheCommandsOptions() {
    Run run = Run.of(FixtureJob.entryPoint(), "preflight", "delete-volume", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--volume-id", "--json", "--role-arn", "Exit codes:");
  }
}
