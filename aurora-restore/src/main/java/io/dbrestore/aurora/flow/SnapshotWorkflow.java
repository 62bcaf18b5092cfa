package io.dbrestore.aurora.flow;

import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.aurora.rds.RdsPort.ClusterSpec;
import io.dbrestore.aurora.rds.RdsPort.Snapshot;
import io.dbrestore.aurora.rds.RdsPort.SnapshotType;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.SafetyGuard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code aurora-restore snapshot}, in the production account: restore a temporary cluster from the
 * source's backup (re-encrypted with the sharing key), mask and verify it, snapshot it, share the
 * snapshot, delete the temporary cluster, and keep only the newest masked snapshots.
 *
 * <p>Every step first looks at what exists: a re-run of the same run (same run id) adopts its
 * temporary cluster and its snapshot; temporary clusters left by other runs are deleted.
 */
public final class SnapshotWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotWorkflow.class);

  /** What to snapshot and where the temporary cluster lives. */
  public record Request(
      String sourceCluster,
      String sourceSnapshot,
      String pointInTime,
      String dbSubnetGroup,
      List<String> securityGroups,
      String kmsKey,
      String instanceClass,
      List<String> shareWith,
      int retention,
      String prefix,
      String database) {}

  /**
   * What a snapshot run reports: the task output, in this order.
   *
   * @param source the backup it was restored from; {@code (adopted)} when a re-run found its
   *     masking cluster, the snapshot's tag when it found its snapshot
   * @param deletedSnapshots this source's masked snapshots deleted beyond the retention
   * @param rulesVersion the S3 version of the rules object, null for a rules file in the image
   * @param manifest rows per table ({@code schema.table}) in the masked snapshot
   */
  public record Result(
      String snapshotArn,
      String snapshotId,
      String sourceCluster,
      String source,
      String rulesSha256,
      String rulesVersion,
      List<String> sharedWith,
      List<String> deletedSnapshots,
      int tables,
      long rows,
      Map<String, Long> manifest) {}

  private final JobContext context;
  private final RdsPort rds;
  private final RdsSteps steps;
  private final SafetyGuard guard;
  private final SourceChoice sources;
  private final SqlSteps sql;
  private final Request request;
  private final String runId;
  private final Pattern maskedSnapshotName;

  public SnapshotWorkflow(
      JobContext context,
      RdsPort rds,
      SafetyGuard guard,
      SqlSteps sql,
      Timeouts timeouts,
      Request request) {
    this.context = context;
    this.rds = rds;
    this.guard = guard;
    this.sql = sql;
    this.request = request;
    this.runId = context.runId();
    this.steps = new RdsSteps(context, rds, guard, timeouts);
    this.sources = new SourceChoice(context, rds);
    this.maskedSnapshotName =
        Names.maskedSnapshotPattern(request.prefix(), request.sourceCluster());
  }

  public Result run() throws Exception {
    String tempId = Names.maskingCluster(request.sourceCluster(), runId);
    context.resource("source-cluster", request.sourceCluster());
    // Refuse before hours of restoring and masking if the run could not clean up after itself.
    guard.checkPlanned(Operation.DELETE, "rds cluster", tempId);
    guard.checkPlanned(
        Operation.DELETE,
        "rds cluster snapshot",
        Names.maskedSnapshot(
            request.prefix(), request.sourceCluster(), context.clock().instant(), runId));
    try {
      return runSteps(tempId);
    } catch (RuntimeException | Error e) {
      steps.abandon(tempId, e);
      throw e;
    }
  }

  private Result runSteps(String tempId) throws Exception {
    context.step("find-existing");
    Optional<Snapshot> done = snapshotOfThisRun();
    Map<String, Long> manifest;
    Snapshot snapshot;
    String sourceName;
    if (done.isPresent()) {
      snapshot = done.get();
      LOG.info("masked snapshot {} of this run exists already: adopting it", snapshot.id());
      manifest =
          Manifest.fromTags(snapshot.id(), rds.tags(snapshot.arn()))
              .map(Manifest::counts)
              .orElse(Map.of());
      sourceName = snapshot.tags().getOrDefault(Tags.SOURCE_SNAPSHOT, "");
    } else {
      context.step("remove-leftovers");
      removeLeftovers(tempId);

      context.step("choose-source");
      Optional<Cluster> existing = rds.cluster(tempId);
      Snapshot source = null;
      if (existing.isEmpty() || !Tags.isOfRun(existing.get().tags(), runId)) {
        source =
            sources.forSnapshot(
                request.sourceCluster(), request.sourceSnapshot(), request.pointInTime());
        if (source != null) {
          context.metrics().snapshotAge(source.created(), context.clock().instant());
        }
      }
      sourceName = source == null ? "(adopted)" : source.name();

      context.step("restore");
      Cluster temp = restore(tempId, existing, source);
      steps.ensureInstances(
          temp,
          1,
          request.instanceClass(),
          null,
          Tags.created(runId, Tags.ROLE_MASKING, context.clock().instant()));

      context.step("credentials");
      String password = Passwords.oneOff();
      rds.setMasterPassword(tempId, password);
      temp = steps.settle(tempId);

      context.step("mask");
      manifest = mask(temp, password);

      context.step("create-snapshot");
      snapshot = createSnapshot(temp, sourceName, manifest);
    }
    context.resource("snapshot", snapshot.id());
    snapshot = steps.awaitSnapshotAvailable(snapshot.id());

    context.step("share");
    if (!request.shareWith().isEmpty()) {
      rds.shareSnapshot(snapshot.id(), request.shareWith());
      LOG.info("shared {} with {}", snapshot.id(), request.shareWith());
    }
    // Made and shared: published, whatever the clean-up after it does.
    context.metrics().snapshotPublished();

    context.step("delete-masking-cluster");
    Optional<Cluster> temp = rds.cluster(tempId);
    if (temp.isPresent()) {
      steps.delete(temp.get(), true);
    }

    context.step("retention");
    List<String> deleted = applyRetention(snapshot);

    return new Result(
        snapshot.arn(),
        snapshot.id(),
        request.sourceCluster(),
        sourceName,
        sql.rulesSha256(),
        sql.rulesVersion(),
        request.shareWith(),
        deleted,
        manifest.size(),
        manifest.values().stream().mapToLong(Long::longValue).sum(),
        manifest);
  }

  private List<Snapshot> ourSnapshots() {
    List<Snapshot> result = new ArrayList<>();
    for (Snapshot s : rds.snapshots(SnapshotType.MANUAL, null)) {
      if (maskedSnapshotName.matcher(s.name()).matches()
          && Tags.isManaged(s.tags())
          && request.sourceCluster().equals(s.tags().get(Tags.SOURCE))) {
        result.add(s);
      }
    }
    return result;
  }

  private Optional<Snapshot> snapshotOfThisRun() {
    return ourSnapshots().stream().filter(s -> runId.equals(s.tags().get(Tags.RUN_ID))).findFirst();
  }

  /** Temporary clusters of this source left by other (crashed or cancelled) runs. */
  private void removeLeftovers(String tempId) {
    for (Cluster c : rds.clusters()) {
      Map<String, String> tags = c.tags();
      if (!c.id().equals(tempId)
          && Tags.isManaged(tags)
          && Tags.ROLE_MASKING.equals(tags.get(Tags.ROLE))
          && request.sourceCluster().equals(tags.get(Tags.SOURCE))
          && !runId.equals(tags.get(Tags.RUN_ID))) {
        LOG.warn("removing masking cluster {} left by run {}", c.id(), tags.get(Tags.RUN_ID));
        steps.delete(c, false);
      }
    }
  }

  private Cluster restore(String tempId, Optional<Cluster> existing, Snapshot source) {
    context.resource("masking-cluster", tempId);
    if (existing.isPresent()) {
      if (!Tags.isOfRun(existing.get().tags(), runId)) {
        throw JobException.refused(
            "name-taken",
            "cluster "
                + tempId
                + " exists but was not created by this run; delete or rename it and re-run");
      }
      LOG.info("masking cluster {} of this run exists already: adopting it", tempId);
    } else {
      Map<String, String> tags = Tags.created(runId, Tags.ROLE_MASKING, context.clock().instant());
      tags.put(Tags.SOURCE, request.sourceCluster());
      if (source != null) {
        tags.put(Tags.SOURCE_SNAPSHOT, source.name());
      }
      ClusterSpec spec =
          new ClusterSpec(
              tempId,
              request.dbSubnetGroup(),
              request.securityGroups(),
              request.kmsKey(),
              null,
              false,
              tags);
      if (source == null) {
        Instant at = SourceChoice.pointInTime(request.pointInTime());
        LOG.info(
            "restoring {} from {} at {}",
            tempId,
            request.sourceCluster(),
            at == null ? "its latest restorable time" : at);
        rds.restoreToPointInTime(request.sourceCluster(), at, spec);
      } else {
        LOG.info("restoring {} from snapshot {}", tempId, source.id());
        rds.restoreFromSnapshot(source, spec);
      }
    }
    return steps.awaitRestored(tempId);
  }

  private Map<String, Long> mask(Cluster temp, String password) throws Exception {
    Optional<MaskingResult> result = sql.mask(SqlEndpoint.of(temp, request.database(), password));
    result.ifPresent(
        r -> {
          LOG.info(
              "masked and verified {} tables ({} rows changed)",
              r.manifest().size(),
              r.documentsMasked());
          context.metrics().masking(r.documentsMasked(), r.seconds()).verification(r.verified());
        });
    return result.map(MaskingResult::manifest).orElse(Map.of());
  }

  private Snapshot createSnapshot(Cluster temp, String sourceName, Map<String, Long> manifest) {
    for (Snapshot s : rds.snapshots(SnapshotType.MANUAL, temp.id())) {
      if (Tags.isOfRun(s.tags(), runId)) {
        return s;
      }
    }
    Instant now = context.clock().instant();
    String id = Names.maskedSnapshot(request.prefix(), request.sourceCluster(), now, runId);
    Map<String, String> tags = Tags.created(runId, Tags.ROLE_MASKED_SNAPSHOT, now);
    tags.put(Tags.SOURCE, request.sourceCluster());
    tags.put(Tags.SOURCE_SNAPSHOT, sourceName);
    tags.put(Tags.MASKED, "true");
    if (sql.rulesSha256() != null) {
      tags.put(Tags.RULES_SHA256, sql.rulesSha256());
    }
    if (sql.rulesVersion() != null) {
      tags.put(Tags.RULES_VERSION, sql.rulesVersion());
    }
    Optional<Map<String, String>> manifestTags = new Manifest(manifest).tagsIfTheyFit();
    if (manifestTags.isPresent()) {
      tags.putAll(manifestTags.get());
    } else {
      // The tags are for audits (development cannot read them); the result carries it whole.
      LOG.warn("the manifest of {} tables does not fit into the snapshot's tags", manifest.size());
    }
    LOG.info("creating masked snapshot {}", id);
    return rds.createSnapshot(id, temp.id(), tags);
  }

  /** Deletes this source's masked snapshots beyond the newest {@code retention} (only ours). */
  private List<String> applyRetention(Snapshot current) {
    List<Snapshot> ours = ourSnapshots();
    List<String> deleted = new ArrayList<>();
    int kept = 0;
    for (Snapshot s : ours) {
      if (s.id().equals(current.id()) || kept < request.retention()) {
        kept++;
        continue;
      }
      if (!s.available()) {
        continue;
      }
      guard.perform(
          Operation.DELETE,
          steps.resource(s),
          "rds:DeleteDBClusterSnapshot",
          () -> rds.deleteSnapshot(s.id()));
      deleted.add(s.id());
    }
    if (!deleted.isEmpty()) {
      LOG.info("deleted masked snapshots beyond the newest {}: {}", request.retention(), deleted);
    }
    return deleted;
  }
}
