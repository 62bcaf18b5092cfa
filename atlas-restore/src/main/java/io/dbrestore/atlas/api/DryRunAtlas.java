package io.dbrestore.atlas.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.plan.DryRunPlan;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dry run's Atlas: reads go to Atlas; creating a restore job is printed to the plan (the chosen
 * snapshot, then the request as {@link HttpAtlas} would send it: URL, media types, body) and
 * simulated, and so is cancelling one. So that the workflow runs to its end without waiting hours
 * for Atlas, a restore job the run waits for has finished at once — one this overlay created, or a
 * running one the run adopts, which is printed then — and the cluster it restored into is at once
 * IDLE, as last read. Nothing is changed in Atlas.
 */
public final class DryRunAtlas implements AtlasPort {
  /** The id of the restore job this overlay creates, the one it did not read from Atlas. */
  private static final String SIMULATED_ID = "dry-run";

  private final AtlasPort real;
  private final URI base;
  private final DryRunPlan plan;
  private final Clock clock;
  private final boolean newestSnapshot;
  private final Map<String, Snapshot> snapshots = new HashMap<>();
  private final Map<String, RestoreJob> jobs = new LinkedHashMap<>();
  private final Map<ClusterRef, Cluster> clusters = new HashMap<>();
  private final Set<ClusterRef> restored = new HashSet<>();

  /**
   * @param base where {@code real} sends its requests, for the plan
   * @param newestSnapshot whether the run restores the newest completed snapshot (no {@code
   *     --snapshot-id}), which the plan says
   */
  public DryRunAtlas(
      AtlasPort real, URI base, DryRunPlan plan, Clock clock, boolean newestSnapshot) {
    this.real = real;
    this.base = base;
    this.plan = plan;
    this.clock = clock;
    this.newestSnapshot = newestSnapshot;
  }

  @Override
  public List<Snapshot> snapshots(ClusterRef cluster) {
    List<Snapshot> all = real.snapshots(cluster);
    all.forEach(s -> snapshots.put(s.id(), s));
    return all;
  }

  @Override
  public Snapshot snapshot(ClusterRef cluster, String snapshotId) {
    Snapshot s = real.snapshot(cluster, snapshotId);
    snapshots.put(s.id(), s);
    return s;
  }

  @Override
  public Cluster cluster(ClusterRef cluster) {
    if (restored.contains(cluster)) {
      Cluster last = clusters.containsKey(cluster) ? clusters.get(cluster) : real.cluster(cluster);
      return last.withStateName("IDLE");
    }
    Cluster c = real.cluster(cluster);
    clusters.put(cluster, c);
    return c;
  }

  @Override
  public List<RestoreJob> restoreJobs(ClusterRef source) {
    List<RestoreJob> all = new ArrayList<>(real.restoreJobs(source));
    all.forEach(j -> jobs.putIfAbsent(j.id(), j));
    RestoreJob created = jobs.get(SIMULATED_ID);
    if (created != null) {
      all.add(created);
    }
    return all;
  }

  /** The job, finished now; a real one the run waits for is the one it adopts. */
  @Override
  public RestoreJob restoreJob(ClusterRef source, String restoreJobId) {
    RestoreJob job = jobs.get(restoreJobId);
    if (job == null) {
      job = real.restoreJob(source, restoreJobId);
    }
    if (job.running()) {
      if (!SIMULATED_ID.equals(job.id())) {
        printSnapshot(source, job.snapshotId());
        plan.line(
            DryRunPlan.PREFIX
                + "restore job "
                + job.id()
                + " is already restoring it into "
                + job.target()
                + ": would adopt it and wait, sending no request that changes anything");
      }
      job = job.withFinishedAt(clock.instant());
      jobs.put(job.id(), job);
      restored.add(job.target());
    }
    return job;
  }

  @Override
  public RestoreJob createRestoreJob(ClusterRef source, Snapshot snapshot, ClusterRef target) {
    snapshots.putIfAbsent(snapshot.id(), snapshot);
    printSnapshot(source, snapshot.id());
    plan.call(CREATE_RESTORE_JOB, Operation.RESTORE_OVER.cliName() + " " + CLUSTER + " " + target);
    AtlasTransport.Request request = HttpAtlas.createRequest(source, snapshot.id(), target);
    plan.step("send " + request.method() + " " + base + request.path());
    plan.line(DryRunPlan.PREFIX + "  Accept: " + request.mediaType());
    plan.line(DryRunPlan.PREFIX + "  Content-Type: " + request.mediaType());
    for (String line : pretty(request.body()).split("\\R")) {
      plan.line(DryRunPlan.PREFIX + "  " + line);
    }
    plan.line(
        DryRunPlan.PREFIX
            + "then would wait for it to finish and for "
            + target
            + " to be IDLE; Atlas deletes the target's data first");
    RestoreJob job =
        new RestoreJob(
            SIMULATED_ID,
            snapshot.id(),
            RestoreJob.AUTOMATED,
            target.project(),
            target.name(),
            null,
            false,
            false,
            false,
            null,
            clock.instant());
    jobs.put(job.id(), job);
    return job;
  }

  @Override
  public void cancelRestoreJob(ClusterRef source, String restoreJobId, Duration timeout) {
    plan.call("atlas:cancelBackupRestoreJob", "cancel restore job " + restoreJobId);
  }

  /** The snapshot the restore uses, as the plan's first line: its id, source and age. */
  private void printSnapshot(ClusterRef source, String snapshotId) {
    Snapshot s = snapshots.get(snapshotId);
    plan.line(
        DryRunPlan.PREFIX
            + "snapshot "
            + snapshotId
            + " of "
            + source
            + (s == null || s.createdAt() == null ? "" : ", taken " + s.createdAt())
            + (newestSnapshot ? " (the newest completed)" : ""));
  }

  private static String pretty(String json) {
    try {
      return AtlasTransport.JSON
          .writerWithDefaultPrettyPrinter()
          .writeValueAsString(AtlasTransport.JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
