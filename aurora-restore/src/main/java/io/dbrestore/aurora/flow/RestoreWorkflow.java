package io.dbrestore.aurora.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.aurora.rds.RdsPort.ClusterSpec;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.snapshot.RestoreKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
 * already finished by this run is reported as it is. {@link SourceChoice} chooses what to restore;
 * {@link Swap} owns the three names and the renames between them.
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
      String pointInTime,
      Duration waitForSnapshot) {}

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

  /**
   * What a restore reports: the task output, in this order.
   *
   * @param strategy {@code swap} or {@code replace}
   * @param source the snapshot's name, or {@code <cluster>@<time>}; null when a target this run had
   *     finished does not say
   * @param restoredByThisCall false when this run had finished the target before (a re-run)
   * @param expiresAt when a temporary target expires; absent for a permanent one
   * @param ttl the requested time to live, when the target carries no expiry; absent otherwise
   */
  public record Result(
      String cluster,
      String clusterArn,
      String endpoint,
      String strategy,
      String source,
      List<String> instances,
      boolean restoredByThisCall,
      @JsonInclude(JsonInclude.Include.NON_NULL) String expiresAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String ttl) {}

  private final JobContext context;
  private final RdsPort rds;
  private final SafetyGuard guard;
  private final RdsSteps steps;
  private final SourceChoice sources;
  private final Swap swap;
  private final SqlSteps sql;
  private final Supplier<String> masterPassword;
  private final Request request;
  private final String runId;
  private final String target;
  private final String next;

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
    this.steps = new RdsSteps(context, rds, guard, timeouts);
    this.sources = new SourceChoice(context, rds);
    this.swap = new Swap(context, rds, guard, steps, target);
    this.next = swap.next();
  }

  public Result run() throws Exception {
    context.resource("cluster", target);
    swap.checkPlanned();
    try {
      return runSteps();
    } catch (RuntimeException | Error e) {
      abandon(e);
      throw e;
    }
  }

  private Result runSteps() throws Exception {
    context.step("inspect");
    Optional<Cluster> current = rds.cluster(target);
    if (current.isPresent() && readyByThisRun(current.get())) {
      LOG.info("cluster {} was already restored by this run", target);
      swap.deleteOld();
      context.metrics().refreshed();
      return result(current.get(), current.get().tags().get(Tags.SOURCE_SNAPSHOT), false);
    }
    // A re-run that stopped after renaming its cluster into place goes on from there.
    boolean renamedIn = current.isPresent() && Tags.isOfRun(current.get().tags(), runId);
    if (current.isPresent() && !renamedIn) {
      // Refuse before anything is created: the old target must be ours to replace.
      guard.check(Operation.RESTORE_OVER, steps.resource(current.get()));
    }
    Optional<Cluster> ours =
        (renamedIn ? current : rds.cluster(next)).filter(c -> Tags.isOfRun(c.tags(), runId));

    SourceChoice.Chosen source;
    if (ours.isPresent()) {
      source = SourceChoice.adopted(ours.get());
    } else {
      context.step("choose-source");
      source = sources.forRestore(request.source(), sql.rulesSha256() != null);
      if (source.snapshot() != null) {
        context.metrics().snapshotAge(source.snapshot().created(), context.clock().instant());
        RestoreKey.check(
            request.kmsKey(),
            source.snapshot().id(),
            source.snapshot().account(),
            context.callerAccount(),
            "alias/aws/rds");
      }
      context.step("remove-leftovers");
      swap.removeLeftovers();
    }
    context.resource("source", source.name());

    if (!renamedIn && request.strategy() == Strategy.REPLACE) {
      context.step("delete-target");
      deleteTarget();
    }

    Cluster restored = renamedIn ? current.get() : restore(ours, source);

    context.step("credentials");
    String password = password(source);
    if (password != null) {
      rds.setMasterPassword(restored.id(), password);
      restored = steps.settle(restored.id());
    }

    if (source.needsMasking() && !renamedIn) {
      context.step("mask");
      // Tagged masked only when it was (a dry run masks nothing).
      Optional<MaskingResult> masked =
          sql.mask(SqlEndpoint.of(restored, request.database(), password));
      if (masked.isPresent()) {
        context.metrics().masking(masked.get().documentsMasked(), masked.get().seconds());
        context.metrics().verification(masked.get().verified());
        rds.addTags(restored.arn(), Map.of(Tags.MASKED, "true"));
      }
    }

    if (sql.postRestoreConfigured()) {
      context.step("post-restore-sql");
      sql.postRestore(SqlEndpoint.of(restored, request.database(), password));
    }

    context.step("swap-in");
    Cluster live = renamedIn ? swap.finishSwapIn(restored) : swap.swapIn(restored);

    context.step("finish");
    rds.addTags(live.arn(), Map.of(Tags.STATE, Tags.STATE_READY));
    swap.deleteOld();
    context.metrics().refreshed();
    return result(live, source.name(), true);
  }

  private boolean readyByThisRun(Cluster c) {
    return Tags.isOfRun(c.tags(), runId) && Tags.STATE_READY.equals(c.tags().get(Tags.STATE));
  }

  /** {@code replace}: the old target goes before the restore. */
  private void deleteTarget() {
    Optional<Cluster> existing = rds.cluster(target);
    if (existing.isPresent()) {
      LOG.info("replace: deleting cluster {} before the restore", target);
      steps.delete(existing.get(), true);
    }
  }

  /**
   * Restores {@code <cluster>-next} (or adopts this run's), gives it its instances and waits until
   * all are available.
   */
  private Cluster restore(Optional<Cluster> adopted, SourceChoice.Chosen source) {
    context.step("restore");
    context.resource("new-cluster", next);
    if (adopted.isPresent()) {
      LOG.info("cluster {} of this run exists already: adopting it", next);
    } else {
      startRestore(source);
    }
    Cluster restored = steps.awaitRestored(next);
    steps.ensureInstances(
        restored,
        request.instances(),
        request.instanceClass(),
        request.dbParameterGroup(),
        Tags.created(runId, Tags.ROLE_TARGET, context.clock().instant()));
    return steps.settle(restored.id());
  }

  private void startRestore(SourceChoice.Chosen source) {
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

  /**
   * The environment's master password; else a one-off one when dbrestore itself must connect (to
   * mask, or to run the post-restore SQL); else none (the snapshot's stays).
   */
  private String password(SourceChoice.Chosen source) {
    String password = masterPassword == null ? null : masterPassword.get();
    if (password == null && (source.needsMasking() || sql.postRestoreConfigured())) {
      password = Passwords.oneOff();
    }
    return password;
  }

  private Result result(Cluster live, String sourceName, boolean restoredNow) {
    String expiresAt = live.tags().get(Tags.EXPIRES_AT);
    return new Result(
        live.id(),
        live.arn(),
        live.endpoint(),
        request.strategy().name().toLowerCase(Locale.ROOT),
        sourceName,
        live.members(),
        restoredNow,
        expiresAt,
        expiresAt == null && request.ttl() != null ? request.ttl().toString() : null);
  }

  /**
   * After a failure or cancellation before the swap: the target is untouched; the replacement is
   * marked expired and, on cancellation, deleted. Between the two renames, the old target is
   * renamed back first.
   */
  private void abandon(Throwable failure) {
    swap.putBack();
    steps.abandon(next, failure);
  }
}
