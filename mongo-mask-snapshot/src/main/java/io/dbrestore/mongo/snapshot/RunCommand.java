package io.dbrestore.mongo.snapshot;

import com.mongodb.client.MongoClient;
import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.cli.MaskingOptions;
import io.dbrestore.masking.cli.MaskingPreflight;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.mongo.MongoCopy;
import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Preflight;
import io.dbrestore.mongo.ec2.InstanceOptions;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.PublishedMongodOptions;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.cli.PublishOptions;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.preflight.Preflight;
import io.dbrestore.runtime.preflight.Preflighted;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mongo-mask-snapshot run}: the whole production flow, from backup to shared snapshot. */
@Command(
    name = "run",
    description = {
      "Make today's masked snapshot on the masking instance: a working volume from the newest"
          + " snapshot of the production data volume at --device and a new blank volume at"
          + " --published-device; the instance started, both mongods awaited; the copy checked"
          + " against the previous masked snapshot's manifest (exit 3 if it does not look whole),"
          + " then copied masked into the blank volume's mongod and verified there (exit 5), the"
          + " working volume only read; the published copy's users and roles dropped and the"
          + " copy proved to hold nothing else (exit 3); mongods shut down, the instance stopped,"
          + " the PUBLISHED volume snapshotted with its manifest, shared, and both volumes and old"
          + " masked snapshots deleted.",
      "A re-run with the same --run-id adopts what the first attempt made. See docs/mongo-ec2.md."
    })
public final class RunCommand extends JobCommand implements Preflighted {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin InstanceOptions instance;

  @Mixin PublishedMongodOptions published;

  @Mixin MaskingOptions masking;

  @Option(
      names = "--source-volume",
      paramLabel = "<vol-…>",
      description = "The production data volume; its newest completed snapshot is masked.")
  String sourceVolume;

  @Option(
      names = "--source-volume-tag",
      paramLabel = "<Key=Value>",
      description =
          "Instead of --source-volume: the newest completed snapshot carrying this tag (as AWS"
              + " Backup or Data Lifecycle Manager set it).")
  String sourceVolumeTag;

  @Option(
      names = "--kms-key",
      paramLabel = "<arn>",
      required = true,
      description =
          "The customer-managed KMS key (its ARN) the volumes (and so the masked snapshot) are"
              + " encrypted with; the development accounts need a grant on it.")
  String kmsKey;

  @Mixin PublishOptions publish;

  @Option(
      names = "--label",
      paramLabel = "<label>",
      defaultValue = "main",
      description =
          "Names this kind of masked snapshot (in its description, which the development"
              + " account sees): one label per source database. Default: main.")
  String label;

  @Option(
      names = "--min-count-ratio",
      paramLabel = "<0..1>",
      defaultValue = "0.5",
      description =
          "Sanity check before masking: every collection must hold at least this share of the"
              + " documents it had in the previous masked snapshot. Default: 0.5.")
  double minCountRatio;

  @Mixin ChunkOptions chunks;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(8);
  }

  @Override
  protected Object execute(JobContext context) {
    instance.validate();
    published.validate(instance.device);
    validate();
    MaskingPlan plan = masking.plan(context);
    MongodSteps mongod = instance.mongod(context);
    MongodSteps publishedMongod = published.mongod(context);
    Request request =
        new Request(
            instance.runId(context),
            sourceVolume,
            sourceVolumeTag,
            instance.instance,
            instance.device,
            kmsKey,
            instance.volumeType,
            instance.volumeInitializationRate,
            List.copyOf(publish.shareWith),
            publish.retention,
            label,
            minCountRatio,
            plan.rules().sha256(),
            plan.rules().version(),
            published.publishedDevice,
            List.copyOf(plan.databases().keySet()));
    return new MaskSnapshotWorkflow(
            context,
            instance.ec2(context, MaskSnapshotWorkflow.JOB),
            context.guardForPort(),
            mongod,
            publishedMongod,
            masker(plan),
            Timeouts.DEFAULT,
            request)
        .run();
  }

  private void validate() {
    if ((sourceVolume == null) == (sourceVolumeTag == null)) {
      throw JobException.invalidInput(
          "give exactly one of --source-volume and --source-volume-tag");
    }
    if (sourceVolume != null && !sourceVolume.matches("vol-[0-9a-f]{8,17}")) {
      throw JobException.invalidInput(
          "--source-volume '" + sourceVolume + "' is not an EBS volume id (vol-0123…)");
    }
    if (sourceVolumeTag != null && !sourceVolumeTag.matches("[^=]+=.+")) {
      throw JobException.invalidInput(
          "--source-volume-tag '" + sourceVolumeTag + "' is not Key=Value");
    }
    publish.validate();
    if (!label.matches("[a-z0-9][a-z0-9-]{0,39}")) {
      throw JobException.invalidInput(
          "--label '" + label + "' must be lower-case letters, digits and hyphens (at most 40)");
    }
    if (!(minCountRatio >= 0 && minCountRatio <= 1)) {
      throw JobException.invalidInput("--min-count-ratio must be between 0 and 1");
    }
    if (masking.verifyOnly) {
      throw JobException.invalidInput("--verify-only belongs to 'mask', not 'run'");
    }
  }

  /**
   * {@code preflight run}: the masking instance is dbrestore's, the production snapshot is there,
   * the task role may make every call (simulated, and probed with EC2's DryRun), the masking key
   * and rules load, and the mongod URI secrets are readable.
   */
  @Override
  public void preflight(Preflight p) {
    instance.validate();
    published.validate(instance.device);
    validate();
    JobContext context = p.context();
    Ec2Preflight ec2 = new Ec2Preflight(p);
    p.guardAllows(Operation.STOP, "ec2 instance", instance.instance);
    Optional<Ec2Preflight.Target> target = ec2.target(instance.instance, instance.device);
    Ec2Port.Snapshot source = null;
    try {
      source = PrepareCopy.newestSource(ec2.ec2(), sourceVolume, sourceVolumeTag);
      p.ok("source", "snapshot " + source.id() + " of " + source.startTime());
    } catch (RuntimeException e) {
      p.failed("source", Preflight.reason(e));
    }
    if (target.isEmpty()) {
      p.skipped("permissions", "no instance to check them on");
    } else {
      p.permissions(
          Ec2Preflight.maskSnapshot(
              ec2.arns(),
              target.get(),
              MaskSnapshotWorkflow.JOB,
              source,
              kmsKey,
              List.copyOf(publish.shareWith)));
      ec2.probeMaskSnapshot(
          target.get(), MaskSnapshotWorkflow.JOB, source, kmsKey, instance.volumeType);
    }
    MaskingPreflight.check(p, masking.rules, masking.maskingKeySecret);
    if (instance.mongoUriSecret != null) {
      p.check(
          "mongo uri secret",
          () -> {
            instance.mongoUri(context);
            return instance.mongoUriSecret + " holds a mongodb:// URI";
          });
    }
    if (published.publishedUriSecret != null) {
      p.check(
          "published uri secret",
          () -> {
            published.publishedUri(context);
            return published.publishedUriSecret + " holds a mongodb:// URI";
          });
    }
  }

  /** Masks with {@link MongoCopy}: the source only read, the destination written. */
  MaskSnapshotWorkflow.Masker masker(MaskingPlan plan) {
    return (context, source, destination) -> {
      try (MongoClient from = source.connect();
          MongoClient to = destination.connect()) {
        MaskingResult result = new MongoCopy(from, to, plan, chunks.engine(masking, LOG)).run();
        masking.finish(context, plan, result, null, "documents", "collections");
        return result;
      } catch (MaskingException e) {
        throw MaskingInputs.toJobException(e);
      }
    };
  }
}
