package io.dbrestore.aurora.flow;

import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.aurora.rds.RdsPort.Instance;
import io.dbrestore.aurora.rds.RdsPort.Snapshot;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Resource;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.wait.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps the workflows take over the {@link RdsPort}: waits with their {@link Timeouts}, the
 * guarded destructive calls (delete, rename, lift deletion protection), and the cleanup after a
 * failure or cancellation.
 */
final class RdsSteps {
  private static final Logger LOG = LoggerFactory.getLogger(RdsSteps.class);
  private static final Set<String> FAILED_STATES =
      Set.of(
          "failed",
          "inaccessible-encryption-credentials",
          "inaccessible-encryption-credentials-recoverable",
          "incompatible-parameters",
          "incompatible-restore",
          "incompatible-network",
          "storage-full");

  private static final Duration CLEANUP_BUDGET = Duration.ofMinutes(2);

  private final JobContext context;
  private final RdsPort rds;
  private final SafetyGuard guard;
  private final Timeouts timeouts;

  RdsSteps(JobContext context, RdsPort rds, SafetyGuard guard, Timeouts timeouts) {
    this.context = context;
    this.rds = rds;
    this.guard = guard;
    this.timeouts = timeouts;
  }

  Resource resource(Cluster c) {
    return new Resource("rds cluster", c.id(), () -> rds.tags(c.arn()));
  }

  Resource resource(Snapshot s) {
    return new Resource("rds cluster snapshot", s.name(), () -> rds.tags(s.arn()));
  }

  /**
   * An instance is guarded as part of its cluster: the allowlist is matched against the cluster's
   * identifier (targets are clusters), the managed tag is read from the instance itself.
   */
  private Resource instanceResource(String clusterId, String member, Instance instance) {
    return new Resource(
        "rds instance " + member + " of cluster", clusterId, () -> rds.tags(instance.arn()));
  }

  /** A restored cluster: restores take hours, longer than any other wait. */
  Cluster awaitRestored(String id) {
    return awaitClusterAvailable(id, timeouts.restore());
  }

  Cluster awaitClusterAvailable(String id, Duration timeout) {
    return awaitAvailable("cluster " + id, timeout, () -> rds.cluster(id), Cluster::status);
  }

  void awaitInstanceAvailable(String id) {
    awaitAvailable("instance " + id, timeouts.instance(), () -> rds.instance(id), Instance::status);
  }

  Snapshot awaitSnapshotAvailable(String id) {
    return awaitAvailable(
        "snapshot " + id, timeouts.snapshot(), () -> rds.snapshot(id), Snapshot::status);
  }

  /**
   * Waits until {@code what} exists and is {@code available}; a state it cannot leave by itself
   * (failed, storage full, key inaccessible…) fails the wait at once instead of at its timeout.
   */
  private <T> T awaitAvailable(
      String what, Duration timeout, Supplier<Optional<T>> describe, Function<T, String> status) {
    return context
        .waiter()
        .until(
            what + " to become available",
            timeout,
            timeouts.backoff(),
            () -> {
              Optional<T> found = describe.get();
              if (found.isEmpty()) {
                return Poll.pending("not found yet");
              }
              String state = status.apply(found.get());
              failIfBroken(what, state);
              return "available".equals(state) ? Poll.done(found.get()) : Poll.pending(state);
            });
  }

  void awaitClusterGone(String id) {
    context
        .waiter()
        .until(
            "cluster " + id + " to be deleted",
            timeouts.delete(),
            timeouts.backoff(),
            () -> {
              Optional<Cluster> c = rds.cluster(id);
              return c.isEmpty() ? Poll.done(Boolean.TRUE) : Poll.pending(c.get().status());
            });
  }

  /**
   * Makes sure the cluster has {@code count} instances named {@code <cluster>-<n>}, creating the
   * missing ones (a re-run adopts those that exist), and waits until all are available.
   */
  void ensureInstances(
      Cluster cluster,
      int count,
      String instanceClass,
      String parameterGroup,
      Map<String, String> tags) {
    for (int n = 1; n <= count; n++) {
      String id = Names.instance(cluster.id(), n);
      Optional<Instance> existing = rds.instance(id);
      if (existing.isPresent() && !cluster.id().equals(existing.get().clusterId())) {
        throw JobException.refused(
            "name-taken",
            "instance "
                + id
                + " belongs to cluster "
                + existing.get().clusterId()
                + ", not "
                + cluster.id()
                + "; rename or delete it and re-run");
      }
      if (existing.isEmpty()) {
        LOG.info("creating instance {} ({}) in cluster {}", id, instanceClass, cluster.id());
        rds.createInstance(id, cluster.id(), instanceClass, cluster.engine(), parameterGroup, tags);
      } else {
        LOG.info("instance {} exists already: adopting it", id);
      }
      context.resource("instance", id);
    }
    for (int n = 1; n <= count; n++) {
      awaitInstanceAvailable(Names.instance(cluster.id(), n));
    }
  }

  /**
   * Deletes a cluster and its instances, through the guard; deletion protection is lifted (also
   * through the guard) only right before. Returns without waiting when {@code wait} is false.
   */
  void delete(Cluster cluster, boolean wait) {
    Resource resource = resource(cluster);
    guard.check(Operation.DELETE, resource);
    if (cluster.deletionProtection()) {
      guard.perform(
          Operation.MODIFY,
          resource,
          "rds:ModifyDBCluster(DeletionProtection=false)",
          () -> rds.setDeletionProtection(cluster.id(), false));
    }
    for (String member : cluster.members()) {
      Optional<Instance> i = rds.instance(member);
      if (i.isPresent() && !"deleting".equals(i.get().status())) {
        guard.perform(
            Operation.DELETE,
            instanceResource(cluster.id(), member, i.get()),
            "rds:DeleteDBInstance",
            () -> rds.deleteInstance(member));
      }
    }
    if (!"deleting".equals(cluster.status())) {
      guard.perform(
          Operation.DELETE,
          resource,
          "rds:DeleteDBCluster(SkipFinalSnapshot=true)",
          () -> rds.deleteCluster(cluster.id()));
    }
    if (wait) {
      awaitClusterGone(cluster.id());
    }
  }

  /** Renames a cluster and its instances (guarded: renaming moves the endpoint names). */
  Cluster rename(Cluster cluster, String newId) {
    guard.perform(
        Operation.MODIFY,
        resource(cluster),
        "rds:ModifyDBCluster(NewDBClusterIdentifier=" + newId + ")",
        () -> rds.renameCluster(cluster.id(), newId));
    Cluster renamed = awaitClusterAvailable(newId, timeouts.modify());
    renameInstances(renamed, cluster.id(), newId);
    return settle(newId);
  }

  /** Instances keep their old names after a cluster rename; give them the cluster's. */
  void renameInstances(Cluster cluster, String fromCluster, String toCluster) {
    List<String> members = cluster.members();
    for (String member : members) {
      String target = Names.renamedInstance(member, fromCluster, toCluster);
      if (member.equals(target)) {
        continue;
      }
      Optional<Instance> i = rds.instance(member);
      if (i.isEmpty()) {
        continue;
      }
      guard.perform(
          Operation.MODIFY,
          instanceResource(cluster.id(), member, i.get()),
          "rds:ModifyDBInstance(NewDBInstanceIdentifier=" + target + ")",
          () -> rds.renameInstance(member, target));
      awaitInstanceAvailable(target);
    }
  }

  /** Waits for a cluster the workflow just changed (password, protection) to settle. */
  Cluster settle(String id) {
    return awaitClusterAvailable(id, timeouts.modify());
  }

  /**
   * After a failure or cancellation, for a cluster this run created: it is tagged expired now (the
   * next run or teardown removes it); on cancellation its deletion is started without waiting.
   * Never throws: the original failure is what the run reports.
   */
  void abandon(String id, Throwable failure) {
    cleanup(
        "clean up " + id,
        () -> {
          Optional<Cluster> c = rds.cluster(id);
          if (c.isEmpty() || !Tags.isOfRun(c.get().tags(), context.runId())) {
            return;
          }
          rds.addTags(c.get().arn(), Map.of(Tags.EXPIRES_AT, context.clock().instant().toString()));
          if (failure instanceof JobException j && j.exitCode() == ExitCode.CANCELLED) {
            LOG.warn("cancelled: deleting {} without waiting", id);
            // The cluster as just described: the guard reads its tags afresh.
            delete(c.get(), false);
          } else {
            LOG.warn(
                "{} is left for investigation, marked expired: the next run or"
                    + " 'aurora-restore teardown' deletes it",
                id);
          }
        });
  }

  /**
   * Runs {@code action} after a failure or cancellation, through the runtime's cleanup: never
   * throws, and the run's cancellation does not stop it. Nothing in it waits for RDS (deletions are
   * only started), so a short budget is enough. A dry run changed nothing, so it has nothing to
   * clean up (and its plan lists no cleanup calls).
   */
  void cleanup(String what, Runnable action) {
    if (!context.dryRun()) {
      context.cleanup(CLEANUP_BUDGET).run(what, action);
    }
  }

  private static void failIfBroken(String what, String status) {
    if (status != null && FAILED_STATES.contains(status)) {
      throw new JobException(
          ExitCode.FAULT,
          "rds-" + status,
          what + " is in state '" + status + "'; see its events in the RDS console");
    }
  }
}
