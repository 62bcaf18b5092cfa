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
 * production account. The production copy on the working volume is only read; the masked copy is
 * written into a new blank volume, and only that volume is ever snapshotted, so nothing of
 * production but the masked documents crosses (no oplog, users, freed pages or free blocks). Every
 * step looks before it acts, so a re-run of the same run id adopts the volumes and snapshot the
 * first attempt made (found by tag) and carries on from there; an unfinished published volume is
 * made again from blank rather than carried on.
 */
public final class MaskSnapshotWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(MaskSnapshotWorkflow.class);
  public static final String JOB = "mongo-mask-snapshot";

  /**
   * Masks the copy that {@code source} serves (only reading it) into {@code destination}, a mongod
   * on a blank volume, and runs the verification gate there.
   */
  @FunctionalInterface
  public interface Masker {
    MaskingResult mask(JobContext context, Mongod source, Mongod destination);
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
      String publishedVolumeId,
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
   * @param mongod the mongod on the instance that serves the working volume, or in a dry run its
   *     plan printer
   * @param publishedMongod the mongod on the instance that serves the published volume
   */
  public MaskSnapshotWorkflow(
      JobContext context,
      Ec2Port ec2,
      SafetyGuard guard,
      MongodSteps mongod,
      MongodSteps publishedMongod,
      Masker masker,
      Timeouts timeouts,
      Request request) {
    this.context = context;
    this.request = request;
    this.steps = new Ec2Steps(context, guard, ec2, timeouts);
    this.masked = new MaskedSnapshots(ec2, request);
    ProveBlank proof = new ProveBlank(ec2, request);
    this.prepare =
        new PrepareCopy(context, ec2, steps, mongod, publishedMongod, masked, timeouts, request);
    this.mask = new MaskCopy(context, ec2, mongod, publishedMongod, masker, proof, request);
    this.publish =
        new PublishSnapshot(context, ec2, steps, mongod, publishedMongod, proof, masked, request);
  }

  /**
   * The flow of docs/mongo-ec2.md: (1) a volume from the newest production snapshot and a new blank
   * volume, both attached to the masking instance; (2) the instance started, the copy checked; (3)
   * masked into the blank volume, its users dropped, proved; (4) the instance stopped; (5) the
   * published volume snapshotted and shared, both volumes deleted. A re-run starts where the first
   * attempt stopped: at the snapshot it made, or at the published volume it finished.
   */
  public Result run() {
    context.step("inspect");
    Instance instance = steps.instance(request.instanceId());
    context.resource("instance", instance.id());
    Optional<Snapshot> madeAlready = masked.ofThisRun();
    Optional<Volume> working = prepare.volumeOfThisRun();
    Optional<Volume> published = prepare.publishedOfThisRun();
    steps.checkSwap(instance, prepare.replaced(instance, working));
    steps.checkSwap(instance, prepare.replacedPublished(instance, published));

    Snapshot snapshot;
    MaskedCopy copy;
    if (madeAlready.isPresent()) {
      snapshot = madeAlready.get();
      LOG.info("adopting masked snapshot {} of this run ({})", snapshot.id(), request.runId());
      copy = MaskedCopy.of(snapshot);
    } else {
      if (published.filter(MaskCopy::isMasked).isPresent()) {
        copy = mask.adopt(published.get());
        publish.stop(instance.id(), true);
      } else {
        Snapshot source = prepare.source(working);
        context.metrics().snapshotAge(source.startTime(), context.clock().instant());
        PrepareCopy.Volumes volumes = prepare.run(instance, working, published, source);
        context.metrics().dataGiB(volumes.working().sizeGiB());
        copy = mask.run(volumes.working(), volumes.published(), source.id());
        publish.stop(instance.id(), false);
      }
      snapshot = publish.snapshot(copy);
    }
    PublishSnapshot.Published done = publish.shareAndCleanUp(snapshot.id());

    Manifest manifest = copy.manifest();
    return new Result(
        snapshot.id(),
        copy.sourceSnapshotId(),
        request.runId(),
        manifest.counts(),
        manifest.documents(),
        manifest.sha256(),
        request.shareWith(),
        done.workingVolumeId(),
        done.publishedVolumeId(),
        done.deletedSnapshots(),
        copy.masking());
  }
}
