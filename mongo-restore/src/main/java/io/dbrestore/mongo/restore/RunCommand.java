package io.dbrestore.mongo.restore;

import io.dbrestore.mongo.ec2.InstanceOptions;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.cli.SourceSnapshotOptions;
import io.dbrestore.runtime.error.JobException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mongo-restore run}: today's masked snapshot under the development instance. */
@Command(
    name = "run",
    description = {
      "Swap the newest masked snapshot shared from production (or --snapshot) in under a"
          + " development MongoDB instance: a new volume from it, the instance stopped, its data"
          + " volume detached and kept, the new one attached, the instance started, mongod"
          + " checked against the snapshot's manifest; only then is the old volume deleted. If"
          + " anything fails after the detach, the old volume is put back and the instance"
          + " started.",
      "A re-run with the same --run-id adopts what the first attempt made. See docs/mongo-ec2.md."
    })
public final class RunCommand extends JobCommand {
  @Mixin InstanceOptions instance;

  @Option(
      names = "--snapshot",
      paramLabel = "<snap-…>",
      description = "Restore this masked snapshot instead of the newest one.")
  String snapshot;

  @Mixin SourceSnapshotOptions source;

  @Option(
      names = "--label",
      paramLabel = "<label>",
      defaultValue = "main",
      description = "Which kind of masked snapshot (mongo-mask-snapshot --label). Default: main.")
  String label;

  @Option(
      names = "--kms-key",
      paramLabel = "<arn>",
      description =
          "Encrypt the new volume with this key of the development account; required for a"
              + " snapshot shared by another account (alias/aws/ebs will do), so that the"
              + " environment never depends on production's sharing key.")
  String kmsKey;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(3);
  }

  @Override
  protected Object execute(JobContext context) {
    instance.validate();
    if ((snapshot == null) == (source.sourceAccount == null)) {
      throw JobException.invalidInput("give exactly one of --snapshot and --source-account");
    }
    if (snapshot != null && !snapshot.matches("snap-[0-9a-f]{8,17}")) {
      throw JobException.invalidInput("--snapshot '" + snapshot + "' is not an EBS snapshot id");
    }
    source.validate();
    if (!label.matches("[a-z0-9][a-z0-9-]{0,39}")) {
      throw JobException.invalidInput("--label '" + label + "' is not a label");
    }
    MongodSteps mongod = instance.mongod(context);
    Request request =
        new Request(
            instance.runId(context),
            instance.instance,
            instance.device,
            snapshot,
            source.sourceAccount,
            source.maxAge,
            label,
            kmsKey,
            instance.volumeType,
            instance.volumeInitializationRate,
            source.waitForSnapshot());
    return new RestoreWorkflow(
            context,
            instance.ec2(context, RestoreWorkflow.JOB),
            context.guardForPort(),
            mongod,
            Timeouts.DEFAULT,
            request)
        .run();
  }
}
