package io.dbrestore.aurora.flow;

import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.aurora.rds.RdsPort.ClusterSpec;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.SafetyGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code aurora-restore restore}, in a development account. The new database is always restored as
 * {@code <cluster>-next}, so that it is never reachable under the target's name before it is ready
 * (and masked, when the source was not). Then:
 *
 * <ul>
 *   <li>{@code swap}: the old target is renamed to {@code <cluster>-old}, the new one to the
 *       target's name (cluster and instances), and the old one is deleted. Until the rename the old
 *       target is untouched, so a failure or cancellation leaves yesterday's database in place.
 *   <li>{@code replace}: the old target is deleted before the restore (the previous system's way:
 *       cheaper, but no database until the new one is ready).
 * </ul>
 *
 * <p>A re-run of the same run adopts what it finds; leftovers of other runs are removed; a target
 * already finished by this run is reported as it is.
 */
public final class RestoreWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreWorkflow.class);

  public enum Strategy {
    SWAP,
    REPLACE
  }

  /** Where the data comes from. */
  public record Source(
      String snapshot,
      String sourceAccount,
      String prefix,
      String sourceClusterName,
      Duration maxAge,
      String sourceCluster,
      String pointInTime) {}

  /** The target and how to build it. */
  public record Request(
      String cluster,
      Strategy strategy,
      Source source,
      String instanceClass,
      int instances,
      String clusterParameterGroup,
      String dbParameterGroup,
      String dbSubnetGroup,
      List<String> securityGroups,
      String kmsKey,
      boolean deletionProtection,
      Duration ttl,
      String database) {}

  private final JobContext context;
  private final RdsPort rds;
  private final SafetyGuard guard;
  private final RdsSteps steps;
  private final SourceChoice sources;
  private final SqlSteps sql;
  private final Supplier<String> masterPassword;
  private final Request request;
  private final String runId;
  private final String target;
  private final String next;
  private final String old;

  /**
   * @param masterPassword the environment's master password, or null to keep the snapshot's (a
   *     one-off password is then used when masking needs one)
   */
  public RestoreWorkflow(
      JobContext context,
      RdsPort rds,
      SafetyGuard guard,
      SqlSteps sql,
      Supplier<String> masterPassword,
      Timeouts timeouts,
      Request request) {
    this.context = context;
    this.rds = rds;
    this.guard = guard;
    this.sql = sql;
    this.masterPassword = masterPassword;
    this.request = request;
    this.runId = context.runId();
    this.target = request.cluster();
    this.next = Names.next(target);
    this.old = Names.old(target);
    this.steps = new RdsSteps(context, rds, guard, timeouts);
    this.sources = new SourceChoice(context, rds);
  }

  public Map<String, Object> run() throws Exception {
    context.resource("cluster", target);
    checkAllowlist();
    try {
      return runSteps();
    } catch (RuntimeException | Error e) {
      abandon(e);
      throw e;
    }
  }

  /**
   * All three names this run may touch must be allowed, and the account not protected, before
   * anything is created (the guard checks tags again at each call).
   */
  private void checkAllowlist() {
    guard.checkPlanned(Operation.RESTORE_OVER, "rds cluster", target);
    guard.checkPlanned(Operation.DELETE, "rds cluster", next);
    guard.checkPlanned(Operation.DELETE, "rds cluster", old);
  }

  private Map<String, Object> runSteps() throws Exception {
    context.step("inspect");
    Optional<Cluster> current = rds.cluster(target);
    if (current.isPresent()
        && Tags.isOfRun(current.get().tags(), runId)
        && Tags.STATE_READY.equals(current.get().tags().get(Tags.STATE))) {
      LOG.info("cluster {} was already restored by this run", target);
      deleteOld();
      return result(current.get(), current.get().tags().get(Tags.SOURCE_SNAPSHOT), false);
    }
    boolean renamedIn = current.isPresent() && Tags.isOfRun(current.get().tags(), runId);
    if (current.isPresent() && !renamedIn) {
      // Refuse before anything is created: the old target must be ours to replace.
      guard.check(Operation.RESTORE_OVER, steps.resource(current.get()));
    }

    Optional<Cluster> pending = renamedIn ? current : rds.cluster(next);
    boolean adopt = pending.isPresent() && Tags.isOfRun(pending.get().tags(), runId);
    SourceChoice.Chosen source;
    if (adopt) {
      source = SourceChoice.adopted(pending.get());
    } else {
      context.step("choose-source");
      source = sources.forRestore(request.source(), sql.rulesSha256() != null);
      context.step("remove-leftovers");
      removeLeftovers();
    }
    context.resource("source", source.name());

    if (!renamedIn && request.strategy() == Strategy.REPLACE) {
      context.step("delete-target");
      Optional<Cluster> existing = rds.cluster(target);
      if (existing.isPresent()) {
        LOG.info("replace: deleting cluster {} before the restore", target);
        steps.delete(existing.get(), true);
      }
    }

    Cluster restored;
    if (renamedIn) {
      restored = current.get();
    } else {
      context.step("restore");
      restored = restore(pending.filter(c -> adopt), source);
      steps.ensureInstances(
          restored,
          request.instances(),
          request.instanceClass(),
          request.dbParameterGroup(),
          Tags.created(runId, Tags.ROLE_TARGET, context.clock().instant()));
      restored = steps.settle(restored.id());
    }

    context.step("credentials");
    String password = masterPassword == null ? null : masterPassword.get();
    if (password == null && (source.needsMasking() || sql.postRestoreConfigured())) {
      password = Passwords.oneOff();
    }
    if (password != null) {
      rds.setMasterPassword(restored.id(), password);
      restored = steps.settle(restored.id());
    }

    if (source.needsMasking() && !renamedIn) {
      context.step("mask");
      if (sql.mask(SqlEndpoint.of(restored, request.database(), password)).isPresent()) {
        rds.addTags(restored.arn(), Map.of(Tags.MASKED, "true"));
      }
    }

    if (sql.postRestoreConfigured()) {
      context.step("post-restore-sql");
      sql.postRestore(SqlEndpoint.of(restored, request.database(), password));
    }

    context.step("swap-in");
    Cluster live;
    if (renamedIn) {
      // A re-run after the cluster rename: finish renaming its instances.
      steps.renameInstances(restored, next, target);
      live = steps.settle(target);
    } else {
      live = swapIn(restored);
    }

    context.step("finish");
    rds.addTags(live.arn(), Map.of(Tags.STATE, Tags.STATE_READY));
    deleteOld();
    return result(live, source.name(), true);
  }

  /**
   * Replacement clusters of other runs are deleted; an old target left renamed away by a run that
   * crashed between the two renames is renamed back first, so that the target exists again.
   */
  private void removeLeftovers() {
    Optional<Cluster> nextCluster = rds.cluster(next);
    if (nextCluster.isPresent() && !Tags.isOfRun(nextCluster.get().tags(), runId)) {
      LOG.warn("removing {} left by run {}", next, nextCluster.get().tags().get(Tags.RUN_ID));
      steps.delete(nextCluster.get(), true);
    }
    Optional<Cluster> oldCluster = rds.cluster(old);
    if (oldCluster.isPresent() && !runId.equals(oldCluster.get().tags().get(Tags.REPLACED_BY))) {
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

  private Cluster restore(Optional<Cluster> adopted, SourceChoice.Chosen source) {
    context.resource("new-cluster", next);
    if (adopted.isPresent()) {
      LOG.info("cluster {} of this run exists already: adopting it", next);
    } else {
      Instant now = context.clock().instant();
      Map<String, String> tags = Tags.created(runId, Tags.ROLE_TARGET, now);
      tags.put(Tags.SOURCE_SNAPSHOT, source.name());
      tags.put(Tags.MASKED, Boolean.toString(!source.needsMasking()));
      if (request.ttl() != null) {
        tags.put(Tags.EXPIRES_AT, now.plus(request.ttl()).toString());
      }
      if (context.env().get("DBRESTORE_TARGET") != null) {
        tags.put(Tags.TARGET, context.env().get("DBRESTORE_TARGET"));
      }
      ClusterSpec spec =
          new ClusterSpec(
              next,
              request.dbSubnetGroup(),
              request.securityGroups(),
              request.kmsKey(),
              request.clusterParameterGroup(),
              request.deletionProtection(),
              tags);
      if (source.snapshot() == null) {
        String pit = request.source().pointInTime();
        LOG.info("restoring {} from {} at {}", next, request.source().sourceCluster(), pit);
        rds.restoreToPointInTime(
            request.source().sourceCluster(), SourceChoice.pointInTime(pit), spec);
      } else {
        LOG.info("restoring {} from snapshot {}", next, source.snapshot().id());
        rds.restoreFromSnapshot(source.snapshot(), spec);
      }
    }
    return steps.awaitClusterAvailable(next, steps.timeouts().restore());
  }

  /** Renames the old target away (swap) and the new cluster to the target's name. */
  private Cluster swapIn(Cluster restored) {
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
      if (away.isPresent() && runId.equals(away.get().tags().get(Tags.REPLACED_BY))) {
        steps.renameInstances(away.get(), target, old);
      }
    }
    LOG.info("renaming {} to {}", next, target);
    return steps.rename(restored, target);
  }

  /** Deletes the target this run replaced, if it is still there (no wait). */
  private void deleteOld() {
    Optional<Cluster> oldCluster = rds.cluster(old);
    if (oldCluster.isPresent() && runId.equals(oldCluster.get().tags().get(Tags.REPLACED_BY))) {
      context.step("delete-old");
      LOG.info("deleting the replaced cluster {}", old);
      steps.delete(oldCluster.get(), false);
    }
  }

  private Map<String, Object> result(Cluster live, String sourceName, boolean restoredNow) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cluster", live.id());
    result.put("clusterArn", live.arn());
    result.put("endpoint", live.endpoint());
    result.put("strategy", request.strategy().name().toLowerCase(java.util.Locale.ROOT));
    result.put("source", sourceName);
    result.put("instances", live.members());
    result.put("restoredByThisCall", restoredNow);
    Optional.ofNullable(live.tags().get(Tags.EXPIRES_AT))
        .ifPresent(e -> result.put("expiresAt", e));
    if (request.ttl() != null && !result.containsKey("expiresAt")) {
      result.put("ttl", request.ttl().toString());
    }
    return result;
  }

  /**
   * After a failure or cancellation before the swap: the target is untouched; the replacement is
   * marked expired and, on cancellation, deleted. A failure between the two renames is repaired by
   * the next run (it renames yesterday's target back).
   */
  private void abandon(Throwable failure) {
    steps.cleanup(
        "put " + target + " back if it was renamed away",
        () -> {
          Optional<Cluster> away = rds.cluster(old);
          if (rds.cluster(target).isEmpty()
              && away.isPresent()
              && runId.equals(away.get().tags().get(Tags.REPLACED_BY))) {
            LOG.warn("stopped between the renames: renaming {} back to {}", old, target);
            guard.perform(
                Operation.MODIFY,
                steps.resource(away.get()),
                "rds:ModifyDBCluster(NewDBClusterIdentifier=" + target + ")",
                () -> rds.renameCluster(old, target));
          }
        });
    steps.abandon(next, runId, failure);
  }
}
