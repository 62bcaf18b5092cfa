package io.dbrestore.mongo.snapshot;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Instance;
import io.dbrestore.mongo.ec2.Ec2Port.NewVolume;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.Ec2Port.SnapshotQuery;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.Ec2Steps;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 1 and 2 of the production flow: a working volume from the newest snapshot of the production
 * data volume, attached to the masking instance in place of the previous one, and a new blank
 * volume (the one that will be published) at the published device; the instance started, both
 * mongods ready, and the copy checked to be whole before anything is masked from it.
 */
final class PrepareCopy {
  private static final Logger LOG = LoggerFactory.getLogger(PrepareCopy.class);

  private final JobContext context;
  private final Ec2Port ec2;
  private final Ec2Steps steps;
  private final MongodSteps mongod;
  private final MongodSteps publishedMongod;
  private final MaskedSnapshots masked;
  private final Timeouts timeouts;
  private final Request request;

  PrepareCopy(
      JobContext context,
      Ec2Port ec2,
      Ec2Steps steps,
      MongodSteps mongod,
      MongodSteps publishedMongod,
      MaskedSnapshots masked,
      Timeouts timeouts,
      Request request) {
    this.context = context;
    this.ec2 = ec2;
    this.steps = steps;
    this.mongod = mongod;
    this.publishedMongod = publishedMongod;
    this.masked = masked;
    this.timeouts = timeouts;
    this.request = request;
  }

  /** The working volume an earlier attempt of this run created, if it is still there. */
  Optional<Volume> volumeOfThisRun() {
    return ec2
        .findVolumes(
            Tags.ofRun(MaskSnapshotWorkflow.JOB, request.runId(), Tags.ROLE_WORKING_VOLUME))
        .stream()
        .filter(v -> !v.state().equals("deleting") && !v.state().equals("deleted"))
        .findFirst();
  }

  /** The volume at the data device that the swap replaces (not this run's own). */
  Optional<String> replaced(Instance instance, Optional<Volume> working) {
    return instance
        .volumeAt(request.device())
        .filter(v -> !Optional.of(v).equals(working.map(Volume::id)));
  }

  /** The production snapshot to mask: the working volume's, or the newest of the source. */
  Snapshot source(Optional<Volume> working) {
    Snapshot source =
        working.isPresent()
            ? ec2.describeSnapshot(working.get().snapshotId()).orElseThrow()
            : newestSource();
    context.resource("source-snapshot", source.id());
    return source;
  }

  private Snapshot newestSource() {
    return newestSource(ec2, request.sourceVolume(), request.sourceTag());
  }

  /**
   * The newest completed snapshot of the production volume (or carrying the tag), not a masked one;
   * exit 3 when there is none. Also for {@code preflight}.
   */
  static Snapshot newestSource(Ec2Port ec2, String sourceVolume, String sourceTag) {
    SnapshotQuery query = SnapshotQuery.ownedBySelf();
    String what;
    if (sourceVolume != null) {
      query = query.withVolume(sourceVolume);
      what = "volume " + sourceVolume;
    } else {
      String[] kv = sourceTag.split("=", 2);
      query = query.withTags(Map.of(kv[0], kv[1]));
      what = "tag " + sourceTag;
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

  /** The two volumes of a run under the masking instance. */
  record Volumes(Volume working, Volume published) {}

  /** The published volume an earlier attempt of this run created, if it is still there. */
  Optional<Volume> publishedOfThisRun() {
    return ec2
        .findVolumes(
            Tags.ofRun(MaskSnapshotWorkflow.JOB, request.runId(), Tags.ROLE_PUBLISHED_VOLUME))
        .stream()
        .filter(v -> !v.state().equals("deleting") && !v.state().equals("deleted"))
        .findFirst();
  }

  /** The volume at the published device that this run replaces (not this run's own). */
  Optional<String> replacedPublished(Instance instance, Optional<Volume> published) {
    return instance
        .volumeAt(request.publishedDevice())
        .filter(v -> !Optional.of(v).equals(published.map(Volume::id)));
  }

  /**
   * The copy of {@code source} on a working volume and a new blank volume beside it, both under the
   * running masking instance, each served by its mongod; the copy checked. A published volume an
   * earlier attempt of this run created but did not finish is deleted and made again: a half copy
   * is never carried on.
   */
  Volumes run(
      Instance instance, Optional<Volume> working, Optional<Volume> published, Snapshot source) {
    context.step("stop-instance");
    steps.stop(instance.id());
    Volume volume = attached(instance, working, source);
    Volume blank = blankAttached(instance, published, volume);
    context.step("start-instance");
    steps.start(instance.id());
    context.step("wait-mongod");
    mongod.awaitReady(context.waiter(), timeouts.mongod(), timeouts.backoff());
    publishedMongod.awaitReady(context.waiter(), timeouts.mongod(), timeouts.backoff());
    if (!"true".equals(volume.tags().get(Tags.SANITY_CHECKED))
        && !"true".equals(ec2.tags(volume.id()).get(Tags.SANITY_CHECKED))) {
      context.step("sanity-check");
      sanityCheck();
      ec2.tag(volume.id(), Map.of(Tags.SANITY_CHECKED, "true"));
    }
    return new Volumes(volume, blank);
  }

  /**
   * A new blank volume, encrypted with the sharing key, attached at the published device: an
   * unfinished one of this run and whatever a managed older run left there are deleted first.
   */
  private Volume blankAttached(Instance instance, Optional<Volume> published, Volume working) {
    context.step("create-published-volume");
    if (published.isPresent()) {
      LOG.info(
          "published volume {} of an earlier attempt of this run was not finished: deleting it and"
              + " starting the copy again on a new blank volume",
          published.get().id());
      discard(published.get());
    }
    Optional<String> current = steps.instance(instance.id()).volumeAt(request.publishedDevice());
    if (current.isPresent()) {
      LOG.info("replacing the volume {} at {}", current.get(), request.publishedDevice());
      steps.detach(current.get(), instance.id(), request.publishedDevice());
      steps.deleteVolume(current.get());
    }
    Integer size = working.sizeGiB();
    Volume blank =
        steps.createVolume(
            NewVolume.blankForRun(
                    MaskSnapshotWorkflow.JOB,
                    request.runId(),
                    Tags.ROLE_PUBLISHED_VOLUME,
                    instance,
                    size, // the copy fits where the source fits; null only in a dry run
                    "dbrestore-"
                        + MaskSnapshotWorkflow.JOB
                        + "-"
                        + request.runId()
                        + "-pub-"
                        + context.clock().millis())
                .withTag(Tags.LABEL, request.label())
                .withEncryptionAndType(request.kmsKey(), request.volumeType(), null));
    context.resource("published-volume", blank.id());
    steps.attach(blank.id(), instance.id(), request.publishedDevice());
    return blank;
  }

  private void discard(Volume v) {
    Optional<Ec2Port.Attachment> a = v.attachment();
    if (a.isPresent()) {
      steps.detach(v.id(), a.get().instanceId(), a.get().device());
    } else {
      steps.awaitVolume(v.id(), "available"); // it may still be creating
    }
    steps.deleteVolume(v.id());
  }

  /** A working volume from the source, attached in place of the old one. */
  private Volume attached(Instance instance, Optional<Volume> working, Snapshot source) {
    Optional<String> attached = steps.instance(instance.id()).volumeAt(request.device());
    if (working.isPresent() && attached.equals(Optional.of(working.get().id()))) {
      LOG.info("working volume {} of this run is attached already", working.get().id());
      steps.attach(working.get().id(), instance.id(), request.device());
      return working.get();
    }
    context.step("create-volume");
    Volume volume;
    if (working.isPresent()) {
      volume = steps.awaitVolume(working.get().id(), "available");
    } else {
      volume =
          steps.createVolume(
              NewVolume.forRun(
                      MaskSnapshotWorkflow.JOB,
                      request.runId(),
                      Tags.ROLE_WORKING_VOLUME,
                      instance,
                      source.id())
                  .withTag(Tags.LABEL, request.label())
                  .withEncryptionAndType(
                      request.kmsKey(), request.volumeType(), request.initializationRate()));
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

  /** The copy must be whole compared with the previous masked snapshot (exit 3 otherwise). */
  private void sanityCheck() {
    Optional<Snapshot> previous = masked.previous();
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
  }
}
