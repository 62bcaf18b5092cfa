package io.dbrestore.mongo.restore;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Instance;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.Ec2Port.SnapshotQuery;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.Ec2Steps;
import io.dbrestore.mongo.ec2.MaskedSnapshotDescription;
import io.dbrestore.mongo.ec2.Mongod;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.lifecycle.Cleanup;
import io.dbrestore.runtime.snapshot.SnapshotChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  }

  private String runId() {
    return request.runId();
  }

  public Result run() {
    context.step("find-snapshot");
    Snapshot snapshot = findSnapshot();
    context.resource("snapshot", snapshot.id());
    MaskedSnapshotDescription expected = expected(snapshot);
    Optional<Manifest> tagged = Manifest.fromTags(snapshot.id(), snapshot.tags());

    context.step("inspect");
    Instance instance = steps.instance(request.instanceId());
    context.resource("instance", instance.id());
    Optional<Volume> restored =
        ec2.findVolumes(Tags.ofRun(JOB, runId(), Tags.ROLE_RESTORED_VOLUME)).stream()
            .filter(v -> !v.state().equals("deleting"))
            .findFirst();
    Optional<String> old =
        restored.isPresent()
            ? Optional.ofNullable(restored.get().tags().get(Tags.REPLACES))
                .filter(o -> !o.equals("none"))
            : instance.volumeAt(request.device());
    old = old.filter(o -> ec2.describeVolume(o).isPresent());
    old.ifPresent(o -> context.resource("previous-volume", o));
    steps.checkSwap(instance, old);

    context.step("create-volume");
    Volume volume;
    if (restored.isPresent()) {
      volume = restored.get();
      LOG.info("adopting volume {} of this run", volume.id());
      if (volume.state().equals("creating")) {
        volume = steps.awaitVolume(volume.id(), "available");
      }
    } else {
      Map<String, String> tags = Tags.createdBy(JOB, runId(), Tags.ROLE_RESTORED_VOLUME);
      tags.put(Tags.SOURCE_SNAPSHOT, snapshot.id());
      tags.put(Tags.INSTANCE, instance.id());
      tags.put(Tags.REPLACES, old.orElse("none"));
      volume =
          steps.createVolume(
              new Ec2Port.NewVolume(
                  snapshot.id(),
                  instance.availabilityZone(),
                  request.kmsKey(),
                  request.volumeType(),
                  request.initializationRate(),
                  tags,
                  "dbrestore-" + JOB + "-" + runId()));
    }
    context.resource("volume", volume.id());

    Manifest manifest;
    String manifestSource;
    try {
      context.step("stop-instance");
      steps.stop(instance.id());
      context.step("swap-volume");
      Optional<String> current = steps.instance(instance.id()).volumeAt(request.device());
      if (current.isPresent() && !current.get().equals(volume.id())) {
        steps.detach(current.get(), instance.id(), request.device());
      }
      steps.attach(volume.id(), instance.id(), request.device());
      context.step("start-instance");
      steps.start(instance.id());
      context.step("wait-mongod");
      mongod.awaitReady(context.waiter(), timeouts.mongod(), timeouts.backoff());
      context.step("verify");
      manifestSource = tagged.isPresent() ? "snapshot tags" : "masking records in the copy";
      manifest =
          mongod
              .onCopy(
                  "verify the copy: a VERIFIED masking record in every database, the manifest"
                      + " of sha256 "
                      + expected.manifestSha16()
                      + " (the description of "
                      + snapshot.id()
                      + "), every collection's count as in it",
                  m -> verify(m, snapshot, expected, tagged))
              .orElse(new Manifest(Map.of()));
    } catch (RuntimeException e) {
      throw rollback(e, instance.id(), old, volume.id());
    }

    context.step("delete-previous-volume");
    boolean deleted = false;
    if (old.isPresent()) {
      steps.deleteVolume(old.get());
      deleted = true;
    }
    List<String> swept = sweep(volume.id());
    return new Result(
        snapshot.id(),
        runId(),
        volume.id(),
        old.orElse(null),
        deleted,
        manifest.counts(),
        manifest.documents(),
        manifestSource,
        swept);
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
    Snapshot newest =
        choice
            .newest(
                ec2.findSnapshots(
                    new SnapshotQuery(
                        List.of(request.sourceAccount()), null, Map.of(), prefix + "*")))
            .orElseThrow(
                () ->
                    JobException.refused(
                        "snapshot-missing",
                        "no masked snapshot '"
                            + request.label()
                            + "' shared from account "
                            + request.sourceAccount()
                            + "; did tonight's mongo-mask-snapshot run succeed and share it?"));
    return choice.requireFresh(
        newest, request.maxAge(), "check the production job, or name a snapshot with --snapshot");
  }

  private static MaskedSnapshotDescription expected(Snapshot snapshot) {
    return MaskedSnapshotDescription.parse(snapshot.description())
        .orElseThrow(
            () ->
                JobException.refused(
                    "not-a-masked-snapshot",
                    "snapshot "
                        + snapshot.id()
                        + " was not made by mongo-mask-snapshot (its description is not a masked"
                        + " snapshot's), so it may hold unmasked data; it is not restored"));
  }

  /**
   * The copy is what production masked: every database's masking record says verified, the manifest
   * matches the digest in the snapshot's description (and its tags, when this account can see
   * them), and every collection holds exactly the documents the manifest says.
   */
  private static Manifest verify(
      Mongod mongod,
      Snapshot snapshot,
      MaskedSnapshotDescription expected,
      Optional<Manifest> tagged) {
    List<Mongod.MaskingRecord> records = mongod.maskingRecords();
    if (records.isEmpty()) {
      throw JobException.refused(
          "not-masked",
          "the copy from " + snapshot.id() + " carries no masking record: it was never masked");
    }
    List<String> unverified =
        records.stream()
            .filter(r -> !r.verified())
            .map(r -> r.database() + " " + r.state())
            .toList();
    if (!unverified.isEmpty()) {
      throw JobException.refused(
          "not-verified",
          "the copy from "
              + snapshot.id()
              + " was not verified as masked (databases: "
              + String.join(", ", unverified)
              + ")");
    }
    Map<String, Long> fromRecords = new LinkedHashMap<>();
    records.forEach(r -> fromRecords.putAll(r.manifest().counts()));
    Manifest recorded = new Manifest(fromRecords);
    Manifest manifest = tagged.orElse(recorded);
    if (!manifest.shortSha256().equals(expected.manifestSha16())
        || !recorded.shortSha256().equals(expected.manifestSha16())) {
      throw JobException.refused(
          "manifest-mismatch",
          "the copy's manifest (sha256 "
              + recorded.shortSha256()
              + ") is not the one "
              + snapshot.id()
              + " was made with ("
              + expected.manifestSha16()
              + ")");
    }
    Map<String, Long> actual = mongod.counts();
    List<String> problems = new ArrayList<>();
    manifest
        .counts()
        .forEach(
            (collection, n) -> {
              Long now = actual.get(collection);
              if (now == null ? n != 0 : now.longValue() != n) {
                problems.add(
                    collection + " holds " + (now == null ? "nothing" : now) + ", expected " + n);
              }
            });
    if (!problems.isEmpty()) {
      throw JobException.refused(
          "restore-check-failed",
          "the restored copy does not match its manifest: "
              + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
              + (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more" : ""));
    }
    LOG.info(
        "verified: {} documents in {} collections, as masked in production",
        manifest.documents(),
        manifest.counts().size());
    return manifest;
  }

  /**
   * Puts the instance back on its old volume: stop, detach the new volume, attach the old one,
   * start. After cancellation it gets a short budget (the runtime exits soon); what it could not
   * finish is in the message. Returns the exception the run ends with.
   */
  private JobException rollback(
      RuntimeException cause, String instanceId, Optional<String> old, String newVolume) {
    JobException reason =
        cause instanceof JobException je
            ? je
            : new JobException(ExitCode.FAULT, "fault", String.valueOf(cause.getMessage()), cause);
    if (old.isEmpty()) {
      return new JobException(
          reason.exitCode(),
          reason.kind(),
          reason.getMessage() + "; there was no previous volume to go back to",
          cause);
    }
    boolean cancelled = context.cancellation().isCancelled();
    Cleanup cleanup = context.cleanup(timeouts.instance().multipliedBy(3));
    Ec2Steps back = steps.forRollback(cleanup);
    LOG.warn(
        "rolling back: putting {} back under {} ({})", old.get(), instanceId, reason.getMessage());
    try {
      cleanup.call(() -> putBack(back, instanceId, old.get(), cancelled));
    } catch (RuntimeException e) {
      return new JobException(
          cancelled ? reason.exitCode() : ExitCode.FAULT,
          cancelled ? reason.kind() : "rollback-failed",
          reason.getMessage()
              + "; putting the previous volume back did not finish ("
              + e.getMessage()
              + "): attach "
              + old.get()
              + " to "
              + instanceId
              + " at "
              + request.device()
              + " and start it",
          cause);
    }
    return new JobException(
        reason.exitCode(),
        reason.kind(),
        reason.getMessage()
            + "; rolled back: "
            + instanceId
            + " runs on its previous volume "
            + old.get()
            + " again, and the new volume "
            + newVolume
            + " is kept for inspection (the next run deletes it)",
        cause);
  }

  /** Stop, swap the old volume back in, start (and wait for mongod unless cancelled). */
  private Void putBack(Ec2Steps back, String instanceId, String old, boolean cancelled) {
    Volume previous = ec2.describeVolume(old).orElseThrow();
    boolean inPlace =
        previous
            .attachment()
            .filter(a -> a.instanceId().equals(instanceId))
            .filter(a -> a.device().equals(request.device()) && a.state().equals("attached"))
            .isPresent();
    if (!inPlace) {
      back.stop(instanceId);
      Optional<String> current = back.instance(instanceId).volumeAt(request.device());
      if (current.isPresent() && !current.get().equals(old)) {
        back.detach(current.get(), instanceId, request.device());
      }
      if (previous.attachment().isPresent()) {
        // Still detaching: it must be free before it can go back.
        back.detach(old, instanceId, request.device());
      }
      back.attach(old, instanceId, request.device());
    }
    back.start(instanceId);
    if (!cancelled) {
      mongod.awaitReady(back.waiter(), timeouts.mongod(), timeouts.backoff());
    }
    return null;
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
