package io.dbrestore.mongo.restore;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Preflight;
import io.dbrestore.mongo.ec2.InstanceOptions;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.cli.SourceSnapshotOptions;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.preflight.Preflight;
import io.dbrestore.runtime.preflight.Preflighted;
import io.dbrestore.runtime.snapshot.RestoreKey;
import java.time.Duration;
import java.util.Optional;
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
public final class RunCommand extends JobCommand implements Preflighted {
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

  /** The command line, checked before anything is touched (exit 2). */
  private Request request(JobContext context, Duration waitForSnapshot) {
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
    return new Request(
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
        waitForSnapshot);
  }

  @Override
  protected Object execute(JobContext context) {
    Request request = request(context, source.waitForSnapshot());
    MongodSteps mongod = instance.mongod(context);
    return new RestoreWorkflow(
            context,
            instance.ec2(context, RestoreWorkflow.JOB),
            context.guardForPort(),
            mongod,
            Timeouts.DEFAULT,
            request)
        .run();
  }

  /**
   * {@code preflight run}: the instance and its data volume are dbrestore's, the guard allows them,
   * the masked snapshot is there, the task role may make every call (simulated, and probed with
   * EC2's DryRun), and the mongod URI secret is readable.
   */
  @Override
  public void preflight(Preflight p) {
    JobContext context = p.context();
    Request request = request(context, Duration.ZERO);
    Ec2Preflight ec2 = new Ec2Preflight(p);
    p.guardAllows(Operation.STOP, "ec2 instance", request.instanceId());
    Optional<Ec2Preflight.Target> target = ec2.target(request.instanceId(), request.device());
    target
        .flatMap(Ec2Preflight.Target::volume)
        .ifPresent(v -> p.guardAllows(Operation.DELETE, "ec2 volume", v));
    Ec2Port.Snapshot found = null;
    try {
      found =
          new RestoreWorkflow(context, ec2.ec2(), context.guard(), null, Timeouts.DEFAULT, request)
              .snapshotNow();
      RestoreKey.check(
          request.kmsKey(), found.id(), found.ownerId(), context.callerAccount(), "alias/aws/ebs");
      p.ok(
          "source",
          "snapshot "
              + found.id()
              + " of "
              + found.startTime()
              + " from account "
              + found.ownerId());
    } catch (RuntimeException e) {
      p.failed("source", Preflight.reason(e));
    }
    if (target.isEmpty()) {
      p.skipped("permissions", "no instance to check them on");
    } else {
      p.permissions(
          Ec2Preflight.swap(
              ec2.arns(),
              target.get(),
              RestoreWorkflow.JOB,
              found,
              request.kmsKey(),
              Tags.ROLE_RESTORED_VOLUME));
      ec2.probeSwap(
          target.get(),
          RestoreWorkflow.JOB,
          found,
          request.kmsKey(),
          request.volumeType(),
          Tags.ROLE_RESTORED_VOLUME,
          request.device());
    }
    if (instance.mongoUriSecret != null) {
      p.check(
          "mongo uri secret",
          () -> {
            instance.mongoUri(context);
            return instance.mongoUriSecret + " holds a mongodb:// URI";
          });
    } else {
      p.skipped("mongo uri secret", "--mongo-uri given on the command line");
    }
  }
}
