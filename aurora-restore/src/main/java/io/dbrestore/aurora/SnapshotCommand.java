package io.dbrestore.aurora;

import io.dbrestore.aurora.flow.JdbcSqlSteps;
import io.dbrestore.aurora.flow.Names;
import io.dbrestore.aurora.flow.SnapshotWorkflow;
import io.dbrestore.aurora.flow.SourceChoice;
import io.dbrestore.aurora.flow.SqlSteps;
import io.dbrestore.masking.cli.MaskingOptions;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.cli.PublishOptions;
import io.dbrestore.runtime.error.JobException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
public final class SnapshotCommand extends JobCommand {
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
