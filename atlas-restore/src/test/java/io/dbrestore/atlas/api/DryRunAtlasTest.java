package io.dbrestore.atlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.plan.DryRunPlan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dry-run overlay against a port that records what reaches it. */
class DryRunAtlasTest {
  private static final ClusterRef SOURCE = new ClusterRef("5f00000000000000000000a1", "prod-docs");
  private static final ClusterRef TARGET = new ClusterRef("6a00000000000000000000b2", "dev-docs");
  private static final Instant NOW = Instant.parse("2026-03-02T04:00:00Z");
  private static final Snapshot SNAPSHOT =
      new Snapshot("650000000000000000000002", Instant.parse("2026-03-02T02:00:00Z"), "completed");

  private final RecordingAtlas real = new RecordingAtlas();
  private final StringWriter out = new StringWriter();

  private DryRunAtlas overlay(boolean newest) {
    return new DryRunAtlas(
        real,
        URI.create("https://cloud.mongodb.com"),
        new DryRunPlan(new PrintWriter(out)),
        Clock.fixed(NOW, ZoneOffset.UTC),
        newest);
  }

  private static RestoreJob running(String id, String snapshotId) {
    return new RestoreJob(
        id,
        snapshotId,
        RestoreJob.AUTOMATED,
        TARGET.project(),
        TARGET.name(),
        null,
        false,
        false,
        false,
        null,
        null);
  }

  @Test
  void reads_goToAtlas() {
    DryRunAtlas atlas = overlay(true);

    atlas.snapshots(SOURCE);
    atlas.cluster(TARGET);
    atlas.restoreJobs(SOURCE);

    assertThat(real.calls)
        .containsExactly("snapshots " + SOURCE, "cluster " + TARGET, "restoreJobs " + SOURCE);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void createRestoreJob_printsTheRequest_andSendsNothing() {
    DryRunAtlas atlas = overlay(false);

    RestoreJob job = atlas.createRestoreJob(SOURCE, SNAPSHOT, TARGET);

    assertThat(real.calls).isEmpty();
    assertThat(job.running()).isTrue();
    assertThat(job.restores(TARGET)).isTrue();
    assertThat(out.toString().lines())
        .containsExactly(
            "[dry-run] snapshot 650000000000000000000002 of "
                + SOURCE
                + ", taken "
                + SNAPSHOT.createdAt(),
            "[dry-run] would call atlas:createBackupRestoreJob to restore-over atlas cluster "
                + TARGET,
            "[dry-run] would send POST https://cloud.mongodb.com/api/atlas/v2/groups/"
                + SOURCE.project()
                + "/clusters/prod-docs/backup/restoreJobs",
            "[dry-run]   Accept: application/vnd.atlas.2023-01-01+json",
            "[dry-run]   Content-Type: application/vnd.atlas.2023-01-01+json",
            "[dry-run]   {",
            "[dry-run]     \"deliveryType\" : \"automated\",",
            "[dry-run]     \"snapshotId\" : \"650000000000000000000002\",",
            "[dry-run]     \"targetClusterName\" : \"dev-docs\",",
            "[dry-run]     \"targetGroupId\" : \"6a00000000000000000000b2\"",
            "[dry-run]   }",
            "[dry-run] then would wait for it to finish and for "
                + TARGET
                + " to be IDLE; Atlas deletes the target's data first");
  }

  @Test
  void createdJob_hasFinishedWhenAskedFor_andTheTargetIsIdle_withoutAsking() {
    real.clusterState = "REPAIRING";
    DryRunAtlas atlas = overlay(true);
    atlas.cluster(TARGET);
    RestoreJob job = atlas.createRestoreJob(SOURCE, SNAPSHOT, TARGET);
    real.calls.clear();

    RestoreJob polled = atlas.restoreJob(SOURCE, job.id());
    Cluster target = atlas.cluster(TARGET);

    assertThat(polled.finished()).isTrue();
    assertThat(polled.finishedAt()).isEqualTo(NOW);
    assertThat(target.stateName()).isEqualTo("IDLE");
    assertThat(target.tags()).isEqualTo(real.tags);
    assertThat(atlas.restoreJobs(SOURCE)).extracting(RestoreJob::id).contains(job.id());
    assertThat(real.calls).containsExactly("restoreJobs " + SOURCE);
    assertThat(out.toString()).doesNotContain("would adopt");
  }

  @Test
  void runningJobTheRunWaitsFor_isPrintedAsAdopted_andHasFinished() {
    real.jobs.add(running("66aa00000000000000000001", SNAPSHOT.id()));
    real.snapshots.add(SNAPSHOT);
    DryRunAtlas atlas = overlay(true);
    atlas.snapshots(SOURCE);
    atlas.restoreJobs(SOURCE);
    real.calls.clear();

    RestoreJob polled = atlas.restoreJob(SOURCE, "66aa00000000000000000001");

    assertThat(polled.finished()).isTrue();
    assertThat(real.calls).isEmpty();
    assertThat(out.toString().lines())
        .containsExactly(
            "[dry-run] snapshot 650000000000000000000002 of "
                + SOURCE
                + ", taken 2026-03-02T02:00:00Z (the newest completed)",
            "[dry-run] restore job 66aa00000000000000000001 is already restoring it into "
                + TARGET
                + ": would adopt it and wait, sending no request that changes anything");
  }

  @Test
  void cancelRestoreJob_isPrinted_andNotSent() {
    DryRunAtlas atlas = overlay(true);

    atlas.cancelRestoreJob(SOURCE, "dry-run", Duration.ofSeconds(5));

    assertThat(real.calls).isEmpty();
    assertThat(out.toString())
        .isEqualTo(
            "[dry-run] would call atlas:cancelBackupRestoreJob to cancel restore job dry-run"
                + System.lineSeparator());
  }

  /** Answers reads from lists; fails on anything that changes something. */
  private static final class RecordingAtlas implements AtlasPort {
    final List<String> calls = new ArrayList<>();
    final List<Snapshot> snapshots = new ArrayList<>();
    final List<RestoreJob> jobs = new ArrayList<>();
    final Map<String, String> tags = Map.of("dbrestore-managed", "true");
    String clusterState = "IDLE";

    @Override
    public List<Snapshot> snapshots(ClusterRef cluster) {
      calls.add("snapshots " + cluster);
      return new ArrayList<>(snapshots);
    }

    @Override
    public Snapshot snapshot(ClusterRef cluster, String snapshotId) {
      calls.add("snapshot " + snapshotId);
      return snapshots.stream().filter(s -> s.id().equals(snapshotId)).findFirst().orElseThrow();
    }

    @Override
    public Cluster cluster(ClusterRef cluster) {
      calls.add("cluster " + cluster);
      return new Cluster(cluster.name(), clusterState, tags);
    }

    @Override
    public List<RestoreJob> restoreJobs(ClusterRef source) {
      calls.add("restoreJobs " + source);
      return new ArrayList<>(jobs);
    }

    @Override
    public RestoreJob restoreJob(ClusterRef source, String restoreJobId) {
      calls.add("restoreJob " + restoreJobId);
      return jobs.stream().filter(j -> j.id().equals(restoreJobId)).findFirst().orElseThrow();
    }

    @Override
    public RestoreJob createRestoreJob(ClusterRef source, Snapshot snapshot, ClusterRef target) {
      throw new AssertionError("a dry run created a restore job");
    }

    @Override
    public void cancelRestoreJob(ClusterRef source, String restoreJobId, Duration timeout) {
      throw new AssertionError("a dry run cancelled a restore job");
    }
  }
}
