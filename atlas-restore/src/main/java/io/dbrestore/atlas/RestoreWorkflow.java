package io.dbrestore.atlas;

import io.dbrestore.atlas.api.AtlasApiException;
import io.dbrestore.atlas.api.AtlasPort;
import io.dbrestore.atlas.api.Cluster;
import io.dbrestore.atlas.api.ClusterRef;
import io.dbrestore.atlas.api.RestoreJob;
import io.dbrestore.atlas.api.Snapshot;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Resource;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.snapshot.SnapshotChoice;
import io.dbrestore.runtime.wait.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore: choose the snapshot, guard the target, start the Atlas restore job (or adopt the one
 * already running into the target), wait until it finished and the target cluster is IDLE again.
 * The restore job is {@link RestoreJobs}'s; the refusals that need no request came before, in the
 * command ({@link AtlasGuard#checkWithoutAsking}).
 */
final class RestoreWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreWorkflow.class);

  /** The result for Step Functions. */
  record Result(
      String source,
      String target,
      String snapshotId,
      Instant snapshotCreatedAt,
      String restoreJobId,
      boolean restoreJobAdopted,
      Instant restoreFinishedAt,
      Long restoreSeconds) {

    /**
     * What a dry run reports: nothing was restored, so no restore job of its own, no end and no
     * duration (the dry-run overlay's are simulated); a running job it would adopt is named.
     */
    Result planned() {
      return new Result(
          source,
          target,
          snapshotId,
          snapshotCreatedAt,
          restoreJobAdopted ? restoreJobId : null,
          restoreJobAdopted,
          null,
          null);
    }
  }

  private final JobContext context;
  private final AtlasPort atlas;
  private final SafetyGuard guard;
  private final Request request;
  private final Timeouts timeouts;
  private final RestoreJobs jobs;

  /**
   * @param atlas Atlas, or in a dry run the overlay that prints and simulates the changes
   * @param guard the runtime's guard with the Atlas rules ({@link AtlasGuard#of})
   */
  RestoreWorkflow(
      JobContext context, AtlasPort atlas, SafetyGuard guard, Request request, Timeouts timeouts) {
    this.context = context;
    this.atlas = atlas;
    this.guard = guard;
    this.request = request;
    this.timeouts = timeouts;
    this.jobs = new RestoreJobs(context, atlas, guard, request, timeouts);
  }

  Result run() {
    context.resource("atlas-source", request.source().toString());
    context.resource("atlas-target", request.target().toString());

    context.step("snapshot");
    Snapshot snapshot = chooseSnapshot();

    context.step("guard");
    Resource target = guardTarget();

    context.step("restore");
    RestoreJobs.Started restore = jobs.startOrAdopt(snapshot, target);
    // The snapshot restored: an adopted restore job's own, which may not be the one chosen.
    context.metrics().snapshotAge(restore.snapshot().createdAt(), context.clock().instant());

    context.step("wait");
    Instant started = context.clock().instant();
    RestoreJob done = jobs.awaitFinished(restore);
    awaitIdle();
    long seconds = Duration.between(started, context.clock().instant()).toSeconds();
    context.metrics().refreshed();
    return new Result(
        request.source().toString(),
        request.target().toString(),
        restore.snapshot().id(),
        restore.snapshot().createdAt(),
        restore.job().id(),
        restore.adopted(),
        done.finishedAt(),
        seconds);
  }

  /** {@code --snapshot-id}, which must exist and be completed; else the newest completed one. */
  private Snapshot chooseSnapshot() {
    if (request.snapshotId() != null) {
      Snapshot s;
      try {
        s = atlas.snapshot(request.source(), request.snapshotId());
      } catch (AtlasApiException e) {
        if (e.status() == 404) {
          throw JobException.refused(
              "snapshot-missing",
              "snapshot "
                  + request.snapshotId()
                  + " of "
                  + request.source()
                  + " does not exist ("
                  + e.reason()
                  + "); pick one from the cluster's backups, or leave --snapshot-id out for the"
                  + " newest");
        }
        throw e;
      }
      if (!s.completed()) {
        throw JobException.refused(
            "snapshot-not-completed",
            "snapshot "
                + s.id()
                + " of "
                + request.source()
                + " is "
                + s.status()
                + ", not completed; wait for it or choose another");
      }
      LOG.info("snapshot {} of {}, taken {}", s.id(), request.source(), s.createdAt());
      return s;
    }
    List<Snapshot> all = named("source", request.source(), () -> atlas.snapshots(request.source()));
    // A snapshot of unknown age is never the newest: it could be of any age.
    Optional<Snapshot> newest =
        new SnapshotChoice<Snapshot>(
                Snapshot::id,
                Snapshot::createdAt,
                s -> s.completed() && s.createdAt() != null,
                context.clock())
            .newest(all);
    if (newest.isEmpty()) {
      throw JobException.refused(
          "no-snapshot",
          "the source cluster "
              + request.source()
              + " has no completed snapshot ("
              + all.size()
              + " snapshots in all); check its backup policy (replica set clusters only)");
    }
    Snapshot s = newest.get();
    LOG.info(
        "newest completed snapshot of {}: {}, taken {} ({} snapshots in all)",
        request.source(),
        s.id(),
        s.createdAt(),
        all.size());
    return s;
  }

  /**
   * Refuses (exit 3) a target without the managed tag, from the one read that also finds out
   * whether it exists; the account is asked for only when the restore is started or adopted, where
   * the guard checks everything again with the tags read fresh. Returns the target for that check.
   */
  private Resource guardTarget() {
    Cluster cluster = readTarget();
    guard.checkManaged(Operation.RESTORE_OVER, AtlasGuard.target(request.target(), cluster::tags));
    return AtlasGuard.target(request.target(), () -> readTarget().tags());
  }

  private Cluster readTarget() {
    return named("target", request.target(), () -> atlas.cluster(request.target()));
  }

  /**
   * What {@code read} returns; exit 2 when Atlas does not know the {@code role} cluster, which the
   * command line named.
   */
  private static <T> T named(String role, ClusterRef cluster, Supplier<T> read) {
    try {
      return read.get();
    } catch (AtlasApiException e) {
      if (e.status() == 404) {
        throw JobException.invalidInput(
            role
                + " cluster "
                + cluster
                + " not found ("
                + e.reason()
                + "); check --"
                + role
                + "-project and --"
                + role
                + "-cluster",
            e);
      }
      throw e;
    }
  }

  private void awaitIdle() {
    context
        .waiter()
        .until(
            "Atlas cluster " + request.target() + " to be IDLE after the restore",
            Timeouts.untilDeadline(context),
            timeouts.poll(),
            () -> {
              String state = readTarget().stateName();
              return state == null || "IDLE".equals(state)
                  ? Poll.done(Boolean.TRUE)
                  : Poll.pending(state);
            });
  }
}
