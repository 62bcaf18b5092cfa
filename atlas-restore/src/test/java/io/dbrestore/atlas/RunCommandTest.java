package io.dbrestore.atlas;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.dbrestore.atlas.FakeAtlas.BACKUP;
import static io.dbrestore.atlas.FakeAtlas.CLIENT_SECRET;
import static io.dbrestore.atlas.FakeAtlas.JOB;
import static io.dbrestore.atlas.FakeAtlas.MEDIA;
import static io.dbrestore.atlas.FakeAtlas.NEW_SNAPSHOT;
import static io.dbrestore.atlas.FakeAtlas.OLD_SNAPSHOT;
import static io.dbrestore.atlas.FakeAtlas.RESTORE_JOBS;
import static io.dbrestore.atlas.FakeAtlas.RUNNING_SNAPSHOT;
import static io.dbrestore.atlas.FakeAtlas.SOURCE_CLUSTER;
import static io.dbrestore.atlas.FakeAtlas.SOURCE_PROJECT;
import static io.dbrestore.atlas.FakeAtlas.TARGET;
import static io.dbrestore.atlas.FakeAtlas.TARGET_CLUSTER;
import static io.dbrestore.atlas.FakeAtlas.TARGET_PROJECT;
import static io.dbrestore.atlas.FakeAtlas.TOKEN;
import static io.dbrestore.atlas.FakeAtlas.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.testing.AwsStubs;
import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.testing.Emf;
import io.dbrestore.runtime.testing.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code atlas-restore run} end to end through its command line, WireMock playing Atlas and AWS.
 */
class RunCommandTest {
  @RegisterExtension static AwsWireMock wm = new AwsWireMock();

  private final FakeAtlas atlas = new FakeAtlas(wm);
  private final Logs logs = new Logs();
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterEach
  void forgetSecrets() {
    logs.close();
    Redactor.clearSecrets();
  }

  private Run run(String... extra) {
    return run(Map.of(), extra);
  }

  private Run run(Map<String, String> env, String... extra) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> Run.of(AtlasRestore.entryPoint(), env, atlas.args(extra).toArray(String[]::new)));
  }

  private static JsonNode result(Run run) throws Exception {
    return JSON.readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  private void verifyNoRestoreStarted() {
    wm.verify(exactly(0), postRequestedFor(urlPathEqualTo(RESTORE_JOBS)));
    wm.verify(exactly(0), deleteRequestedFor(anyUrl()));
  }

  @Test
  void run_restoresTheNewestCompletedSnapshotIntoTheTarget() throws Exception {
    atlas.standard();

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(result.path("status").asText()).isEqualTo("DONE");
    assertThat(result.path("snapshotId").asText()).isEqualTo(NEW_SNAPSHOT);
    assertThat(result.path("snapshotCreatedAt").asText()).isEqualTo("2026-03-02T02:00:00Z");
    assertThat(result.path("restoreJobId").asText()).isEqualTo(JOB);
    assertThat(result.path("restoreJobAdopted").asBoolean()).isFalse();
    assertThat(result.path("restoreFinishedAt").asText()).isEqualTo("2026-03-02T03:00:00Z");
    assertThat(result.path("restoreSeconds").isNumber()).isTrue();
    assertThat(result.path("target").asText()).isEqualTo(TARGET_PROJECT + "/" + TARGET_CLUSTER);
    assertThat(result.path("stepSeconds").has("wait")).isTrue();
    wm.verify(
        exactly(1),
        postRequestedFor(urlEqualTo(RESTORE_JOBS))
            .withHeader("Accept", equalTo(MEDIA))
            .withHeader("Content-Type", equalTo(MEDIA))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(
                equalToJson(
                    "{\"deliveryType\":\"automated\",\"snapshotId\":\""
                        + NEW_SNAPSHOT
                        + "\",\"targetClusterName\":\""
                        + TARGET_CLUSTER
                        + "\",\"targetGroupId\":\""
                        + TARGET_PROJECT
                        + "\"}")));
    // The token is fetched once with the client credentials, and is reused.
    wm.verify(
        exactly(1),
        postRequestedFor(urlEqualTo("/api/oauth/token"))
            .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
            .withHeader(
                "Authorization",
                equalTo(
                    "Basic "
                        + java.util.Base64.getEncoder()
                            .encodeToString(
                                (FakeAtlas.CLIENT_ID + ":" + CLIENT_SECRET).getBytes())))
            .withRequestBody(equalTo("grant_type=client_credentials")));
    wm.verify(exactly(0), deleteRequestedFor(anyUrl()));
    assertThat(run.out() + run.err()).doesNotContain(CLIENT_SECRET).doesNotContain(TOKEN);
  }

  /** The EMF lines the run ends with (docs/metrics.md), as CloudWatch Logs gets them. */
  @Test
  void run_endsWithItsMetrics_refreshedAndTheSnapshotsAge() {
    atlas.standard();
    Instant before = Instant.now();

    Run run = run(Map.of("DBRESTORE_TARGET", "develop"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    Emf emf = run.emf();
    assertThat(emf.dimension("Job")).isEqualTo("atlas-restore");
    assertThat(emf.dimension("Target")).isEqualTo("develop");
    assertThat(emf.value("Succeeded")).isEqualTo(1);
    assertThat(emf.value("ExitCode")).isZero();
    assertThat(emf.value("Refreshed")).isEqualTo(1);
    // The newest completed snapshot was taken at 2026-03-02T02:00:00Z.
    long age = Duration.between(Instant.parse("2026-03-02T02:00:00Z"), before).toSeconds();
    assertThat(emf.value("SnapshotAgeSeconds")).isBetween((double) age, age + 60.0);
    assertThat(emf.declared()).doesNotContain("MaskedItems", "SnapshotPublished");
    assertThat(emf.steps()).containsKeys("snapshot", "guard", "restore", "wait");
  }

  @Test
  void refused_endsWithSucceeded0AndExitCode3_andNoRefreshed() {
    Run run =
        run(
            Map.of("DBRESTORE_TARGET", "develop"),
            "--protected-project",
            TARGET_PROJECT.toUpperCase());

    assertThat(run.exitCode()).isEqualTo(3);
    Emf emf = run.emf();
    assertThat(emf.dimension("Target")).isEqualTo("develop");
    assertThat(emf.value("Succeeded")).isZero();
    assertThat(emf.value("ExitCode")).isEqualTo(3);
    assertThat(emf.has("Refreshed")).isFalse();
  }

  @Test
  void run_withSnapshotId_restoresThatSnapshot() throws Exception {
    atlas.standard().completedSnapshot(OLD_SNAPSHOT, "2026-03-01T02:00:00Z");

    Run run = run("--snapshot-id", OLD_SNAPSHOT);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(result(run).path("snapshotId").asText()).isEqualTo(OLD_SNAPSHOT);
    wm.verify(
        postRequestedFor(urlEqualTo(RESTORE_JOBS))
            .withRequestBody(WireMock.matchingJsonPath("$.snapshotId", equalTo(OLD_SNAPSHOT))));
  }

  @Test
  void rateLimited_waitsForRetryAfterAndSendsAgain() throws Exception {
    atlas.standard();
    wm.stubFor(
        atlas
            .api(get(urlPathEqualTo(BACKUP + "/snapshots")))
            .inScenario("throttle")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "1")
                    .withBody(
                        "{\"error\":429,\"errorCode\":\"RATE_LIMITED\",\"detail\":\"slow down\"}"))
            .willSetStateTo("calm"));
    wm.stubFor(
        atlas
            .api(get(urlPathEqualTo(BACKUP + "/snapshots")))
            .inScenario("throttle")
            .whenScenarioStateIs("calm")
            .willReturn(
                okJson(
                    FakeAtlas.page(
                        FakeAtlas.snapshot(NEW_SNAPSHOT, "2026-03-02T02:00:00Z", "completed")))));

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    wm.verify(exactly(2), getRequestedFor(urlPathEqualTo(BACKUP + "/snapshots")));
    assertThat(logs.text()).contains("rate-limited (429); sending again in 1s");
  }

  @Test
  void serverErrors_onReads_areRetried() throws Exception {
    atlas.standard();
    atlas.jobAnswers(
        JOB,
        List.of(
            aResponse().withStatus(503).withBody("<html>busy</html>"),
            aResponse().withStatus(500).withBody("{\"error\":500,\"errorCode\":\"UNEXPECTED\"}"),
            okJson(job(JOB, NEW_SNAPSHOT, "2026-03-02T03:00:00Z"))));

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    wm.verify(exactly(3), getRequestedFor(urlEqualTo(RESTORE_JOBS + "/" + JOB)));
  }

  @Test
  void lostAnswerToTheCreate_adoptsTheJobAtlasMadeInsteadOfStartingAnother() throws Exception {
    atlas.standard();
    wm.stubFor(atlas.api(post(urlEqualTo(RESTORE_JOBS))).willReturn(aResponse().withStatus(502)));
    atlas.restoreJobsInTurn(FakeAtlas.page(), FakeAtlas.page(job(JOB, NEW_SNAPSHOT, null)));

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(result(run).path("restoreJobId").asText()).isEqualTo(JOB);
    wm.verify(exactly(1), postRequestedFor(urlEqualTo(RESTORE_JOBS)));
  }

  @Test
  void failedJob_exits1WithAtlasVerdict() {
    atlas.standard();
    atlas.jobProgress(
        JOB, job(JOB, NEW_SNAPSHOT, null), job(JOB, NEW_SNAPSHOT, null, ",\"failed\":true"));

    Run run = run();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()[run.errLines().length - 1])
        .isEqualTo(
            "atlas-restore: Atlas restore job "
                + JOB
                + " of snapshot "
                + NEW_SNAPSHOT
                + " into "
                + TARGET_PROJECT
                + "/"
                + TARGET_CLUSTER
                + " failed; Atlas gives no reason through its API: see the project's Activity"
                + " Feed, then re-run");
  }

  @Test
  void expiredJob_exits1SayingWhen() {
    atlas.standard();
    atlas.jobProgress(JOB, job(JOB, NEW_SNAPSHOT, null, ",\"expired\":true"));

    Run run = run();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("expired at 2026-03-05T02:00:00Z before it finished; re-run to restore again");
    wm.verify(exactly(0), deleteRequestedFor(anyUrl()));
  }

  @Test
  void overallTimeout_exits4AndLeavesTheRestoreRunningForARerun() {
    atlas.standard();
    atlas.jobProgress(JOB, job(JOB, NEW_SNAPSHOT, null));

    Run run = run("--timeout", "2s");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
    assertThat(logs.text()).contains("left Atlas restore job " + JOB + " running");
    wm.verify(exactly(0), deleteRequestedFor(anyUrl()));
  }

  @Test
  void executionStopped_cancelsTheAtlasRestoreJobAndExits6() {
    atlas.standard();
    atlas.jobProgress(JOB, job(JOB, NEW_SNAPSHOT, null));
    stopExecutionOnceTheRestoreStarted();

    Run run = run(taskEnv());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(6);
    assertThat(logs.text()).contains("cancelled Atlas restore job " + JOB);
    wm.verify(
        exactly(1),
        deleteRequestedFor(urlEqualTo(RESTORE_JOBS + "/" + JOB))
            .withHeader("Accept", equalTo(MEDIA))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void executionStopped_withOnStopLeave_leavesTheJobRunning() {
    atlas.standard();
    atlas.jobProgress(JOB, job(JOB, NEW_SNAPSHOT, null));
    stopExecutionOnceTheRestoreStarted();

    Run run = run(taskEnv(), "--on-stop", "leave");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(6);
    assertThat(logs.text()).contains("left Atlas restore job " + JOB + " running");
    wm.verify(exactly(0), deleteRequestedFor(anyUrl()));
  }

  private static Map<String, String> taskEnv() {
    return Map.of("DBRESTORE_TASK_TOKEN", "token-abc", "DBRESTORE_HEARTBEAT_SECONDS", "1");
  }

  /**
   * The first heartbeat after Atlas accepted the restore job is answered "task timed out". Tied to
   * the POST rather than to the second heartbeat, which on a busy machine can come before the run
   * got that far (and then there is no restore job to cancel or leave).
   */
  private void stopExecutionOnceTheRestoreStarted() {
    wm.stubFor(
        atlas
            .api(post(urlEqualTo(RESTORE_JOBS)))
            .inScenario("stop")
            .willReturn(okJson(job(JOB, NEW_SNAPSHOT, null)))
            .willSetStateTo("stopped"));
    wm.stubFor(
        AwsStubs.sfn("SendTaskHeartbeat")
            .inScenario("stop")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(AwsStubs.json(200, "{}")));
    wm.stubFor(
        AwsStubs.sfn("SendTaskHeartbeat")
            .inScenario("stop")
            .whenScenarioStateIs("stopped")
            .willReturn(
                AwsStubs.json(
                    400, "{\"__type\":\"TaskTimedOut\",\"message\":\"Task Timed Out\"}")));
    wm.stubFor(AwsStubs.sfn("SendTaskFailure").willReturn(AwsStubs.json(200, "{}")));
  }

  @Test
  void rerun_adoptsTheRunningRestoreOfTheSameSnapshot() throws Exception {
    atlas.standard();
    atlas.restoreJobs(
        job("66aa00000000000000000000", OLD_SNAPSHOT, "2026-03-01T03:00:00Z"),
        job(JOB, NEW_SNAPSHOT, null));

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = result(run);
    assertThat(result.path("restoreJobId").asText()).isEqualTo(JOB);
    assertThat(result.path("restoreJobAdopted").asBoolean()).isTrue();
    verifyNoRestoreStarted();
  }

  @Test
  void rerun_afterANewerSnapshotAppeared_convergesOnTheRunningRestore() throws Exception {
    atlas.standard();
    atlas.restoreJobs(job(JOB, RUNNING_SNAPSHOT, null));
    atlas.completedSnapshot(RUNNING_SNAPSHOT, "2026-03-01T14:00:00Z");

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(result(run).path("snapshotId").asText()).isEqualTo(RUNNING_SNAPSHOT);
    verifyNoRestoreStarted();
  }

  @Test
  void explicitSnapshot_whileAnotherRestoreRunsIntoTheTarget_isRefused() {
    atlas.standard();
    atlas.restoreJobs(job(JOB, RUNNING_SNAPSHOT, null));
    atlas.completedSnapshot(OLD_SNAPSHOT, "2026-03-01T02:00:00Z");

    Run run = run("--snapshot-id", OLD_SNAPSHOT);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("is already restoring snapshot " + RUNNING_SNAPSHOT);
    verifyNoRestoreStarted();
  }

  @Test
  void targetEqualToSource_isRefusedBeforeAnyRequest() {
    Run run =
        Run.of(
            AtlasRestore.entryPoint(),
            Map.of(),
            "run",
            "--source-project",
            SOURCE_PROJECT,
            "--source-cluster",
            SOURCE_CLUSTER,
            "--target-project",
            SOURCE_PROJECT,
            "--target-cluster",
            SOURCE_CLUSTER,
            "--credentials-secret",
            FakeAtlas.SECRET_ARN,
            "--atlas-base-url",
            wm.baseUrl(),
            "--target-allowlist",
            ".*");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.errLines()[run.errLines().length - 1]).contains("it is the source cluster");
    wm.verify(exactly(0), anyRequestedFor(anyUrl()));
  }

  @Test
  void protectedTargetProject_isRefusedBeforeAnyRequest() {
    Run run = run("--protected-project", TARGET_PROJECT.toUpperCase());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("project " + TARGET_PROJECT + " is protected");
    wm.verify(exactly(0), anyRequestedFor(anyUrl()));
  }

  @Test
  void targetOffTheAllowlist_isRefusedBeforeAnyRequest() {
    Run run = run("--target-allowlist", ".*/edge-.*");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err())
        .contains(
            "'"
                + TARGET_PROJECT
                + "/"
                + TARGET_CLUSTER
                + "' does not match the target allowlist '.*/edge-.*'");
    wm.verify(exactly(0), anyRequestedFor(anyUrl()));
  }

  @Test
  void noAllowlist_isRefused() {
    List<String> args = atlas.argsWithout("--target-allowlist");

    Run run = Run.of(AtlasRestore.entryPoint(), Map.of(), args.toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("no target allowlist is configured");
    wm.verify(exactly(0), anyRequestedFor(anyUrl()));
  }

  @Test
  void targetWithoutTheManagedTag_isRefusedWithoutAMutatingRequest() {
    atlas.standard();
    atlas.target("[{\"key\":\"environment\",\"value\":\"development\"}]", "IDLE");

    Run run = run();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("does not carry the Atlas tag dbrestore-managed=true");
    verifyNoRestoreStarted();
  }

  @Test
  void protectedAwsAccount_isRefusedByTheRuntimeGuardWithoutAMutatingRequest() {
    atlas.standard();

    Run run = run("--protected-account", "333344445555:restore-over");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("account 333344445555 is protected for restore-over");
    verifyNoRestoreStarted();
  }

  @Test
  void dryRun_printsTheSnapshotAndTheRequest_andSendsNone() throws Exception {
    atlas.standard();

    Run run = run("--dry-run");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "[dry-run] snapshot "
                + NEW_SNAPSHOT
                + " of "
                + SOURCE_PROJECT
                + "/"
                + SOURCE_CLUSTER
                + ", taken 2026-03-02T02:00:00Z (the newest completed)")
        .contains("[dry-run] would send POST " + wm.baseUrl() + RESTORE_JOBS)
        .contains("[dry-run]   Accept: " + MEDIA)
        .contains("\"deliveryType\" : \"automated\"")
        .contains("\"targetGroupId\" : \"" + TARGET_PROJECT + "\"")
        .contains("would call atlas:createBackupRestoreJob to restore-over atlas cluster");
    assertThat(result(run).path("dryRun").asBoolean()).isTrue();
    verifyNoRestoreStarted();
  }

  @Test
  void secretOfAnotherShape_exits2NamingItsFieldsNotItsValues() {
    atlas.secret("{\"username\":\"someone\",\"password\":\"pw-1234567\"}");

    Run run = run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .contains("holds neither an Atlas service account")
        .contains("its fields: password, username")
        .doesNotContain("pw-1234567");
  }

  @Test
  void missingTargetCluster_exits2() {
    atlas.standard();
    wm.stubFor(
        atlas
            .api(get(urlEqualTo(TARGET)))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withBody(
                        "{\"detail\":\"No cluster named dev-docs exists in group x.\",\"error\":404,"
                            + "\"errorCode\":\"CLUSTER_NOT_FOUND\",\"reason\":\"Not Found\"}")));

    Run run = run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("target cluster " + TARGET_PROJECT + "/" + TARGET_CLUSTER + " not found")
        .contains("CLUSTER_NOT_FOUND: No cluster named dev-docs exists");
  }

  @Test
  void atlasRefusingTheCreate_exits1WithItsErrorCodeAndDetail() {
    atlas.standard();
    wm.stubFor(
        atlas
            .api(post(urlEqualTo(RESTORE_JOBS)))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"detail\":\"The target cluster is not compatible.\",\"error\":400,"
                            + "\"errorCode\":\"INVALID_RESTORE_TARGET\",\"reason\":\"Bad Request\"}")));

    Run run = run();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()[run.errLines().length - 1])
        .isEqualTo(
            "atlas-restore: Atlas API POST "
                + RESTORE_JOBS
                + " answered HTTP 400 INVALID_RESTORE_TARGET: The target cluster is not"
                + " compatible.; re-run with -v for details");
    wm.verify(exactly(1), postRequestedFor(urlEqualTo(RESTORE_JOBS)));
  }

  @Test
  void missingOption_exits2Naming() {
    Run run = Run.of(AtlasRestore.entryPoint(), Map.of(), "run", "--target-allowlist", ".*");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("missing --source-project (or DBRESTORE_SOURCE_PROJECT)");
    wm.verify(exactly(0), anyRequestedFor(anyUrl()));
  }

  @Test
  void optionsComeFromTheEnvironment() throws Exception {
    atlas.standard();
    List<String> args = atlas.argsWithout("--credentials-secret");

    Run run =
        Run.of(
            AtlasRestore.entryPoint(),
            Map.of("DBRESTORE_CREDENTIALS_SECRET", FakeAtlas.SECRET_ARN),
            args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isZero();
  }
}
