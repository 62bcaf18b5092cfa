package io.dbrestore.aurora.flow;

import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.SafetyGuard;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three names of a restore and how clusters move between them: the new cluster is restored as
 * {@code <cluster>-next}; once it is ready the old target is renamed to {@code <cluster>-old} and
 * the new one into its place (cluster and instances, so the endpoint names stay), and the old one
 * is deleted. Until the first rename the old target is untouched.
 *
 * <p>Every rename can be interrupted. A re-run of the same run finishes what it started (the old
 * target carries {@code dbrestore:replaced-by=<run>}); the next run removes or repairs what another
 * run left; a failure or cancellation between the two renames renames the old target back at once.
 */
final class Swap {
  private static final Logger LOG = LoggerFactory.getLogger(Swap.class);

  private final JobContext context;
  private final RdsPort rds;
  private final SafetyGuard guard;
  private final RdsSteps steps;
  private final String runId;
  private final String target;
  private final String next;
  private final String old;

  Swap(JobContext context, RdsPort rds, SafetyGuard guard, RdsSteps steps, String target) {
    this.context = context;
    this.rds = rds;
    this.guard = guard;
    this.steps = steps;
    this.runId = context.runId();
    this.target = target;
    this.next = Names.next(target);
    this.old = Names.old(target);
  }

  /** Where the new cluster is restored: {@code <cluster>-next}. */
  String next() {
    return next;
  }

  /**
   * All three names this run may touch must be allowed, and the account not protected, before
   * anything is created (the guard checks tags again at each call).
   */
  void checkPlanned() {
    guard.checkPlanned(Operation.RESTORE_OVER, "rds cluster", target);
    guard.checkPlanned(Operation.DELETE, "rds cluster", next);
    guard.checkPlanned(Operation.DELETE, "rds cluster", old);
  }

  /**
   * Replacement clusters of other runs are deleted; an old target left renamed away by a run that
   * crashed between the two renames is renamed back first, so that the target exists again.
   */
  void removeLeftovers() {
    Optional<Cluster> nextCluster = rds.cluster(next);
    if (nextCluster.isPresent() && !Tags.isOfRun(nextCluster.get().tags(), runId)) {
      LOG.warn("removing {} left by run {}", next, nextCluster.get().tags().get(Tags.RUN_ID));
      steps.delete(nextCluster.get(), true);
    }
    Optional<Cluster> oldCluster = rds.cluster(old);
    if (oldCluster.isPresent() && !replacedByThisRun(oldCluster.get())) {
      if (rds.cluster(target).isEmpty()) {
        LOG.warn("{} is missing and {} exists: renaming yesterday's target back", target, old);
        steps.rename(oldCluster.get(), target);
      } else {
        LOG.warn("removing {} left by an earlier swap", old);
        steps.delete(oldCluster.get(), true);
      }
    }
    // A run that stopped between renaming its cluster into place and renaming its instances
    // left instances named <cluster>-next-<n>: give them the target's names.
    Optional<Cluster> current = rds.cluster(target);
    if (current.isPresent()) {
      steps.renameInstances(current.get(), next, target);
    }
  }

  /** Renames the old target away (if there is one) and the new cluster to the target's name. */
  Cluster swapIn(Cluster restored) {
    Optional<Cluster> existing = rds.cluster(target);
    if (existing.isPresent()) {
      Cluster current = existing.get();
      guard.check(Operation.RESTORE_OVER, steps.resource(current));
      rds.addTags(current.arn(), Map.of(Tags.REPLACED_BY, runId));
      LOG.info("swap: renaming {} to {}", target, old);
      steps.rename(current, old);
    } else {
      // A re-run after the old target was renamed away: finish renaming its instances.
      Optional<Cluster> away = rds.cluster(old);
      if (away.isPresent() && replacedByThisRun(away.get())) {
        steps.renameInstances(away.get(), target, old);
      }
    }
    LOG.info("renaming {} to {}", next, target);
    return steps.rename(restored, target);
  }

  /** A re-run after this run's cluster was renamed into place: its instances get their names. */
  Cluster finishSwapIn(Cluster renamedIn) {
    steps.renameInstances(renamedIn, next, target);
    return steps.settle(target);
  }

  /** Deletes the target this run replaced, if it is still there (no wait). */
  void deleteOld() {
    Optional<Cluster> oldCluster = rds.cluster(old);
    if (oldCluster.isPresent() && replacedByThisRun(oldCluster.get())) {
      context.step("delete-old");
      LOG.info("deleting the replaced cluster {}", old);
      steps.delete(oldCluster.get(), false);
    }
  }

  /**
   * After a failure or cancellation: if it came between the two renames, the old target is renamed
   * back, so that the environment has its database again. Never throws.
   */
  void putBack() {
    steps.cleanup(
        "put " + target + " back if it was renamed away",
        () -> {
          Optional<Cluster> away = rds.cluster(old);
          if (rds.cluster(target).isEmpty() && away.isPresent() && replacedByThisRun(away.get())) {
            LOG.warn("stopped between the renames: renaming {} back to {}", old, target);
            guard.perform(
                Operation.MODIFY,
                steps.resource(away.get()),
                "rds:ModifyDBCluster(NewDBClusterIdentifier=" + target + ")",
                () -> rds.renameCluster(old, target));
          }
        });
  }

  private boolean replacedByThisRun(Cluster c) {
    return runId.equals(c.tags().get(Tags.REPLACED_BY));
  }
}
