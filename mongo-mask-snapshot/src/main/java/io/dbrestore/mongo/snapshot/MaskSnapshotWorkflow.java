package io.dbrestore.mongo.snapshot;

import io.dbrestore.masking.engine.MaskingResult;
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
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.SafetyGuard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

  /** What a dry run, which does not mask, carries on with: no documents, nothing verified. */
  private static final MaskingResult NOT_MASKED =
      new MaskingResult(List.of(), Map.of(), false, 0, 0, Map.of());

  private final JobContext context;
  private final Ec2Port ec2;
  private final Ec2Steps steps;
  private final Request request;
  private final Timeouts timeouts;
  private final MongodSteps mongod;
  private final Masker masker;

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
    this.ec2 = ec2;
    this.request = request;
    this.timeouts = timeouts;
    this.mongod = mongod;
    this.masker = masker;
    this.steps = new Ec2Steps(context, guard, ec2, timeouts);
  }

  private String runId() {
    return request.runId();
  }

  public Result run() {
    context.step("inspect");
    Instance instance = steps.instance(request.instanceId());
    context.resource("instance", instance.id());
    Optional<Snapshot> masked = ownSnapshot();
    Optional<Volume> working = workingVolume();
    steps.checkSwap(
        instance,
        instance
            .volumeAt(request.device())
            .filter(v -> !Optional.of(v).equals(working.map(Volume::id))));
    Manifest manifest;
    String source;
    Map<String, Object> maskingSummary = new LinkedHashMap<>();
    if (masked.isPresent()) {
      LOG.info("adopting masked snapshot {} of this run ({})", masked.get().id(), runId());
      manifest = Manifest.fromTags(masked.get().id(), masked.get().tags()).orElseThrow();
      source = masked.get().tags().get(Tags.SOURCE_SNAPSHOT);
    } else {
      Volume volume;
      if (working.isPresent() && "true".equals(working.get().tags().get(Tags.MASKED))) {
        volume = working.get();
        LOG.info("adopting working volume {}: masked and verified already", volume.id());
        source = volume.snapshotId();
        manifest = Manifest.fromTags(volume.id(), volume.tags()).orElseThrow();
        context.step("stop-instance");
        if (!steps.instance(instance.id()).state().equals("stopped")) {
          stopMongodQuietly();
        }
        steps.stop(instance.id());
      } else {
        Snapshot sourceSnapshot =
            working.isPresent()
                ? ec2.describeSnapshot(working.get().snapshotId()).orElseThrow()
                : newestSource();
        source = sourceSnapshot.id();
        context.resource("source-snapshot", source);
        volume = prepare(instance, working, sourceSnapshot);
        MaskingResult result = maskCopy(volume);
        manifest = new Manifest(result.manifest());
        maskingSummary.put("documentsMasked", result.documentsMasked());
        maskingSummary.put("seconds", Math.round(result.seconds() * 10) / 10.0);
        maskingSummary.put("verified", result.verified());
        Map<String, String> tags = new LinkedHashMap<>(manifest.toTags());
        tags.put(Tags.MASKED, "true");
        tags.put(Tags.RULES_SHA256, request.rulesSha256());
        ec2.tag(volume.id(), tags);
        context.step("stop-instance");
        mongod.flushAndShutdown();
        steps.stop(instance.id());
      }
      context.step("snapshot");
      masked = Optional.of(snapshot(volume, source, manifest));
    }
    String snapshotId = masked.get().id();
    context.resource("masked-snapshot", snapshotId);
    context.step("wait-snapshot");
    steps.awaitSnapshot(snapshotId);
    context.step("share");
    share(snapshotId);
    context.step("cleanup");
    String workingId = cleanUpWorkingVolumes();
    List<String> deleted = retention(snapshotId);
    return new Result(
        snapshotId,
        source,
        runId(),
        manifest.counts(),
        manifest.documents(),
        manifest.sha256(),
        request.shareWith(),
        workingId,
        deleted,
        maskingSummary);
  }

  private Optional<Snapshot> ownSnapshot() {
    return ec2
        .findSnapshots(
            SnapshotQuery.ownedBySelf()
                .withTags(Tags.ofRun(JOB, runId(), Tags.ROLE_MASKED_SNAPSHOT)))
        .stream()
        .filter(s -> !s.state().equals("error"))
        .findFirst();
  }

  private Optional<Volume> workingVolume() {
    return ec2.findVolumes(Tags.ofRun(JOB, runId(), Tags.ROLE_WORKING_VOLUME)).stream()
        .filter(v -> !v.state().equals("deleting") && !v.state().equals("deleted"))
        .findFirst();
  }

  private Snapshot newestSource() {
    SnapshotQuery query = SnapshotQuery.ownedBySelf();
    String what;
    if (request.sourceVolume() != null) {
      query = query.withVolume(request.sourceVolume());
      what = "volume " + request.sourceVolume();
    } else {
      String[] kv = request.sourceTag().split("=", 2);
      query = query.withTags(Map.of(kv[0], kv[1]));
      what = "tag " + request.sourceTag();
    }
    return ec2.findSnapshots(query).stream()
        .filter(s -> s.state().equals("completed"))
        .filter(s -> !Tags.ROLE_MASKED_SNAPSHOT.equals(s.tags().get(Tags.ROLE)))
        .max(Comparator.comparing(Snapshot::startTime))
        .orElseThrow(
            () ->
                JobException.refused(
                    "source-snapshot-missing",
                    "no completed snapshot of "
                        + what
                        + " in this account and region; check AWS Backup or Data Lifecycle"
                        + " Manager, or --source-volume/--source-volume-tag"));
  }

  /** The newest masked snapshot of an earlier run: tomorrow's sanity check compares with it. */
  private Optional<Snapshot> previousMasked() {
    return maskedOfLabel().stream()
        .filter(s -> !runId().equals(s.tags().get(Tags.RUN_ID)))
        .max(Comparator.comparing(Snapshot::startTime));
  }

  /** Completed masked snapshots of this label made by any run of this job. */
  private List<Snapshot> maskedOfLabel() {
    Map<String, String> tags = new LinkedHashMap<>(Tags.ofJob(JOB, Tags.ROLE_MASKED_SNAPSHOT));
    tags.put(Tags.LABEL, request.label());
    return ec2.findSnapshots(SnapshotQuery.ownedBySelf().withTags(tags)).stream()
        .filter(s -> s.state().equals("completed"))
        .toList();
  }

  /** Steps 2–4: a new working volume from the source, attached in place of the old one. */
  private Volume prepare(Instance instance, Optional<Volume> working, Snapshot source) {
    Optional<String> attached = instance.volumeAt(request.device());
    Volume volume;
    if (working.isPresent() && attached.equals(Optional.of(working.get().id()))) {
      volume = working.get();
      LOG.info("working volume {} of this run is attached already", volume.id());
      steps.attach(volume.id(), instance.id(), request.device());
    } else {
      context.step("stop-instance");
      steps.stop(instance.id());
      context.step("create-volume");
      if (working.isPresent()) {
        volume = steps.awaitVolume(working.get().id(), "available");
      } else {
        Map<String, String> tags = Tags.createdBy(JOB, runId(), Tags.ROLE_WORKING_VOLUME);
        tags.put(Tags.SOURCE_SNAPSHOT, source.id());
        tags.put(Tags.INSTANCE, instance.id());
        tags.put(Tags.LABEL, request.label());
        volume =
            steps.createVolume(
                new Ec2Port.NewVolume(
                    source.id(),
                    instance.availabilityZone(),
                    request.kmsKey(),
                    request.volumeType(),
                    request.initializationRate(),
                    tags,
                    "dbrestore-" + JOB + "-" + runId()));
      }
      context.resource("working-volume", volume.id());
      context.step("swap-volume");
      try {
        Optional<String> current = steps.instance(instance.id()).volumeAt(request.device());
        if (current.isPresent() && !current.get().equals(volume.id())) {
          LOG.info("replacing the previous working volume {}", current.get());
          steps.detach(current.get(), instance.id(), request.device());
          steps.deleteVolume(current.get());
        }
        steps.attach(volume.id(), instance.id(), request.device());
      } catch (JobException e) {
        if (context.cancellation().isCancelled()) {
          leaveAttached(instance.id(), volume.id());
        }
        throw e;
      }
    }
    context.step("start-instance");
    steps.start(instance.id());
    context.step("wait-mongod");
    mongod.awaitReady(context.waiter(), timeouts.mongod(), timeouts.backoff());
    if (!"true".equals(volume.tags().get(Tags.SANITY_CHECKED))
        && !"true".equals(ec2.tags(volume.id()).get(Tags.SANITY_CHECKED))) {
      context.step("sanity-check");
      Optional<Snapshot> previous = previousMasked();
      String previousId = previous.map(Snapshot::id).orElse("none");
      mongod.check(
          previous.isPresent()
              ? "check the copy against the manifest of "
                  + previousId
                  + " (--min-count-ratio "
                  + request.minCountRatio()
                  + ")"
              : "check that the copy is not empty (no earlier masked snapshot to compare with)",
          m ->
              SanityCheck.check(
                  m.counts(),
                  previous.flatMap(p -> Manifest.fromTags(p.id(), p.tags())),
                  previousId,
                  request.minCountRatio()));
      ec2.tag(volume.id(), Map.of(Tags.SANITY_CHECKED, "true"));
    }
    return volume;
  }

  /**
   * After cancellation, with no time to wait: make sure the instance is not left without a data
   * volume. One call, no waiting; what it could not do is logged.
   */
  private void leaveAttached(String instanceId, String volumeId) {
    steps.quietly(
        "cancelled: attach working volume " + volumeId + " to " + instanceId,
        () -> {
          if (ec2.describeInstance(instanceId).orElseThrow().volumeAt(request.device()).isEmpty()
              && ec2.describeVolume(volumeId).orElseThrow().state().equals("available")) {
            ec2.attachVolume(volumeId, instanceId, request.device());
          }
        });
  }

  private MaskingResult maskCopy(Volume volume) {
    context.step("mask");
    LOG.info("masking the copy on working volume {}", volume.id());
    return mongod
        .onCopy(
            "mask the copy with rules "
                + request.rulesSha256().substring(0, 12)
                + " and verify it (only then is its manifest known: the counts below are"
                + " placeholders)",
            m -> masker.mask(context, m))
        .orElse(NOT_MASKED);
  }

  private void stopMongodQuietly() {
    steps.quietly("flush and shut down mongod", mongod::flushAndShutdown);
  }

  private Snapshot snapshot(Volume volume, String source, Manifest manifest) {
    Map<String, String> tags = Tags.createdBy(JOB, runId(), Tags.ROLE_MASKED_SNAPSHOT);
    tags.put(Tags.SOURCE_SNAPSHOT, source);
    tags.put(Tags.RULES_SHA256, request.rulesSha256());
    tags.put(Tags.LABEL, request.label());
    tags.putAll(manifest.toTags());
    String description =
        MaskedSnapshotDescription.of(request.label(), runId(), source, manifest).text();
    Snapshot s = ec2.createSnapshot(volume.id(), description, tags);
    LOG.info("snapshot {} of the masked volume {} started", s.id(), volume.id());
    return s;
  }

  private void share(String snapshotId) {
    if (request.shareWith().isEmpty()) {
      return;
    }
    List<String> missing = new ArrayList<>(request.shareWith());
    missing.removeAll(ec2.sharedWith(snapshotId));
    if (!missing.isEmpty()) {
      ec2.shareSnapshot(snapshotId, missing);
      LOG.info("shared {} with {}", snapshotId, missing);
    }
  }

  /** Deletes this run's working volume and the unattached ones older runs left behind. */
  private String cleanUpWorkingVolumes() {
    String thisRun = null;
    for (Volume v : ec2.findVolumes(Tags.ofJob(JOB, Tags.ROLE_WORKING_VOLUME))) {
      if (!request.instanceId().equals(v.tags().get(Tags.INSTANCE))
          || v.state().equals("deleting")) {
        continue;
      }
      boolean ours = runId().equals(v.tags().get(Tags.RUN_ID));
      if (ours) {
        thisRun = v.id();
        Optional<Ec2Port.Attachment> a = v.attachment();
        if (a.isPresent()) {
          steps.stop(request.instanceId());
          steps.detach(v.id(), a.get().instanceId(), a.get().device());
        }
        steps.deleteVolume(v.id());
      } else if (v.state().equals("available")) {
        LOG.info(
            "deleting working volume {} left behind by run {}", v.id(), v.tags().get(Tags.RUN_ID));
        steps.deleteVolume(v.id());
      }
    }
    return thisRun;
  }

  /** Deletes our masked snapshots of this label beyond the newest {@code retention}. */
  private List<String> retention(String keep) {
    List<Snapshot> ours =
        maskedOfLabel().stream()
            .sorted(Comparator.comparing(Snapshot::startTime).reversed())
            .toList();
    List<String> deleted = new ArrayList<>();
    for (int i = request.retention(); i < ours.size(); i++) {
      Snapshot s = ours.get(i);
      if (s.id().equals(keep)) {
        continue;
      }
      steps.deleteSnapshot(s.id());
      deleted.add(s.id());
    }
    if (!deleted.isEmpty()) {
      LOG.info("deleted masked snapshots beyond the newest {}: {}", request.retention(), deleted);
    }
    return deleted;
  }
}
