package io.dbrestore.aurora.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.guard.SafetyGuard;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code aurora-restore teardown}: deletes one named managed cluster, or every managed cluster
 * whose {@code dbrestore:expires-at} has passed (temporary targets, and what failed or cancelled
 * runs marked for removal). Every deletion goes through the guard.
 */
public final class TeardownWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(TeardownWorkflow.class);

  /**
   * What a teardown reports: the task output, in this order.
   *
   * @param deleted the clusters whose deletion it started (and waited for)
   * @param notYetExpired managed clusters with an expiry still ahead
   */
  /**
   * @param deleted the clusters deleted by this run
   * @param notYetExpired (a sweep) managed temporary clusters whose expiry has not passed
   * @param alreadyGone (a named cluster) it did not exist: deleted earlier, by hand or by an early
   *     teardown, before its one-time schedule fired — nothing to do, and nothing to alert about
   */
  public record Result(
      List<String> deleted,
      List<String> notYetExpired,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> alreadyGone) {}

  private final JobContext context;
  private final RdsPort rds;
  private final RdsSteps steps;

  public TeardownWorkflow(JobContext context, RdsPort rds, SafetyGuard guard, Timeouts timeouts) {
    this.context = context;
    this.rds = rds;
    this.steps = new RdsSteps(context, rds, guard, timeouts);
  }

  /**
   * @param cluster the cluster to delete, or null for every expired one
   */
  public Result run(String cluster) {
    context.step("find");
    List<Cluster> doomed = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    Instant now = context.clock().instant();
    List<String> gone = new ArrayList<>();
    if (cluster != null) {
      Optional<Cluster> c = rds.cluster(cluster);
      if (c.isPresent()) {
        doomed.add(c.get());
      } else {
        LOG.warn("cluster {} does not exist (already deleted?): nothing to tear down", cluster);
        gone.add(cluster);
      }
    } else {
      for (Cluster c : rds.clusters()) {
        String expires = c.tags().get(Tags.EXPIRES_AT);
        if (!Tags.isManaged(c.tags()) || expires == null) {
          continue;
        }
        try {
          if (!Instant.parse(expires).isAfter(now)) {
            doomed.add(c);
          } else {
            kept.add(c.id());
          }
        } catch (DateTimeParseException e) {
          LOG.warn(
              "cluster {} has an unreadable {} tag '{}': left alone",
              c.id(),
              Tags.EXPIRES_AT,
              expires);
        }
      }
    }
    context.step("delete");
    List<String> deleted = new ArrayList<>();
    for (Cluster c : doomed) {
      context.resource("cluster", c.id());
      LOG.info("tearing down cluster {}", c.id());
      steps.delete(c, false);
      deleted.add(c.id());
    }
    context.step("wait");
    for (String id : deleted) {
      steps.awaitClusterGone(id);
    }
    return new Result(deleted, kept, gone);
  }
}
