package io.dbrestore.atlas;

import io.dbrestore.atlas.api.AtlasApiException;
import io.dbrestore.atlas.api.AtlasPort;
import io.dbrestore.atlas.api.AtlasUnavailableException;
import io.dbrestore.atlas.api.RestoreJob;
import io.dbrestore.atlas.api.Snapshot;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Resource;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.wait.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's Atlas restore job: adopted when one already restores into the target, else created
 * through the guard (and adopted when the answer to the create is lost, so that one run never
 * starts two restores); then waited for, and cancelled when the run is stopped while it waits.
 */
final class RestoreJobs {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreJobs.class);

  /** The job the run waits for, the snapshot it restores, and whether an earlier run started it. */
  record Started(RestoreJob job, Snapshot snapshot, boolean adopted) {}

  private final JobContext context;
  private final AtlasPort atlas;
  private final SafetyGuard guard;
  private final Request request;
  private final Timeouts timeouts;

  RestoreJobs(
      JobContext context, AtlasPort atlas, SafetyGuard guard, Request request, Timeouts timeouts) {
    this.context = context;
    this.atlas = atlas;
    this.guard = guard;
    this.request = request;
    this.timeouts = timeouts;
  }

  /**
   * Adopts the job already restoring {@code chosen} into the target; or one restoring another
   * snapshot there when the run chose the newest (an earlier run chose the newest of its time: a
   * re-run converges on its job), which {@code --snapshot-id} refuses instead; otherwise creates
   * one. {@code target} is the target for the guard, its tags read fresh.
   */
  Started startOrAdopt(Snapshot chosen, Resource target) {
    List<RestoreJob> intoTarget = runningIntoTarget();
    Optional<RestoreJob> same = restoring(intoTarget, chosen);
    if (same.isPresent()) {
      return adopt(same.get(), chosen, target);
    }
    if (!intoTarget.isEmpty()) {
      RestoreJob other = intoTarget.get(0);
      if (request.snapshotId() != null) {
        throw JobException.refused(
            "restore-in-progress",
            "Atlas restore job "
                + other.id()
                + " is already restoring snapshot "
                + other.snapshotId()
                + " into "
                + request.target()
                + "; wait for it to end (or cancel it in Atlas), then re-run");
      }
      Snapshot restoring = snapshotOrId(other.snapshotId());
      LOG.info(
          "restore job {} is already restoring snapshot {} into {} (newer snapshot {} not used)",
          other.id(),
          other.snapshotId(),
          request.target(),
          chosen.id());
      return adopt(other, restoring, target);
    }
    context.resource("atlas-snapshot", chosen.id());
    RestoreJob job =
        guard
            .perform(
                Operation.RESTORE_OVER,
                target,
                AtlasPort.CREATE_RESTORE_JOB,
                () -> createOrFindLost(chosen))
            .orElseThrow();
    LOG.info(
        "started Atlas restore job {}: snapshot {} of {} into {}",
        job.id(),
        chosen.id(),
        request.source(),
        request.target());
    context.resource("atlas-restore-job", job.id());
    return new Started(job, chosen, false);
  }

  private Started adopt(RestoreJob job, Snapshot restoring, Resource target) {
    context.resource("atlas-snapshot", restoring.id());
    guard.check(Operation.RESTORE_OVER, target);
    LOG.info(
        "adopting Atlas restore job {} (snapshot {} into {}), already running",
        job.id(),
        job.snapshotId(),
        request.target());
    context.resource("atlas-restore-job", job.id());
    return new Started(job, restoring, true);
  }

  /** The snapshot of a job the run adopts; only its id when Atlas no longer has it. */
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

  private List<RestoreJob> runningIntoTarget() {
    return atlas.restoreJobs(request.source()).stream()
        .filter(RestoreJob::running)
        .filter(j -> j.restores(request.target()))
        .toList();
  }

  private static Optional<RestoreJob> restoring(List<RestoreJob> jobs, Snapshot snapshot) {
    return jobs.stream().filter(j -> snapshot.id().equals(j.snapshotId())).findFirst();
  }

  /**
   * Creates the restore job. When its answer is lost (5xx, connection error) Atlas may still have
   * made it: look for it before trying again.
   */
  private RestoreJob createOrFindLost(Snapshot snapshot) {
    Duration delay = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return atlas.createRestoreJob(request.source(), snapshot, request.target());
      } catch (AtlasUnavailableException e) {
        Optional<RestoreJob> made = restoring(runningIntoTarget(), snapshot);
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
        delay = timeouts.createRetry().next(delay);
        LOG.info("creating the restore job failed ({}); trying again in {}", e.reason(), delay);
        context.cancellation().sleep(delay);
      }
    }
  }

  /**
   * Waits until the job finished; exit 1 when Atlas ended it otherwise. A run stopped meanwhile
   * cancels it or leaves it running (see {@link #stopped}).
   */
  RestoreJob awaitFinished(Started started) {
    RestoreJob job = started.job();
    String what =
        "Atlas restore job "
            + job.id()
            + " (snapshot "
            + started.snapshot().id()
            + " into "
            + request.target()
            + ")";
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
            + request.target()
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
          request.target(),
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
          request.target());
    }
  }
}
