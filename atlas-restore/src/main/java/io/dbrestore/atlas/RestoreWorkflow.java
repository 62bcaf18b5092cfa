package io.dbrestore.atlas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbrestore.atlas.api.AtlasApiException;
import io.dbrestore.atlas.api.AtlasClient;
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
import java.io.PrintWriter;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String CREATE_CALL = "atlas:createBackupRestoreJob";
  private static final int CREATE_ATTEMPTS = 3;
  private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);

  /** What to restore where, and how. */
  record Plan(
      String sourceProject,
      String sourceCluster,
      String targetProject,
      String targetCluster,
      String snapshotId,
      Duration pollInterval,
      boolean cancelOnStop) {
    String source() {
      return sourceProject + "/" + sourceCluster;
    }

    String target() {
      return targetProject + "/" + targetCluster;
    }
  }

  /** The result for Step Functions. */
  record Result(
      String source,
      String target,
      String snapshotId,
      Instant snapshotCreatedAt,
      String restoreJobId,
      boolean restoreJobAdopted,
      Instant restoreFinishedAt,
      Long restoreSeconds) {}

  private final JobContext context;
  private final AtlasClient atlas;
  private final SafetyGuard guard;
  private final Plan plan;

  /**
   * @param guard the runtime's guard with the Atlas rules ({@link AtlasGuard#of})
   */
  RestoreWorkflow(JobContext context, AtlasClient atlas, SafetyGuard guard, Plan plan) {
    this.context = context;
    this.atlas = atlas;
    this.guard = guard;
    this.plan = plan;
  }

  Result run() {
    context.resource("atlas-source", plan.source());
    context.resource("atlas-target", plan.target());

    context.step("snapshot");
    Snapshot snapshot = chooseSnapshot();

    context.step("guard");
    Cluster cluster = readTarget();
    // The tag alone first: it needs no other request, and the account is asked for at the restore.
    guard.checkManaged(Operation.RESTORE_OVER, AtlasGuard.target(plan.target(), cluster::tags));
    Resource resource = AtlasGuard.target(plan.target(), () -> readTarget().tags());

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
      if (plan.snapshotId() != null) {
        throw JobException.refused(
            "restore-in-progress",
            "Atlas restore job "
                + other.id()
                + " is already restoring snapshot "
                + other.snapshotId()
                + " into "
                + plan.target()
                + "; wait for it to end (or cancel it in Atlas), then re-run");
      }
      // An earlier run chose the newest snapshot of its time; converge on its job.
      adopt = other;
      restoring = snapshotOrId(other.snapshotId());
      LOG.info(
          "restore job {} is already restoring snapshot {} into {} (newer snapshot {} not used)",
          other.id(),
          other.snapshotId(),
          plan.target(),
          snapshot.id());
    }
    context.resource("atlas-snapshot", restoring.id());

    ObjectNode body =
        AtlasClient.automatedRestore(restoring.id(), plan.targetProject(), plan.targetCluster());
    if (context.dryRun()) {
      return dryRun(restoring, adopt, resource, body);
    }
    RestoreJob job;
    boolean adopted = adopt != null;
    if (adopted) {
      guard.check(Operation.RESTORE_OVER, resource);
      job = adopt;
      LOG.info(
          "adopting Atlas restore job {} (snapshot {} into {}), already running",
          job.id(),
          job.snapshotId(),
          plan.target());
    } else {
      job =
          guard
              .perform(Operation.RESTORE_OVER, resource, CREATE_CALL, () -> create(body))
              .orElseThrow();
      LOG.info(
          "started Atlas restore job {}: snapshot {} of {} into {}",
          job.id(),
          restoring.id(),
          plan.source(),
          plan.target());
    }
    context.resource("atlas-restore-job", job.id());

    context.step("wait");
    Instant started = context.clock().instant();
    RestoreJob done = waitFor(job, restoring);
    waitIdle();
    long seconds = Duration.between(started, context.clock().instant()).toSeconds();
    return new Result(
        plan.source(),
        plan.target(),
        restoring.id(),
        restoring.createdAt(),
        job.id(),
        adopted,
        done.finishedAt(),
        seconds);
  }

  private Snapshot chooseSnapshot() {
    if (plan.snapshotId() != null) {
      Snapshot s;
      try {
        s = atlas.snapshot(plan.sourceProject(), plan.sourceCluster(), plan.snapshotId());
      } catch (AtlasApiException e) {
        if (e.status() == 404) {
          throw JobException.refused(
              "snapshot-missing",
              "snapshot "
                  + plan.snapshotId()
                  + " of "
                  + plan.source()
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
                + plan.source()
                + " is "
                + s.status()
                + ", not completed; wait for it or choose another");
      }
      LOG.info("snapshot {} of {}, taken {}", s.id(), plan.source(), s.createdAt());
      return s;
    }
    List<Snapshot> all;
    try {
      all = atlas.snapshots(plan.sourceProject(), plan.sourceCluster());
    } catch (AtlasApiException e) {
      if (e.status() == 404) {
        throw JobException.invalidInput(
            "source cluster "
                + plan.source()
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
              + plan.source()
              + " has no completed snapshot ("
              + all.size()
              + " snapshots in all); check its backup policy (replica set clusters only)");
    }
    Snapshot s = newest.get();
    LOG.info(
        "newest completed snapshot of {}: {}, taken {} ({} snapshots in all)",
        plan.source(),
        s.id(),
        s.createdAt(),
        all.size());
    return s;
  }

  private Snapshot snapshotOrId(String id) {
    try {
      return atlas.snapshot(plan.sourceProject(), plan.sourceCluster(), id);
    } catch (AtlasApiException e) {
      if (e.status() == 404) {
        return new Snapshot(id, null, "unknown");
      }
      throw e;
    }
  }

  private Cluster readTarget() {
    try {
      return atlas.cluster(plan.targetProject(), plan.targetCluster());
    } catch (AtlasApiException e) {
      if (e.status() == 404) {
        throw JobException.invalidInput(
            "target cluster "
                + plan.target()
                + " not found ("
                + e.reason()
                + "); check --target-project and --target-cluster",
            e);
      }
      throw e;
    }
  }

  private List<RestoreJob> runningIntoTarget() {
    return atlas.restoreJobs(plan.sourceProject(), plan.sourceCluster()).stream()
        .filter(RestoreJob::running)
        .filter(j -> j.restores(plan.targetProject(), plan.targetCluster()))
        .toList();
  }

  /**
   * POSTs the restore job. When its answer is lost (5xx, connection error) Atlas may still have
   * made it: look for it before trying again, so one run never starts two restores.
   */
  private RestoreJob create(ObjectNode body) {
    Backoff backoff = new Backoff(plan.pollInterval(), plan.pollInterval().multipliedBy(4), 2.0);
    Duration delay = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return atlas.createRestoreJob(plan.sourceProject(), plan.sourceCluster(), body);
      } catch (AtlasUnavailableException e) {
        String snapshotId = body.get("snapshotId").asText();
        Optional<RestoreJob> made =
            runningIntoTarget().stream().filter(j -> snapshotId.equals(j.snapshotId())).findFirst();
        if (made.isPresent()) {
          LOG.info(
              "the answer to creating the restore job was lost ({}); Atlas made it: {}",
              e.reason(),
              made.get().id());
          return made.get();
        }
        if (attempt >= CREATE_ATTEMPTS) {
          throw e;
        }
        delay = backoff.next(delay);
        LOG.info("creating the restore job failed ({}); trying again in {}", e.reason(), delay);
        context.cancellation().sleep(delay);
      }
    }
  }

  private Result dryRun(Snapshot snapshot, RestoreJob adopt, Resource resource, ObjectNode body) {
    PrintWriter out = context.out();
    out.println(
        "[dry-run] snapshot "
            + snapshot.id()
            + " of "
            + plan.source()
            + (snapshot.createdAt() == null ? "" : ", taken " + snapshot.createdAt())
            + (plan.snapshotId() == null ? " (the newest completed)" : ""));
    if (adopt != null) {
      guard.check(Operation.RESTORE_OVER, resource);
      out.println(
          "[dry-run] restore job "
              + adopt.id()
              + " is already restoring it into "
              + plan.target()
              + ": would adopt it and wait, sending no request that changes anything");
    } else {
      guard.perform(Operation.RESTORE_OVER, resource, CREATE_CALL, () -> null);
      String url =
          atlas.http().base()
              + AtlasClient.restoreJobsPath(plan.sourceProject(), plan.sourceCluster());
      out.println("[dry-run] would send POST " + url);
      out.println("[dry-run]   Accept: " + AtlasClient.BACKUP_MEDIA_TYPE);
      out.println("[dry-run]   Content-Type: " + AtlasClient.BACKUP_MEDIA_TYPE);
      try {
        for (String line :
            JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body).split("\\R")) {
          out.println("[dry-run]   " + line);
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      out.println(
          "[dry-run] then would wait for it to finish and for "
              + plan.target()
              + " to be IDLE; Atlas deletes the target's data first");
    }
    out.flush();
    return new Result(
        plan.source(),
        plan.target(),
        snapshot.id(),
        snapshot.createdAt(),
        adopt == null ? null : adopt.id(),
        adopt != null,
        null,
        null);
  }

  private RestoreJob waitFor(RestoreJob job, Snapshot snapshot) {
    String what =
        "Atlas restore job "
            + job.id()
            + " (snapshot "
            + snapshot.id()
            + " into "
            + plan.target()
            + ")";
    try {
      return context
          .waiter()
          .until(
              what,
              untilDeadline(),
              pollBackoff(),
              () -> {
                RestoreJob j =
                    atlas.restoreJob(plan.sourceProject(), plan.sourceCluster(), job.id());
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
            + plan.target()
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
    if (reason == Cancellation.Reason.DEADLINE || !plan.cancelOnStop()) {
      LOG.warn(
          "left Atlas restore job {} running into {} ({}); a re-run adopts it",
          job.id(),
          plan.target(),
          reason == Cancellation.Reason.DEADLINE
              ? "the job's --timeout passed"
              : "--on-stop leave");
      return;
    }
    boolean cancelled =
        context
            .cleanup(CANCEL_TIMEOUT)
            .run(
                "cancel Atlas restore job " + job.id() + " (cancel it in Atlas if this failed)",
                () ->
                    atlas.cancelRestoreJob(
                        plan.sourceProject(), plan.sourceCluster(), job.id(), CANCEL_TIMEOUT));
    if (cancelled) {
      LOG.warn(
          "cancelled Atlas restore job {} because the run was stopped; {} stays partly restored"
              + " until the next run",
          job.id(),
          plan.target());
    }
  }

  private void waitIdle() {
    context
        .waiter()
        .until(
            "Atlas cluster " + plan.target() + " to be IDLE after the restore",
            untilDeadline(),
            pollBackoff(),
            () -> {
              String state = readTarget().stateName();
              return state == null || "IDLE".equals(state)
                  ? Poll.done(Boolean.TRUE)
                  : Poll.pending(state);
            });
  }

  private Backoff pollBackoff() {
    return new Backoff(plan.pollInterval(), plan.pollInterval().multipliedBy(4), 1.5);
  }

  private Duration untilDeadline() {
    Duration left = Duration.between(context.clock().instant(), context.deadline());
    return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
  }
}
