package io.dbrestore.aurora;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.aurora.flow.AuroraPermissions;
import io.dbrestore.aurora.flow.JdbcSqlSteps;
import io.dbrestore.aurora.flow.Names;
import io.dbrestore.aurora.flow.RestoreWorkflow;
import io.dbrestore.aurora.flow.SourceChoice;
import io.dbrestore.aurora.flow.SqlSteps;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.SdkRds;
import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.cli.MaskingOptions;
import io.dbrestore.masking.cli.MaskingPreflight;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.cli.DurationConverter;
import io.dbrestore.runtime.cli.SourceSnapshotOptions;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.preflight.Check.Status;
import io.dbrestore.runtime.preflight.Preflight;
import io.dbrestore.runtime.preflight.Preflighted;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.rds.RdsClient;

/** {@code aurora-restore restore}: a development target from a masked snapshot. */
@Command(
    name = "restore",
    description = {
      "In a development account: restore --cluster from the newest masked snapshot shared from"
          + " production (or --snapshot; or, in accounts not yet split, --source-cluster with"
          + " --point-in-time, which requires --rules and masks before the target is reachable).",
      "The new cluster is restored as <cluster>-next. --strategy swap (default) renames the old"
          + " target to <cluster>-old and the new one into its place once it is ready, then"
          + " deletes the old one; replace deletes the old target first."
    })
public final class RestoreCommand extends JobCommand implements Preflighted {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreCommand.class);

  @Mixin PlacementOptions placement;

  @Option(
      names = "--cluster",
      paramLabel = "<id>",
      required = true,
      description =
          "The target cluster (e.g. develop-app). The allowlist must match it,"
              + " <cluster>-next and <cluster>-old.")
  String cluster;

  @Option(
      names = "--strategy",
      paramLabel = "<swap|replace>",
      defaultValue = "swap",
      description =
          "swap (default): keep the old target until the new one is ready; replace:"
              + " delete it first.")
  String strategy;

  @Option(
      names = "--snapshot",
      paramLabel = "<arn|id>",
      description =
          "Restore this snapshot instead of the newest masked one (wins over"
              + " --source-cluster-name: a hand-started release run names its snapshot).")
  String snapshot;

  @Mixin SourceSnapshotOptions source;

  @Option(
      names = "--snapshot-prefix",
      paramLabel = "<prefix>",
      defaultValue = "dbrestore-masked",
      description = "Prefix of the masked snapshots' names. Default: dbrestore-masked.")
  String prefix;

  @Option(
      names = "--source-cluster-name",
      paramLabel = "<id>",
      description =
          "The production cluster whose masked snapshots to take. Default: --cluster"
              + " without its environment prefix is NOT guessed: required unless --snapshot or"
              + " --point-in-time.")
  String sourceClusterName;

  @Option(
      names = "--source-cluster",
      paramLabel = "<id>",
      description = "Same-account cluster to restore to a point in time (not yet split accounts).")
  String sourceCluster;

  @Option(
      names = "--point-in-time",
      paramLabel = "<latest|instant>",
      description = "With --source-cluster: latest, or e.g. 2026-11-24T23:00:00Z.")
  String pointInTime;

  @Option(
      names = "--rules",
      paramLabel = "<file|s3://bucket/key>",
      description =
          "Masking rules (a file or a versioned S3 object); required when the source is not a"
              + " masked snapshot.")
  String rules;

  @Option(
      names = "--masking-key-secret",
      paramLabel = "<arn>",
      description = "Secrets Manager secret with the masking key (else DBRESTORE_MASKING_KEY).")
  String maskingKeySecret;

  @Option(
      names = "--parallelism",
      paramLabel = "<n>",
      defaultValue = "8",
      description = "Masking workers. Default: 8.")
  int parallelism;

  @Option(
      names = "--instances",
      paramLabel = "<n>",
      defaultValue = "1",
      description = "How many instances the new cluster gets. Default: 1.")
  int instances;

  @Option(
      names = "--db-cluster-parameter-group",
      paramLabel = "<name>",
      description = "Cluster parameter group of the new cluster.")
  String clusterParameterGroup;

  @Option(
      names = "--db-parameter-group",
      paramLabel = "<name>",
      description = "Parameter group of the new instances.")
  String dbParameterGroup;

  @Option(
      names = "--deletion-protection",
      description =
          "Turn on deletion protection on the new cluster (lifted by dbrestore only"
              + " right before it deletes it).")
  boolean deletionProtection;

  @Option(
      names = "--master-password-secret",
      paramLabel = "<arn>",
      description =
          "Set the master password from this secret (a string, or JSON with" + " \"password\").")
  String masterPasswordSecret;

  @Option(
      names = "--post-restore-sql",
      paramLabel = "<file>",
      description =
          "SQL run as the master user after the restore (environment settings);"
              + " should be safe to run twice.")
  Path postRestoreSql;

  @Option(
      names = "--database",
      paramLabel = "<name>",
      description =
          "PostgreSQL database to mask and run SQL in. Default: the cluster's, else" + " postgres.")
  String database;

  @Option(
      names = "--ttl",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Temporary target: tag it to expire after this long ('aurora-restore"
              + " teardown' deletes it then).")
  Duration ttl;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(10);
  }

  @Override
  protected RestoreWorkflow.Result execute(JobContext context) throws Exception {
    context.step("check-input");
    RestoreWorkflow.Request request = request();
    MaskingPlan plan = null;
    if (rules != null) {
      context.step("load-rules");
      plan = MaskingInputs.plan(context, rules, MaskingInputs.key(context, maskingKeySecret));
    }
    SqlSteps sql =
        new JdbcSqlSteps(
            context, plan, parallelism, 200_000, postRestoreSql, MaskingOptions.progress(LOG));
    Supplier<String> password =
        masterPasswordSecret == null ? null : () -> password(context, masterPasswordSecret);
    return new RestoreWorkflow(
            context,
            AuroraRestore.rds(context),
            context.guardForPort(),
            AuroraRestore.sql(context, sql),
            password,
            placement.timeouts(),
            request)
        .run();
  }

  /**
   * {@code preflight restore}: the guard allows the three names, the target is dbrestore's (or not
   * there yet), the source snapshot is there, the task role may make every call of the restore, and
   * the masking key, rules and master password load.
   */
  @Override
  public void preflight(Preflight p) {
    // Options that the command would reject are exit 2, as for the command.
    RestoreWorkflow.Request request = request();
    JobContext context = p.context();
    for (String c : List.of(cluster, Names.next(cluster), Names.old(cluster))) {
      p.guardAllows(Operation.DELETE, "cluster", c);
    }
    RdsPort rds = new SdkRds(p.aws().client(RdsClient.class, RdsClient::builder));
    Optional<RdsPort.Cluster> target = Optional.empty();
    try {
      target = rds.cluster(cluster);
      p.managed(
          "rds cluster",
          cluster,
          target.map(RdsPort.Cluster::tags),
          Status.WARNING,
          "this restore creates it");
    } catch (RuntimeException e) {
      p.failed("target rds cluster " + cluster, Preflight.reason(e));
    }
    Optional<RdsPort.Snapshot> snapshotFound = Optional.empty();
    try {
      snapshotFound = SourceChoice.restoreSourceNow(context, rds, request.source(), rules != null);
      p.ok(
          "source",
          snapshotFound
              .map(
                  s -> "snapshot " + s.name() + " of " + s.created() + " in account " + s.account())
              .orElse("cluster " + sourceCluster + " at " + pointInTime));
    } catch (RuntimeException e) {
      p.failed("source", Preflight.reason(e));
    }
    if (p.account() == null) {
      p.skipped("permissions", "the account is not known");
    } else {
      p.permissions(
          AuroraPermissions.restore(
              new AuroraPermissions.Arns(p.partition(), p.region(), p.account()),
              new AuroraPermissions.Restore(
                  cluster,
                  request.strategy(),
                  instances,
                  snapshotFound.map(RdsPort.Snapshot::arn).orElse(null),
                  snapshotFound.map(RdsPort.Snapshot::kmsKeyId).orElse(null),
                  sourceCluster,
                  placement.dbSubnetGroup,
                  clusterParameterGroup,
                  dbParameterGroup,
                  placement.kmsKey,
                  ttl != null,
                  context.env().get("DBRESTORE_TARGET") != null,
                  target.map(RdsPort.Cluster::tags).orElse(null))));
    }
    MaskingPreflight.check(p, rules, maskingKeySecret);
    if (masterPasswordSecret != null) {
      p.check(
          "master password secret",
          () -> {
            password(context, masterPasswordSecret);
            return masterPasswordSecret + " holds a password";
          });
    }
  }

  /** What the command line asks for, checked before anything is touched (exit 2). */
  private RestoreWorkflow.Request request() {
    Names.clusterId("--cluster", cluster);
    placement.check();
    RestoreWorkflow.Strategy strat;
    try {
      strat = RestoreWorkflow.Strategy.valueOf(strategy.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw JobException.invalidInput("--strategy '" + strategy + "' is not one of swap, replace");
    }
    boolean pit = pointInTime != null || sourceCluster != null;
    if (snapshot != null && pit) {
      throw JobException.invalidInput(
          "give either --snapshot or --source-cluster with --point-in-time, not both");
    }
    if (snapshot == null && !pit && sourceClusterName == null) {
      throw JobException.invalidInput(
          "no source: give --source-cluster-name <production cluster> (the newest masked"
              + " snapshot), --snapshot <arn>, or --source-cluster <id> --point-in-time"
              + " <latest|instant>");
    }
    if (pit && sourceClusterName != null) {
      throw JobException.invalidInput(
          "--source-cluster-name (masked snapshots) and --point-in-time (unmasked) exclude each"
              + " other");
    }
    if ((sourceCluster == null) != (pointInTime == null)) {
      throw JobException.invalidInput("--source-cluster and --point-in-time go together");
    }
    SourceChoice.checkPointInTime(pointInTime);
    source.validate();
    if (instances < 1 || instances > 15) {
      throw JobException.invalidInput("--instances must be 1 to 15, got " + instances);
    }
    if (pointInTime != null && rules == null) {
      throw JobException.invalidInput(
          "--point-in-time restores unmasked data: --rules is required (it is masked before"
              + " the target becomes reachable)");
    }
    JdbcSqlSteps.checkSqlFile(postRestoreSql);
    return new RestoreWorkflow.Request(
        cluster,
        strat,
        new RestoreWorkflow.Source(
            snapshot,
            source.sourceAccount,
            prefix,
            sourceClusterName,
            source.maxAge,
            sourceCluster,
            pointInTime,
            source.waitForSnapshot()),
        placement.instanceClass,
        instances,
        clusterParameterGroup,
        dbParameterGroup,
        placement.dbSubnetGroup,
        placement.securityGroups,
        placement.kmsKey,
        deletionProtection,
        ttl,
        database);
  }

  /** The master password in the secret: a plain string, or JSON with "password" (read once). */
  static String password(JobContext context, String secret) {
    String raw = context.secrets().string(secret);
    if (raw.trim().startsWith("{")) {
      String p;
      try {
        p = new ObjectMapper().readTree(raw).path("password").asText("");
      } catch (IOException e) {
        throw JobException.invalidInput("secret " + secret + " starts like JSON but is not JSON");
      }
      if (p.isEmpty()) {
        throw JobException.invalidInput(
            "secret " + secret + " is JSON without a \"password\" field");
      }
      Redactor.registerSecret(p);
      return p;
    }
    if (raw.isEmpty()) {
      throw JobException.invalidInput("secret " + secret + " is empty");
    }
    return raw;
  }
}
