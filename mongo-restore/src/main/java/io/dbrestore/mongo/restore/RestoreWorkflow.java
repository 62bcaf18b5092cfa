package io.dbrestore.mongo.restore;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Instance;
import io.dbrestore.mongo.ec2.Ec2Port.NewVolume;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.Ec2Port.SnapshotQuery;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.Ec2Steps;
import io.dbrestore.mongo.ec2.MaskedSnapshotDescription;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.snapshot.RestoreKey;
import io.dbrestore.runtime.snapshot.SnapshotChoice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mongo-restore run}: swaps a masked snapshot in under a development MongoDB instance. The
 * old data volume is detached and kept until the new one is verified; if anything fails after the
 * detach, the instance is put back on the old volume and started.
 */
public final class RestoreWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreWorkflow.class);
  public static final String JOB = "mongo-restore";

  public record Result(
      String snapshotId,
      String runId,
      String volumeId,
      String previousVolumeId,
      boolean previousVolumeDeleted,
      Map<String, Long> manifest,
      long documents,
      String manifestSource,
      List<String> deletedVolumes) {}

  private final JobContext context;
  private final Ec2Port ec2;
  private final Ec2Steps steps;
  private final Request request;
  private final Timeouts timeouts;
  private final MongodSteps mongod;
  private final Rollback rollback;

  /**
   * @param ec2 the SDK adapter, or in a dry run {@link io.dbrestore.mongo.ec2.DryRunEc2}
   * @param guard {@link JobContext#guardForPort()}
   * @param mongod the mongod on the instance, or in a dry run its plan printer
   */
  public RestoreWorkflow(
      JobContext context,
      Ec2Port ec2,
      SafetyGuard guard,
      MongodSteps mongod,
      Timeouts timeouts,
      Request request) {
    this.context = context;
    this.ec2 = ec2;
    this.request = request;
    this.timeouts = timeouts;
    this.mongod = mongod;
    this.steps = new Ec2Steps(context, guard, ec2, timeouts);
    this.rollback = new Rollback(context, ec2, steps, mongod, timeouts, request);
  }

  /**
   * The flow of SYSTEM.md, with the new volume made first so that the environment is down only for
   * the swap: a volume from the masked snapshot; (1) the instance stopped; (2) the volume attached
   * in place of the old one, which is kept; (3) the instance started and the copy verified. Only
   * then is the old volume deleted; anything failing after the stop puts it back ({@link
   * Rollback}).
   */
  public Result run() {
    context.step("find-snapshot");
    Snapshot snapshot = findSnapshot();
    context.resource("snapshot", snapshot.id());
    context.metrics().snapshotAge(snapshot.startTime(), context.clock().instant());
    RestoreKey.check(
        request.kmsKey(),
        snapshot.id(),
        snapshot.ownerId(),
        context.callerAccount(),
        "alias/aws/ebs");
    Verification verification = Verification.of(snapshot);

    context.step("inspect");
    Instance instance = steps.instance(request.instanceId());
    context.resource("instance", instance.id());
    Optional<Volume> restored = volumeOfThisRun();
    Optional<String> old = previousVolume(instance, restored);
    old.ifPresent(o -> context.resource("previous-volume", o));
    steps.checkSwap(instance, old);

    context.step("create-volume");
    Volume volume = restored.isPresent() ? adopt(restored.get()) : create(snapshot, instance, old);
    context.resource("volume", volume.id());
    context.metrics().dataGiB(volume.sizeGiB());

    Manifest manifest;
    try {
      swapIn(instance.id(), volume.id());
      context.step("verify");
      try {
        manifest = verification.verify(mongod);
      } catch (JobException e) {
        // The check's verdict (a refusal): the copy is not what production masked.
        context.metrics().verification(false);
        throw e;
      }
      context.metrics().verification(true);
    } catch (RuntimeException e) {
      throw rollback.after(e, instance.id(), old, volume.id());
    }
    // The masked copy is in place and verified: the target is refreshed.
    context.metrics().refreshed();

    context.step("delete-previous-volume");
    boolean deleted = false;
    if (old.isPresent()) {
      steps.deleteVolume(old.get());
      deleted = true;
    }
    List<String> swept = sweep(volume.id());
    return new Result(
        snapshot.id(),
        request.runId(),
        volume.id(),
        old.orElse(null),
        deleted,
        manifest.counts(),
        manifest.documents(),
        verification.manifestSource(),
        swept);
  }

  /**
   * For {@code preflight}: the masked snapshot this run would restore (give a request that does not
   * wait), or the refusal the run would end with.
   */
  public Snapshot snapshotNow() {
    return findSnapshot();
  }

  private Snapshot findSnapshot() {
    if (request.snapshotId() != null) {
      Snapshot s =
          ec2.describeSnapshot(request.snapshotId())
              .orElseThrow(
                  () ->
                      JobException.refused(
                          "snapshot-missing",
                          "snapshot "
                              + request.snapshotId()
                              + " does not exist or is not shared with this account"));
      if (!s.state().equals("completed")) {
        throw JobException.refused(
            "snapshot-incomplete", "snapshot " + s.id() + " is " + s.state() + ", not completed");
      }
      return s;
    }
    String prefix = MaskedSnapshotDescription.prefix(request.label());
    SnapshotChoice<Snapshot> choice =
        new SnapshotChoice<>(
            Snapshot::id, Snapshot::startTime, s -> s.state().equals("completed"), context.clock());
    return choice.awaitFresh(
        () ->
            ec2.findSnapshots(
                new SnapshotQuery(List.of(request.sourceAccount()), null, Map.of(), prefix + "*")),
        request.maxAge(),
        request.waitForSnapshot(),
        Duration.ofMinutes(1),
        context.waiter(),
        () ->
            JobException.refused(
                "snapshot-missing",
                "no masked snapshot '"
                    + request.label()
                    + "' shared from account "
                    + request.sourceAccount()
                    + "; did tonight's mongo-mask-snapshot run succeed and share it?"),
        "check the production job, or name a snapshot with --snapshot");
  }

  /** The volume an earlier attempt of this run restored, if it is still there. */
  private Optional<Volume> volumeOfThisRun() {
    return ec2.findVolumes(Tags.ofRun(JOB, request.runId(), Tags.ROLE_RESTORED_VOLUME)).stream()
        .filter(v -> !v.state().equals("deleting"))
        .findFirst();
  }

  /**
   * The volume the instance runs on today, which the new one replaces: the one at the data device,
   * or after a first attempt the one its restored volume says it replaced; none if it is gone.
   */
  private Optional<String> previousVolume(Instance instance, Optional<Volume> restored) {
    Optional<String> old =
        restored.isPresent()
            ? Optional.ofNullable(restored.get().tags().get(Tags.REPLACES))
                .filter(o -> !o.equals("none"))
            : instance.volumeAt(request.device());
    return old.filter(o -> ec2.describeVolume(o).isPresent());
  }

  private Volume adopt(Volume restored) {
    LOG.info("adopting volume {} of this run", restored.id());
    return restored.state().equals("creating")
        ? steps.awaitVolume(restored.id(), "available")
        : restored;
  }

  /** A volume from the masked snapshot in the instance's zone, tagged with what it replaces. */
  private Volume create(Snapshot snapshot, Instance instance, Optional<String> old) {
    return steps.createVolume(
        NewVolume.forRun(JOB, request.runId(), Tags.ROLE_RESTORED_VOLUME, instance, snapshot.id())
            .withTag(Tags.REPLACES, old.orElse("none"))
            .withEncryptionAndType(
                request.kmsKey(), request.volumeType(), request.initializationRate()));
  }

  /**
   * Stops the instance, detaches the volume at the data device (kept for a rollback), attaches the
   * new one, starts the instance and waits for mongod.
   */
  private void swapIn(String instanceId, String volumeId) {
    context.step("stop-instance");
    steps.stop(instanceId);
    context.step("swap-volume");
    Optional<String> current = steps.instance(instanceId).volumeAt(request.device());
    if (current.isPresent() && !current.get().equals(volumeId)) {
      steps.detach(current.get(), instanceId, request.device());
    }
    steps.attach(volumeId, instanceId, request.device());
    context.step("start-instance");
    steps.start(instanceId);
    context.step("wait-mongod");
    mongod.awaitReady(context.waiter(), timeouts.mongod(), timeouts.backoff());
  }

  /** Deletes unattached volumes earlier runs restored for this instance (failed attempts). */
  private List<String> sweep(String keep) {
    List<String> deleted = new ArrayList<>();
    for (Volume v : ec2.findVolumes(Tags.ofJob(JOB, Tags.ROLE_RESTORED_VOLUME))) {
      if (v.id().equals(keep)
          || !request.instanceId().equals(v.tags().get(Tags.INSTANCE))
          || !v.state().equals("available")) {
        continue;
      }
      steps.deleteVolume(v.id());
      deleted.add(v.id());
    }
    return deleted;
  }
}
