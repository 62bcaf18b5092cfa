package io.dbrestore.aurora;

import io.dbrestore.aurora.flow.Names;
import io.dbrestore.aurora.flow.TeardownWorkflow;
import io.dbrestore.aurora.flow.Timeouts;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aurora-restore teardown}: removes expired (or one named) managed clusters. */
@Command(
    name = "teardown",
    description = {
      "Delete every managed cluster whose dbrestore:expires-at tag has passed (temporary"
          + " targets, and what failed or cancelled runs marked), or the one --cluster.",
      "Only clusters tagged dbrestore:managed=true that match the allowlist are deleted."
    })
public final class TeardownCommand extends JobCommand {
  @Option(
      names = "--cluster",
      paramLabel = "<id>",
      description = "Delete this managed cluster now, expired or not.")
  String cluster;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(2);
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
