package io.dbrestore.atlas;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.dbrestore.atlas.FakeAtlas.JOB;
import static io.dbrestore.atlas.FakeAtlas.NEW_SNAPSHOT;
import static io.dbrestore.atlas.FakeAtlas.OLD_SNAPSHOT;
import static io.dbrestore.atlas.FakeAtlas.RESTORE_JOBS;
import static io.dbrestore.atlas.FakeAtlas.RUNNING_SNAPSHOT;
import static io.dbrestore.atlas.FakeAtlas.SOURCE_CLUSTER;
import static io.dbrestore.atlas.FakeAtlas.SOURCE_PROJECT;
import static io.dbrestore.atlas.FakeAtlas.TARGET;
import static io.dbrestore.atlas.FakeAtlas.TARGET_CLUSTER;
import static io.dbrestore.atlas.FakeAtlas.TARGET_PROJECT;
import static io.dbrestore.atlas.FakeAtlas.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.testing.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code atlas-restore run} sends and prints, pinned whole: every request WireMock served (to
 * Atlas and to AWS, heartbeats left out) in order, the result JSON that Step Functions gets (its
 * keys in order, times as 0), and a dry run's plan line by line.
 */
class CommandOutputTest {
  @RegisterExtension static AwsWireMock wm = new AwsWireMock();

  private static final String SOURCE =
      "/api/atlas/v2/groups/" + SOURCE_PROJECT + "/clusters/" + SOURCE_CLUSTER;
  private static final String SOURCE_NAME = SOURCE_PROJECT + "/" + SOURCE_CLUSTER;
  private static final String TARGET_NAME = TARGET_PROJECT + "/" + TARGET_CLUSTER;
  private static final String PAGE = "?pageNum=1&itemsPerPage=100&includeCount=true";
  private static final List<String> TIMES =
      List.of("durationSeconds", "restoreSeconds", "credentials", "snapshot", "guard", "restore");

  private final FakeAtlas atlas = new FakeAtlas(wm);

  @AfterEach
  void forgetSecrets() {
    Redactor.clearSecrets();
  }

  private Run run(String... extra) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () ->
            Run.of(AtlasRestore.entryPoint(), Map.of(), atlas.args(extra).toArray(String[]::new)));
  }

  /** The requests WireMock served, oldest first: {@code GET {source}/backup/…}, AWS by action. */
  private static List<String> requests() {
    List<ServeEvent> events = new ArrayList<>(wm.getAllServeEvents());
    Collections.reverse(events);
    List<String> requests = new ArrayList<>();
    for (ServeEvent e : events) {
      LoggedRequest r = e.getRequest();
      String amzTarget = r.getHeader("X-Amz-Target");
      if (amzTarget != null) {
        if (!amzTarget.startsWith("AWSStepFunctions")) {
          requests.add("aws " + amzTarget);
        }
      } else if (r.getBodyAsString().contains("Action=GetCallerIdentity")) {
        requests.add("aws sts.GetCallerIdentity");
      } else {
        requests.add(
            r.getMethod().getName()
                + " "
                + r.getUrl().replace(SOURCE, "{source}").replace(TARGET, "{target}"));
      }
    }
    return requests;
  }

  /** The result as {@code key=value} lines in its order, times as 0. */
  private static List<String> result(Run run) throws Exception {
    List<String> lines = Arrays.asList(run.out().strip().split("\\R"));
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    List<String> fields = new ArrayList<>();
    flatten("", json, fields);
    return fields;
  }

  private static void flatten(String prefix, JsonNode node, List<String> into) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isObject()) {
        flatten(prefix + f.getKey() + ".", f.getValue(), into);
      } else {
        boolean time = TIMES.contains(f.getKey()) || prefix.equals("stepSeconds.");
        into.add(
            prefix
                + f.getKey()
                + "="
                + (time && f.getValue().isNumber() ? "0" : f.getValue().toString()));
      }
    }
  }

  private static List<String> planLines(Run run) {
    return run.out().lines().filter(l -> l.startsWith("[dry-run]")).toList();
  }

  @Test
  void run_sendsTheseRequests_andPrintsThisResult() throws Exception {
    atlas.standard();

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots" + PAGE,
            "GET {target}",
            "GET {source}/backup/restoreJobs" + PAGE,
            "aws sts.GetCallerIdentity",
            "GET {target}",
            "POST {source}/backup/restoreJobs",
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {target}");
    assertThat(result(run))
        .containsExactly(
            "job=\"atlas-restore\"",
            "status=\"DONE\"",
            "dryRun=false",
            "durationSeconds=0",
            "stepSeconds.credentials=0",
            "stepSeconds.snapshot=0",
            "stepSeconds.guard=0",
            "stepSeconds.restore=0",
            "stepSeconds.wait=0",
            "source=\"" + SOURCE_NAME + "\"",
            "target=\"" + TARGET_NAME + "\"",
            "snapshotId=\"" + NEW_SNAPSHOT + "\"",
            "snapshotCreatedAt=\"2026-03-02T02:00:00Z\"",
            "restoreJobId=\"" + JOB + "\"",
            "restoreJobAdopted=false",
            "restoreFinishedAt=\"2026-03-02T03:00:00Z\"",
            "restoreSeconds=0");
    assertThat(planLines(run)).isEmpty();
  }

  @Test
  void run_withSnapshotId_readsThatSnapshotOnly() {
    atlas.standard().completedSnapshot(OLD_SNAPSHOT, "2026-03-01T02:00:00Z");

    Run run = run("--snapshot-id", OLD_SNAPSHOT);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots/" + OLD_SNAPSHOT,
            "GET {target}",
            "GET {source}/backup/restoreJobs" + PAGE,
            "aws sts.GetCallerIdentity",
            "GET {target}",
            "POST {source}/backup/restoreJobs",
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {target}");
  }

  @Test
  void rerun_adoptingTheSameSnapshot_sendsTheseRequests_andPrintsThisResult() throws Exception {
    atlas.standard();
    atlas.restoreJobs(job(JOB, NEW_SNAPSHOT, null));

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots" + PAGE,
            "GET {target}",
            "GET {source}/backup/restoreJobs" + PAGE,
            "aws sts.GetCallerIdentity",
            "GET {target}",
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {target}");
    assertThat(result(run))
        .containsExactly(
            "job=\"atlas-restore\"",
            "status=\"DONE\"",
            "dryRun=false",
            "durationSeconds=0",
            "stepSeconds.credentials=0",
            "stepSeconds.snapshot=0",
            "stepSeconds.guard=0",
            "stepSeconds.restore=0",
            "stepSeconds.wait=0",
            "source=\"" + SOURCE_NAME + "\"",
            "target=\"" + TARGET_NAME + "\"",
            "snapshotId=\"" + NEW_SNAPSHOT + "\"",
            "snapshotCreatedAt=\"2026-03-02T02:00:00Z\"",
            "restoreJobId=\"" + JOB + "\"",
            "restoreJobAdopted=true",
            "restoreFinishedAt=\"2026-03-02T03:00:00Z\"",
            "restoreSeconds=0");
  }

  @Test
  void rerun_convergingOnAnotherRunningSnapshot_readsThatSnapshot() throws Exception {
    atlas.standard();
    atlas.restoreJobs(job(JOB, RUNNING_SNAPSHOT, null));
    atlas.jobProgress(JOB, job(JOB, RUNNING_SNAPSHOT, "2026-03-02T03:00:00Z"));
    atlas.completedSnapshot(RUNNING_SNAPSHOT, "2026-03-01T14:00:00Z");

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots" + PAGE,
            "GET {target}",
            "GET {source}/backup/restoreJobs" + PAGE,
            "GET {source}/backup/snapshots/" + RUNNING_SNAPSHOT,
            "aws sts.GetCallerIdentity",
            "GET {target}",
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {target}");
    assertThat(result(run))
        .contains(
            "snapshotId=\"" + RUNNING_SNAPSHOT + "\"",
            "snapshotCreatedAt=\"2026-03-01T14:00:00Z\"",
            "restoreJobAdopted=true");
  }

  @Test
  void lostAnswerToTheCreate_listsAgainBeforeTryingAgain() {
    atlas.standard();
    wm.stubFor(atlas.api(post(urlEqualTo(RESTORE_JOBS))).willReturn(aResponse().withStatus(502)));
    atlas.restoreJobsInTurn(
        FakeAtlas.page(), FakeAtlas.page(), FakeAtlas.page(job(JOB, NEW_SNAPSHOT, null)));

    Run run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots" + PAGE,
            "GET {target}",
            "GET {source}/backup/restoreJobs" + PAGE,
            "aws sts.GetCallerIdentity",
            "GET {target}",
            "POST {source}/backup/restoreJobs",
            "GET {source}/backup/restoreJobs" + PAGE,
            "POST {source}/backup/restoreJobs",
            "GET {source}/backup/restoreJobs" + PAGE,
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {source}/backup/restoreJobs/" + JOB,
            "GET {target}");
  }

  @Test
  void dryRun_readsOnly_printsThisPlan_andThisResult() throws Exception {
    atlas.standard();

    Run run = run("--dry-run");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots" + PAGE,
            "GET {target}",
            "GET {source}/backup/restoreJobs" + PAGE,
            "aws sts.GetCallerIdentity",
            "GET {target}");
    assertThat(planLines(run))
        .containsExactly(
            "[dry-run] snapshot "
                + NEW_SNAPSHOT
                + " of "
                + SOURCE_NAME
                + ", taken 2026-03-02T02:00:00Z (the newest completed)",
            "[dry-run] would call atlas:createBackupRestoreJob to restore-over atlas cluster "
                + TARGET_NAME,
            "[dry-run] would send POST " + wm.baseUrl() + RESTORE_JOBS,
            "[dry-run]   Accept: " + FakeAtlas.MEDIA,
            "[dry-run]   Content-Type: " + FakeAtlas.MEDIA,
            "[dry-run]   {",
            "[dry-run]     \"deliveryType\" : \"automated\",",
            "[dry-run]     \"snapshotId\" : \"" + NEW_SNAPSHOT + "\",",
            "[dry-run]     \"targetClusterName\" : \"" + TARGET_CLUSTER + "\",",
            "[dry-run]     \"targetGroupId\" : \"" + TARGET_PROJECT + "\"",
            "[dry-run]   }",
            "[dry-run] then would wait for it to finish and for "
                + TARGET_NAME
                + " to be IDLE; Atlas deletes the target's data first");
    assertThat(result(run))
        .containsExactly(
            "job=\"atlas-restore\"",
            "status=\"DONE\"",
            "dryRun=true",
            "durationSeconds=0",
            "stepSeconds.credentials=0",
            "stepSeconds.snapshot=0",
            "stepSeconds.guard=0",
            "stepSeconds.restore=0",
            "stepSeconds.wait=0",
            "source=\"" + SOURCE_NAME + "\"",
            "target=\"" + TARGET_NAME + "\"",
            "snapshotId=\"" + NEW_SNAPSHOT + "\"",
            "snapshotCreatedAt=\"2026-03-02T02:00:00Z\"",
            "restoreJobId=null",
            "restoreJobAdopted=false",
            "restoreFinishedAt=null",
            "restoreSeconds=null");
  }

  @Test
  void dryRun_ofARerun_printsTheJobItWouldAdopt() throws Exception {
    atlas.standard();
    atlas.restoreJobs(job(JOB, NEW_SNAPSHOT, null));

    Run run = run("--dry-run");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots" + PAGE,
            "GET {target}",
            "GET {source}/backup/restoreJobs" + PAGE,
            "aws sts.GetCallerIdentity",
            "GET {target}");
    assertThat(planLines(run))
        .containsExactly(
            "[dry-run] snapshot "
                + NEW_SNAPSHOT
                + " of "
                + SOURCE_NAME
                + ", taken 2026-03-02T02:00:00Z (the newest completed)",
            "[dry-run] restore job "
                + JOB
                + " is already restoring it into "
                + TARGET_NAME
                + ": would adopt it and wait, sending no request that changes anything");
    assertThat(result(run))
        .containsExactly(
            "job=\"atlas-restore\"",
            "status=\"DONE\"",
            "dryRun=true",
            "durationSeconds=0",
            "stepSeconds.credentials=0",
            "stepSeconds.snapshot=0",
            "stepSeconds.guard=0",
            "stepSeconds.restore=0",
            "stepSeconds.wait=0",
            "source=\"" + SOURCE_NAME + "\"",
            "target=\"" + TARGET_NAME + "\"",
            "snapshotId=\"" + NEW_SNAPSHOT + "\"",
            "snapshotCreatedAt=\"2026-03-02T02:00:00Z\"",
            "restoreJobId=\"" + JOB + "\"",
            "restoreJobAdopted=true",
            "restoreFinishedAt=null",
            "restoreSeconds=null");
  }

  @Test
  void unmanagedTarget_isRefusedAfterReadingIt() {
    atlas.standard();
    atlas.target("[]", "IDLE");

    Run run = run();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(requests())
        .containsExactly(
            "aws secretsmanager.GetSecretValue",
            "POST /api/oauth/token",
            "GET {source}/backup/snapshots" + PAGE,
            "GET {target}");
  }

  /** A run into the source cluster itself, without an allowlist, then {@code extra}. */
  private Run runIntoTheSource(String... extra) {
    List<String> args =
        atlas.argsWithout(
            "--target-allowlist",
            "--target-project",
            SOURCE_PROJECT,
            "--target-cluster",
            SOURCE_CLUSTER);
    args.addAll(List.of(extra));
    return Run.of(AtlasRestore.entryPoint(), Map.of(), args.toArray(String[]::new));
  }

  @Test
  void refusalsWithoutAsking_comeInThisOrder_beforeAnyRequest() {
    // Each run breaks the rule it is named after and every rule after it; the first one wins.
    try (Logs failures = new Logs("io.dbrestore.runtime.JobMain")) {
      Run noAllowlist = runIntoTheSource("--protected-project", SOURCE_PROJECT);
      Run targetIsSource =
          runIntoTheSource("--protected-project", SOURCE_PROJECT, "--target-allowlist", "x");
      Run protectedProject = run("--protected-project", TARGET_PROJECT, "--target-allowlist", "x");
      Run notAllowlisted = run("--target-allowlist", "x");

      assertThat(List.of(noAllowlist, targetIsSource, protectedProject, notAllowlisted))
          .extracting(Run::exitCode)
          .containsOnly(3);
      assertThat(failures.lines())
          .filteredOn(l -> l.startsWith("atlas-restore failed: "))
          .extracting(l -> l.replaceAll("^atlas-restore failed: REFUSED \\(([a-z-]+)\\).*", "$1"))
          .containsExactly(
              "no-allowlist", "target-is-source", "protected-project", "not-allowlisted");
    }
    assertThat(requests()).isEmpty();
  }
}
