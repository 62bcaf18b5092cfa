package io.dbrestore.mongo.snapshot;

import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Instance;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.Ec2Steps;
import io.dbrestore.mongo.ec2.Mongod;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.guard.SafetyGuard;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mongo-mask-snapshot run}: the masked EBS snapshot, made on the masking instance in the
 * production account. Every step looks before it acts, so a re-run of the same run id adopts the
 * working volume and snapshot the first attempt made (found by tag) and carries on from there.
 */
public final class MaskSnapshotWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(MaskSnapshotWorkflow.class);
  public static final String JOB = "mongo-mask-snapshot";

  /** Masks the copy that mongod serves and runs the verification gate. */
  @FunctionalInterface
  public interface Masker {
    MaskingResult mask(JobContext context, Mongod mongod);
  }

  /** The task result. */
  public record Result(
      String snapshotId,
      String sourceSnapshotId,
      String runId,
      Map<String, Long> manifest,
      long documents,
      String manifestSha256,
      List<String> sharedWith,
      String workingVolumeId,
      List<String> deletedSnapshots,
      Map<String, Object> masking) {}

  private final JobContext context;
  private final Ec2Steps steps;
  private final Request request;
  private final MaskedSnapshots masked;
  private final PrepareCopy prepare;
  private final MaskCopy mask;
  private final PublishSnapshot publish;

  /**
   * @param ec2 the SDK adapter, or in a dry run {@link io.dbrestore.mongo.ec2.DryRunEc2}
   * @param guard {@link JobContext#guardForPort()}
   * @param mongod the mongod on the instance, or in a dry run its plan printer
   */
  public MaskSnapshotWorkflow(
      JobContext context,
      Ec2Port ec2,
      SafetyGuard guard,
      MongodSteps mongod,
      Masker masker,
      Timeouts timeouts,
      Request request) {
    this.context = context;
    this.request = request;
    this.steps = new Ec2Steps(context, guard, ec2, timeouts);
    this.masked = new MaskedSnapshots(ec2, request);
    this.prepare = new PrepareCopy(context, ec2, steps, mongod, masked, timeouts, request);
    this.mask = new MaskCopy(context, ec2, mongod, masker, request);
    this.publish = new PublishSnapshot(context, ec2, steps, mongod, masked, request);
  }

  /**
   * The flow of SYSTEM.md: (1) a volume from the newest production snapshot, attached to the
   * masking instance; (2) the instance started, its copy checked; (3) masked; (4) the instance
   * stopped; (5) the masked volume snapshotted and shared. A re-run starts where the first attempt
   * stopped: at the snapshot it made, or at the volume it masked.
   */
  public Result run() {
    context.step("inspect");
    Instance instance = steps.instance(request.instanceId());
    context.resource("instance", instance.id());
    Optional<Snapshot> madeAlready = masked.ofThisRun();
    Optional<Volume> working = prepare.volumeOfThisRun();
    steps.checkSwap(instance, prepare.replaced(instance, working));

    Snapshot snapshot;
    MaskedCopy copy;
    if (madeAlready.isPresent()) {
      snapshot = madeAlready.get();
      LOG.info("adopting masked snapshot {} of this run ({})", snapshot.id(), request.runId());
      copy = MaskedCopy.of(snapshot);
    } else {
      if (working.filter(MaskCopy::isMasked).isPresent()) {
        copy = mask.adopt(working.get());
        publish.stop(instance.id(), true);
      } else {
        Snapshot source = prepare.source(working);
        Volume volume = prepare.run(instance, working, source);
        copy = mask.run(volume, source.id());
        publish.stop(instance.id(), false);
      }
      snapshot = publish.snapshot(copy);
    }
    PublishSnapshot.Published published = publish.shareAndCleanUp(snapshot.id());

    Manifest manifest = copy.manifest();
    return new Result(
        snapshot.id(),
        copy.sourceSnapshotId(),
        request.runId(),
        manifest.counts(),
        manifest.documents(),
        manifest.sha256(),
        request.shareWith(),
        published.workingVolumeId(),
        published.deletedSnapshots(),
        copy.masking());
  }
}
