package io.dbrestore.aurora;

import io.dbrestore.aurora.flow.AuroraPermissions;
import io.dbrestore.aurora.flow.JdbcSqlSteps;
import io.dbrestore.aurora.flow.Names;
import io.dbrestore.aurora.flow.SnapshotWorkflow;
import io.dbrestore.aurora.flow.SourceChoice;
import io.dbrestore.aurora.flow.SqlSteps;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.SdkRds;
import io.dbrestore.masking.cli.MaskingOptions;
import io.dbrestore.masking.cli.MaskingPreflight;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.cli.PublishOptions;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.preflight.Preflight;
import io.dbrestore.runtime.preflight.Preflighted;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.rds.RdsClient;

/** {@code aurora-restore snapshot}: a masked, shared snapshot of a production cluster. */
@Command(
    name = "snapshot",
    description = {
      "In the production account: restore a temporary cluster from the source's latest backup"
          + " (or a given snapshot or point in time), re-encrypted with --kms-key; mask and verify"
          + " it; snapshot it; share the snapshot with --share-with; delete the temporary cluster;"
          + " delete this source's masked snapshots beyond --retention.",
      "No snapshot is made unless masking passes verification. A re-run of the same execution"
          + " adopts what it already made."
    })
public final class SnapshotCommand extends JobCommand implements Preflighted {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCommand.class);

  @Mixin MaskingOptions masking;

  @Mixin PlacementOptions placement;

  @Option(
      names = "--source-cluster",
      paramLabel = "<id>",
      required = true,
      description = "The production cluster to copy.")
  String sourceCluster;

  @Option(
      names = "--source-snapshot",
      paramLabel = "<id|arn>",
      description = "Restore this snapshot instead of the newest automated one.")
  String sourceSnapshot;

  @Option(
      names = "--point-in-time",
      paramLabel = "<latest|instant>",
      description = "Restore the source as of this time (latest, or e.g. 2026-11-24T23:00:00Z).")
  String pointInTime;

  @Mixin PublishOptions publish;

  @Option(
      names = "--snapshot-prefix",
      paramLabel = "<prefix>",
      defaultValue = "dbrestore-masked",
      description =
          "Masked snapshots are named <prefix>-<source>-<yyyyMMdd-HHmm>-<run>. Default:"
              + " dbrestore-masked.")
  String prefix;

  @Option(
      names = "--database",
      paramLabel = "<name>",
      description =
          "PostgreSQL database to mask (its schemas are the rules' databases). Default: the"
              + " cluster's, else postgres. MySQL: leave unset.")
  String database;

  @Option(
      names = "--range-rows",
      paramLabel = "<n>",
      defaultValue = "200000",
      description = "Split tables into primary-key ranges of about this many rows.")
  int rangeRows;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(12);
  }

  @Override
  protected SnapshotWorkflow.Result execute(JobContext context) throws Exception {
    SnapshotWorkflow.Request request = request();
    MaskingPlan plan = masking.plan(context);
    SqlSteps sql =
        new JdbcSqlSteps(
            context, plan, masking.parallelism, rangeRows, null, MaskingOptions.progress(LOG));
    return new SnapshotWorkflow(
            context,
            AuroraRestore.rds(context),
            context.guardForPort(),
            AuroraRestore.sql(context, sql),
            placement.timeouts(),
            request)
        .run();
  }

  /**
   * {@code preflight snapshot}: the guard allows the temporary cluster, the source cluster and its
   * backup are there, the task role may make every call, the masking key and rules load.
   */
  @Override
  public void preflight(Preflight p) {
    // Options that the command would reject are exit 2, as for the command.
    SnapshotWorkflow.Request request = request();
    JobContext context = p.context();
    p.guardAllows(
        Operation.DELETE, "cluster", Names.maskingCluster(sourceCluster, context.runId()));
    RdsPort rds = new SdkRds(p.aws().client(RdsClient.class, RdsClient::builder));
    try {
      Optional<RdsPort.Cluster> source = rds.cluster(sourceCluster);
      if (source.isPresent()) {
        p.ok(
            "source rds cluster " + sourceCluster,
            "exists ("
                + source.get().engine()
                + "); it is only read: the guard never changes it, so it needs no managed tag");
      } else {
        p.failed(
            "source rds cluster " + sourceCluster, "does not exist in this account and region");
      }
    } catch (RuntimeException e) {
      p.failed("source rds cluster " + sourceCluster, Preflight.reason(e));
    }
    Optional<RdsPort.Snapshot> backup = Optional.empty();
    try {
      backup =
          SourceChoice.snapshotSourceNow(context, rds, sourceCluster, sourceSnapshot, pointInTime);
      p.ok(
          "source backup",
          backup
              .map(s -> "snapshot " + s.name() + " of " + s.created())
              .orElse("point in time " + pointInTime));
    } catch (RuntimeException e) {
      p.failed("source backup", Preflight.reason(e));
    }
    if (p.account() == null) {
      p.skipped("permissions", "the account is not known");
    } else {
      p.permissions(
          AuroraPermissions.snapshot(
              new AuroraPermissions.Arns(p.partition(), p.region(), p.account()),
              sourceCluster,
              backup.map(RdsPort.Snapshot::arn).orElse(null),
              backup.map(RdsPort.Snapshot::kmsKeyId).orElse(null),
              pointInTime != null,
              placement.dbSubnetGroup,
              placement.kmsKey,
              prefix));
    }
    MaskingPreflight.check(p, masking.rules, masking.maskingKeySecret);
  }

  /** What the command line asks for, checked before anything is touched (exit 2). */
  private SnapshotWorkflow.Request request() {
    Names.clusterId("--source-cluster", sourceCluster);
    placement.check();
    publish.validate();
    SourceChoice.checkPointInTime(pointInTime);
    if (sourceSnapshot != null && pointInTime != null) {
      throw JobException.invalidInput("give at most one of --source-snapshot and --point-in-time");
    }
    if (masking.verifyOnly) {
      throw JobException.invalidInput(
          "--verify-only does not apply to snapshot: use 'aurora-restore mask --verify-only'");
    }
    if (placement.kmsKey == null) {
      throw JobException.invalidInput(
          "--kms-key is required: the masked snapshot must be encrypted with a customer-managed"
              + " key to be shared");
    }
    if (placement.kmsKey.matches("(?i).*alias/aws/rds$")) {
      throw JobException.invalidInput(
          "--kms-key "
              + placement.kmsKey
              + " is the AWS-managed RDS key: snapshots encrypted with it"
              + " cannot be shared; give a customer-managed key");
    }
    if (publish.shareWith.isEmpty()) {
      LOG.warn("no --share-with: the masked snapshot stays in this account");
    }
    return new SnapshotWorkflow.Request(
        sourceCluster,
        sourceSnapshot,
        pointInTime,
        placement.dbSubnetGroup,
        placement.securityGroups,
        placement.kmsKey,
        placement.instanceClass,
        publish.shareWith,
        publish.retention,
        prefix,
        database);
  }
}
