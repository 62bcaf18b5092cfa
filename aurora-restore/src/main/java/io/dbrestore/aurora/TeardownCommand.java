package io.dbrestore.aurora;

import io.dbrestore.aurora.flow.AuroraPermissions;
import io.dbrestore.aurora.flow.Names;
import io.dbrestore.aurora.flow.TeardownWorkflow;
import io.dbrestore.aurora.flow.Timeouts;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.SdkRds;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.preflight.Check.Status;
import io.dbrestore.runtime.preflight.Preflight;
import io.dbrestore.runtime.preflight.Preflighted;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.rds.RdsClient;

/** {@code aurora-restore teardown}: removes expired (or one named) managed clusters. */
@Command(
    name = "teardown",
    description = {
      "Delete every managed cluster whose dbrestore:expires-at tag has passed (temporary"
          + " targets, and what failed or cancelled runs marked), or the one --cluster.",
      "Only clusters tagged dbrestore:managed=true that match the allowlist are deleted."
    })
public final class TeardownCommand extends JobCommand implements Preflighted {
  @Option(
      names = "--cluster",
      paramLabel = "<id>",
      description = "Delete this managed cluster now, expired or not.")
  String cluster;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(2);
  }

  /**
   * {@code preflight teardown}: the named cluster is dbrestore's and allowed (or, for the sweep,
   * how many managed clusters have expired), and the task role may make the calls.
   */
  @Override
  public void preflight(Preflight p) {
    if (cluster != null) {
      Names.clusterId("--cluster", cluster);
    }
    RdsPort rds = new SdkRds(p.aws().client(RdsClient.class, RdsClient::builder));
    if (cluster != null) {
      p.guardAllows(Operation.DELETE, "cluster", cluster);
      try {
        p.managed(
            "rds cluster",
            cluster,
            rds.cluster(cluster).map(RdsPort.Cluster::tags),
            Status.WARNING,
            "nothing to delete");
      } catch (RuntimeException e) {
        p.failed("target rds cluster " + cluster, Preflight.reason(e));
      }
    } else {
      p.check(
          "targets",
          () -> {
            List<RdsPort.Cluster> all = rds.clusters();
            Instant now = p.context().clock().instant();
            long managed = all.stream().filter(c -> Tags.isManaged(c.tags())).count();
            long expired =
                all.stream()
                    .filter(c -> Tags.isManaged(c.tags()))
                    .filter(c -> c.tags().get(Tags.EXPIRES_AT) != null)
                    .filter(c -> expired(c.tags().get(Tags.EXPIRES_AT), now))
                    .count();
            return all.size()
                + " clusters, "
                + managed
                + " carry "
                + Tags.MANAGED
                + "=true, "
                + expired
                + " of them expired (teardown deletes those the allowlist matches)";
          });
    }
    if (p.account() == null) {
      p.skipped("permissions", "the account is not known");
    } else {
      p.permissions(
          AuroraPermissions.teardown(
              new AuroraPermissions.Arns(p.partition(), p.region(), p.account()), cluster));
    }
  }

  private static boolean expired(String at, Instant now) {
    try {
      return !Instant.parse(at).isAfter(now);
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  @Override
  protected TeardownWorkflow.Result execute(JobContext context) {
    if (cluster != null) {
      Names.clusterId("--cluster", cluster);
    }
    return new TeardownWorkflow(
            context, AuroraRestore.rds(context), context.guardForPort(), Timeouts.DEFAULT)
        .run(cluster);
  }
}
