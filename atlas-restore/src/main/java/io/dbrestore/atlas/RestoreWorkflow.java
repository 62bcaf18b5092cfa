package io.dbrestore.atlas;

import io.dbrestore.atlas.api.AtlasApiException;
import io.dbrestore.atlas.api.AtlasPort;
import io.dbrestore.atlas.api.AtlasUnavailableException;
import io.dbrestore.atlas.api.Cluster;
import io.dbrestore.atlas.api.RestoreJob;
import io.dbrestore.atlas.api.Snapshot;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Resource;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore: choose the snapshot, guard the target, start (or adopt) the Atlas restore job, wait
 * until it finished and the target cluster is idle again.
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
  private final String source;
  private final String target;

  /**
   * @param guard the runtime's guard with the Atlas rules ({@link AtlasGuard#of})
   */
  RestoreWorkflow(
      JobContext context, AtlasPort atlas, SafetyGuard guard, Request request, Timeouts timeouts) {
    this.context = context;
    this.atlas = atlas;
    this.guard = guard;
    this.request = request;
    this.timeouts = timeouts;
    this.source = request.source().toString();
    this.target = request.target().toString();
  }

  Result run() {
    context.resource("atlas-source", source);
    context.resource("atlas-target", target);

    context.step("snapshot");
    Snapshot snapshot = chooseSnapshot();

    context.step("guard");
    Cluster cluster = readTarget();
    // The tag alone first: it needs no other request, and the account is asked for at the restore.
    guard.checkManaged(Operation.RESTORE_OVER, AtlasGuard.target(target, cluster::tags));
    Resource resource = AtlasGuard.target(target, () -> readTarget().tags());

    context.step("restore");
    List<RestoreJob> intoTarget = runningIntoTarget();
    RestoreJob adopt =
        intoTarget.stream()
            .filter(j -> snapshot.id().equals(j.snapshotId()))
            .findFirst()
            .orElse(null);
    Snapshot restoring = snapshot;
    if (adopt == null && !intoTarget.isEmpty()) {
      RestoreJob other = intoTarget.get(0);
      if (request.snapshotId() != null) {
        throw JobException.refused(
            "restore-in-progress",
            "Atlas restore job "
                + other.id()
                + " is already restoring snapshot "
                + other.snapshotId()
                + " into "
                + target
                + "; wait for it to end (or cancel it in Atlas), then re-run");
      }
      // An earlier run chose the newest snapshot of its time; converge on its job.
      adopt = other;
      restoring = snapshotOrId(other.snapshotId());
      LOG.info(
          "restore job {} is already restoring snapshot {} into {} (newer snapshot {} not used)",
          other.id(),
          other.snapshotId(),
          target,
          snapshot.id());
    }
    context.resource("atlas-snapshot", restoring.id());

    RestoreJob job;
    boolean adopted = adopt != null;
    if (adopted) {
      guard.check(Operation.RESTORE_OVER, resource);
      job = adopt;
      LOG.info(
          "adopting Atlas restore job {} (snapshot {} into {}), already running",
          job.id(),
          job.snapshotId(),
          target);
    } else {
      job =
          guard
              .perform(
                  Operation.RESTORE_OVER,
                  resource,
                  AtlasPort.CREATE_RESTORE_JOB,
                  // Nothing runs into the target: the chosen snapshot is the one to restore.
                  () -> create(snapshot))
              .orElseThrow();
      LOG.info(
          "started Atlas restore job {}: snapshot {} of {} into {}",
          job.id(),
          restoring.id(),
          source,
          target);
    }
    context.resource("atlas-restore-job", job.id());

    context.step("wait");
    Instant started = context.clock().instant();
    RestoreJob done = waitFor(job, restoring);
    waitIdle();
    long seconds = Duration.between(started, context.clock().instant()).toSeconds();
    return new Result(
        source,
        target,
        restoring.id(),
        restoring.createdAt(),
        job.id(),
        adopted,
        done.finishedAt(),
        seconds);
  }

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
                  + source
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
                + source
                + " is "
                + s.status()
                + ", not completed; wait for it or choose another");
      }
      LOG.info("snapshot {} of {}, taken {}", s.id(), source, s.createdAt());
      return s;
    }
    List<Snapshot> all;
    try {
      all = atlas.snapshots(request.source());
    } catch (AtlasApiException e) {
      if (e.status() == 404) {
        throw JobException.invalidInput(
            "source cluster "
                + source
                + " not found ("
                + e.reason()
                + "); check --source-project and --source-cluster",
            e);
      }
      throw e;
    }
    Optional<Snapshot> newest =
        all.stream()
            .filter(Snapshot::completed)
            .filter(s -> s.createdAt() != null)
            .max(Comparator.comparing(Snapshot::createdAt));
    if (newest.isEmpty()) {
      throw JobException.refused(
          "no-snapshot",
          "the source cluster "
              + source
              + " has no completed snapshot ("
              + all.size()
              + " snapshots in all); check its backup policy (replica set clusters only)");
    }
    Snapshot s = newest.get();
    LOG.info(
        "newest completed snapshot of {}: {}, taken {} ({} snapshots in all)",
        source,
        s.id(),
        s.createdAt(),
        all.size());
    return s;
  }

  private Snapshot snapshotOrId(String id) {
    try {
      return atlas.snapshot(request.source(), id);
    } catch (AtlasApiException e) {
      if (e.status() == 404) {
        return new Snapshot(id, null, "unknown");
      }
      throw e;
    }
  }

  private Cluster readTarget() {
    try {
      return atlas.cluster(request.target());
    } catch (AtlasApiException e) {
      if (e.status() == 404) {
        throw JobException.invalidInput(
            "target cluster "
                + target
                + " not found ("
                + e.reason()
                + "); check --target-project and --target-cluster",
            e);
      }
      throw e;
    }
  }

  private List<RestoreJob> runningIntoTarget() {
    return atlas.restoreJobs(request.source()).stream()
        .filter(RestoreJob::running)
        .filter(j -> j.restores(request.target()))
        .toList();
  }

  /**
   * POSTs the restore job. When its answer is lost (5xx, connection error) Atlas may still have
   * made it: look for it before trying again, so one run never starts two restores.
   */
  private RestoreJob create(Snapshot snapshot) {
    Backoff backoff = timeouts.createRetry();
    Duration delay = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return atlas.createRestoreJob(request.source(), snapshot, request.target());
      } catch (AtlasUnavailableException e) {
        Optional<RestoreJob> made =
            runningIntoTarget().stream()
                .filter(j -> snapshot.id().equals(j.snapshotId()))
                .findFirst();
        if (made.isPresent()) {
          LOG.info(
              "the answer to creating the restore job was lost ({}); Atlas made it: {}",
              e.reason(),
              made.get().id());
          return made.get();
        }
        if (attempt >= timeouts.createAttempts()) {
          throw e;
        }
        delay = backoff.next(delay);
        LOG.info("creating the restore job failed ({}); trying again in {}", e.reason(), delay);
        context.cancellation().sleep(delay);
      }
    }
  }

  private RestoreJob waitFor(RestoreJob job, Snapshot snapshot) {
    String what =
        "Atlas restore job " + job.id() + " (snapshot " + snapshot.id() + " into " + target + ")";
    try {
      return context
          .waiter()
          .until(
              what,
              Timeouts.untilDeadline(context),
              timeouts.poll(),
              () -> {
                RestoreJob j = atlas.restoreJob(request.source(), job.id());
                if (j.finished()) {
                  return Poll.done(j);
                }
                String ended = j.endedBecause();
                if (ended != null) {
                  throw ended(j, ended);
                }
                return Poll.pending("restoring");
              });
    } catch (RuntimeException e) {
      stopped(job);
      throw e;
    }
  }

  private JobException ended(RestoreJob j, String how) {
    String why =
        j.failed()
            ? "; Atlas gives no reason through its API: see the project's Activity Feed, then"
                + " re-run"
            : j.cancelled()
                ? " (someone cancelled it in Atlas); re-run to restore again"
                : " before it finished; re-run to restore again";
    return new JobException(
        ExitCode.FAULT,
        "restore-" + (j.failed() ? "failed" : j.cancelled() ? "cancelled" : "expired"),
        "Atlas restore job "
            + j.id()
            + " of snapshot "
            + j.snapshotId()
            + " into "
            + target
            + " "
            + how
            + why);
  }

  /**
   * The run was stopped while the restore job was running. A stopped execution or SIGTERM cancels
   * it (unless {@code --on-stop leave}): stopping means stopping, and the target is being
   * overwritten anyway. The job's own deadline leaves it running, since the restore itself is fine
   * and a re-run adopts it.
   */
  private void stopped(RestoreJob job) {
    Cancellation cancellation = context.cancellation();
    if (!cancellation.isCancelled()) {
      return;
    }
    Cancellation.Reason reason = cancellation.request().reason();
    if (reason == Cancellation.Reason.DEADLINE || !request.cancelOnStop()) {
      LOG.warn(
          "left Atlas restore job {} running into {} ({}); a re-run adopts it",
          job.id(),
          target,
          reason == Cancellation.Reason.DEADLINE
              ? "the job's --timeout passed"
              : "--on-stop leave");
      return;
    }
    boolean cancelled =
        context
            .cleanup(timeouts.cancel())
            .run(
                "cancel Atlas restore job " + job.id() + " (cancel it in Atlas if this failed)",
                () -> atlas.cancelRestoreJob(request.source(), job.id(), timeouts.cancel()));
    if (cancelled) {
      LOG.warn(
          "cancelled Atlas restore job {} because the run was stopped; {} stays partly restored"
              + " until the next run",
          job.id(),
          target);
    }
  }

  private void waitIdle() {
    context
        .waiter()
        .until(
            "Atlas cluster " + target + " to be IDLE after the restore",
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
