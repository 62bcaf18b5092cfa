package io.dbrestore.mongo.snapshot;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.Ec2Steps;
import io.dbrestore.mongo.ec2.MaskedSnapshotDescription;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 4 and 5 of the production flow: both mongods shut down and the masking instance stopped;
 * the published volume (never the working one) snapshotted with its manifest and description, the
 * snapshot shared with the development accounts; then this run's working and published volumes,
 * older runs' leftovers of both, and the masked snapshots beyond retention deleted.
 */
final class PublishSnapshot {
  private static final Logger LOG = LoggerFactory.getLogger(PublishSnapshot.class);

  /**
   * What publishing left behind.
   *
   * @param workingVolumeId this run's working volume (now deleted), if it was still there
   * @param publishedVolumeId this run's published volume (now deleted), if it was still there
   * @param deletedSnapshots masked snapshots of this label deleted beyond retention
   */
  record Published(
      String workingVolumeId, String publishedVolumeId, List<String> deletedSnapshots) {}

  private final JobContext context;
  private final Ec2Port ec2;
  private final Ec2Steps steps;
  private final MongodSteps mongod;
  private final MongodSteps publishedMongod;
  private final ProveBlank proof;
  private final MaskedSnapshots masked;
  private final Request request;

  PublishSnapshot(
      JobContext context,
      Ec2Port ec2,
      Ec2Steps steps,
      MongodSteps mongod,
      MongodSteps publishedMongod,
      ProveBlank proof,
      MaskedSnapshots masked,
      Request request) {
    this.context = context;
    this.ec2 = ec2;
    this.steps = steps;
    this.mongod = mongod;
    this.publishedMongod = publishedMongod;
    this.proof = proof;
    this.masked = masked;
    this.request = request;
  }

  /**
   * Flushes and shuts both mongods down, then stops the instance, so that the volumes are
   * consistent. The published mongod was flushed before its users were dropped, so it refuses the
   * shutdown now; that refusal is logged: stopping the instance shuts it down cleanly.
   *
   * @param resumed a re-run adopted a copy an earlier attempt masked: the mongods may have been
   *     stopped with the instance already, so they are shut down only if the instance runs, and a
   *     refusal is only logged (stopping the instance shuts mongod down cleanly too)
   */
  void stop(String instanceId, boolean resumed) {
    context.step("stop-instance");
    if (!resumed) {
      mongod.flushAndShutdown();
    }
    if (!resumed || !steps.instance(instanceId).state().equals("stopped")) {
      if (resumed) {
        steps.quietly("flush and shut down the working volume's mongod", mongod::flushAndShutdown);
      }
      steps.quietly(
          "shut down the published volume's mongod (its users are gone, so a refusal is expected;"
              + " the instance stop shuts it down cleanly)",
          publishedMongod::flushAndShutdown);
    }
    steps.stop(instanceId);
  }

  /**
   * Proves again what EBS says of the published volume, then starts its snapshot, tagged with the
   * manifest and described for development.
   */
  Snapshot snapshot(MaskedCopy copy) {
    context.step("prove-blank");
    proof.volume(copy.volumeId());
    context.step("snapshot");
    Map<String, String> tags =
        Tags.createdBy(MaskSnapshotWorkflow.JOB, request.runId(), Tags.ROLE_MASKED_SNAPSHOT);
    tags.put(Tags.SOURCE_SNAPSHOT, copy.sourceSnapshotId());
    tags.put(Tags.RULES_SHA256, request.rulesSha256());
    if (request.rulesVersion() != null) {
      tags.put(Tags.RULES_VERSION, request.rulesVersion());
    }
    tags.put(Tags.LABEL, request.label());
    tags.putAll(copy.manifest().toTags());
    String description =
        MaskedSnapshotDescription.of(
                request.label(), request.runId(), copy.sourceSnapshotId(), copy.manifest())
            .text();
    Snapshot s = ec2.createSnapshot(copy.volumeId(), description, tags);
    LOG.info("snapshot {} of the masked volume {} started", s.id(), copy.volumeId());
    return s;
  }

  /**
   * Waits for the snapshot, shares it, then deletes what is no longer needed: the working volumes
   * and the masked snapshots beyond retention.
   */
  Published shareAndCleanUp(String snapshotId) {
    context.resource("masked-snapshot", snapshotId);
    context.step("wait-snapshot");
    steps.awaitSnapshot(snapshotId);
    context.step("share");
    share(snapshotId);
    // Made and shared: published, whatever the clean-up after it does.
    context.metrics().snapshotPublished();
    context.step("cleanup");
    String workingId = cleanUpVolumes(Tags.ROLE_WORKING_VOLUME);
    String publishedId = cleanUpVolumes(Tags.ROLE_PUBLISHED_VOLUME);
    return new Published(workingId, publishedId, retention(snapshotId));
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

  /**
   * Deletes this run's volume of {@code role} (working or published: the snapshot has completed)
   * and the unattached ones older runs left behind.
   */
  private String cleanUpVolumes(String role) {
    String thisRun = null;
    for (Volume v : ec2.findVolumes(Tags.ofJob(MaskSnapshotWorkflow.JOB, role))) {
      if (!request.instanceId().equals(v.tags().get(Tags.INSTANCE))
          || v.state().equals("deleting")) {
        continue;
      }
      boolean ours = request.runId().equals(v.tags().get(Tags.RUN_ID));
      if (ours) {
        thisRun = v.id();
        Optional<Ec2Port.Attachment> a = v.attachment();
        if (a.isPresent()) {
          steps.stop(request.instanceId());
          steps.detach(v.id(), a.get().instanceId(), a.get().device());
        }
        steps.deleteVolume(v.id());
      } else if (v.state().equals("available")) {
        LOG.info("deleting {} {} left behind by run {}", role, v.id(), v.tags().get(Tags.RUN_ID));
        steps.deleteVolume(v.id());
      }
    }
    return thisRun;
  }

  /** Deletes our masked snapshots of this label beyond the newest {@code retention}. */
  private List<String> retention(String keep) {
    List<Snapshot> ours =
        masked.ofLabel().stream()
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
