package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.guard.Resource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The EC2 calls the self-hosted MongoDB jobs make, in their own words. One adapter over the AWS SDK
 * ({@link SdkEc2}) and a dry-run overlay over it ({@link DryRunEc2}); workflow tests run against a
 * stateful fake.
 *
 * <p>Describe calls return empty for a resource that does not exist; delete and detach calls
 * succeed on a resource that is already gone, so that a re-run converges.
 */
public interface Ec2Port {
  /** An EC2 instance as the jobs see it. */
  record Instance(
      String id, String state, String availabilityZone, Map<String, String> volumesByDevice) {
    public Optional<String> volumeAt(String device) {
      return Optional.ofNullable(volumesByDevice.get(device));
    }

    public Instance withState(String value) {
      return new Instance(id, value, availabilityZone, volumesByDevice);
    }

    public Instance withVolumesByDevice(Map<String, String> value) {
      return new Instance(id, state, availabilityZone, value);
    }
  }

  /** The two status checks of a running instance: {@code ok}, {@code initializing}, … */
  record StatusChecks(String system, String instance) {
    public boolean passed() {
      return "ok".equals(system) && "ok".equals(instance);
    }
  }

  /** One attachment of a volume. */
  record Attachment(String instanceId, String device, String state) {}

  record Volume(
      String id,
      String state,
      String availabilityZone,
      String snapshotId,
      List<Attachment> attachments,
      Map<String, String> tags,
      String kmsKeyId,
      Integer initializationRate,
      Instant createTime,
      Integer sizeGiB) {
    public Optional<Attachment> attachment() {
      return attachments.stream().findFirst();
    }

    public Volume withTags(Map<String, String> value) {
      return new Volume(
          id,
          state,
          availabilityZone,
          snapshotId,
          attachments,
          value,
          kmsKeyId,
          initializationRate,
          createTime,
          sizeGiB);
    }

    public Volume withState(String value, List<Attachment> now) {
      return new Volume(
          id,
          value,
          availabilityZone,
          snapshotId,
          now,
          tags,
          kmsKeyId,
          initializationRate,
          createTime,
          sizeGiB);
    }
  }

  record Snapshot(
      String id,
      String state,
      String progress,
      String volumeId,
      String ownerId,
      Instant startTime,
      String description,
      Map<String, String> tags,
      String kmsKeyId) {
    public Snapshot withTags(Map<String, String> value) {
      return new Snapshot(
          id, state, progress, volumeId, ownerId, startTime, description, value, kmsKeyId);
    }
  }

  /**
   * Which snapshots to list.
   *
   * @param owners account ids or {@code self}; empty for any that are visible
   * @param volumeId only snapshots of this volume, or null
   * @param tags only snapshots carrying all these tags (their owner's tags)
   * @param description a description pattern ({@code *} wildcards), or null
   */
  record SnapshotQuery(
      List<String> owners, String volumeId, Map<String, String> tags, String description) {
    public static SnapshotQuery ownedBySelf() {
      return new SnapshotQuery(List.of("self"), null, Map.of(), null);
    }

    public SnapshotQuery withVolume(String value) {
      return new SnapshotQuery(owners, value, tags, description);
    }

    public SnapshotQuery withTags(Map<String, String> value) {
      return new SnapshotQuery(owners, volumeId, value, description);
    }

    public SnapshotQuery withDescription(String value) {
      return new SnapshotQuery(owners, volumeId, tags, value);
    }
  }

  /**
   * A volume to create from a snapshot, or blank.
   *
   * @param snapshotId the snapshot to create it from; null for a blank volume
   * @param kmsKeyId the key to encrypt it with; null for the snapshot's own
   * @param initializationRate provisioned initialization rate in MiB/s (100–300), or null
   * @param tags the volume's tags
   * @param clientToken idempotency token: the same token never creates two volumes
   * @param sizeGiB the size in GiB; required for a blank volume, null for the snapshot's size
   */
  record NewVolume(
      String snapshotId,
      String availabilityZone,
      String kmsKeyId,
      String volumeType,
      Integer initializationRate,
      Map<String, String> tags,
      String clientToken,
      Integer sizeGiB) {

    /**
     * The volume a run of {@code job} makes from {@code snapshotId} for {@code instance}: in its
     * zone, tagged as the run's (with the source snapshot and the instance), and with the client
     * token {@code dbrestore-<job>-<run id>}, so that a call repeated after a lost answer returns
     * the same volume instead of making a second one.
     */
    public static NewVolume forRun(
        String job, String runId, String role, Instance instance, String snapshotId) {
      Map<String, String> tags = Tags.createdBy(job, runId, role);
      tags.put(Tags.SOURCE_SNAPSHOT, snapshotId);
      tags.put(Tags.INSTANCE, instance.id());
      return new NewVolume(
          snapshotId,
          instance.availabilityZone(),
          null,
          null,
          null,
          tags,
          "dbrestore-" + job + "-" + runId,
          null);
    }

    /**
     * A blank volume (no snapshot: nothing on it but what is written to it) of {@code sizeGiB} that
     * a run of {@code job} makes for {@code instance}: in its zone, tagged as the run's (with the
     * instance). {@code clientToken} must differ from every other volume's of the run.
     */
    public static NewVolume blankForRun(
        String job,
        String runId,
        String role,
        Instance instance,
        Integer sizeGiB,
        String clientToken) {
      Map<String, String> tags = Tags.createdBy(job, runId, role);
      tags.put(Tags.INSTANCE, instance.id());
      return new NewVolume(
          null, instance.availabilityZone(), null, null, null, tags, clientToken, sizeGiB);
    }

    /**
     * @param kmsKey null for the snapshot's key
     * @param type the EBS volume type
     * @param rate the initialization rate in MiB/s, or null
     */
    public NewVolume withEncryptionAndType(String kmsKey, String type, Integer rate) {
      return new NewVolume(
          snapshotId, availabilityZone, kmsKey, type, rate, tags, clientToken, sizeGiB);
    }

    public NewVolume withTag(String key, String value) {
      Map<String, String> more = new LinkedHashMap<>(tags);
      more.put(key, value);
      return new NewVolume(
          snapshotId,
          availabilityZone,
          kmsKeyId,
          volumeType,
          initializationRate,
          more,
          clientToken,
          sizeGiB);
    }
  }

  Optional<Instance> describeInstance(String instanceId);

  /** Empty while the instance is not running (AWS reports no status then). */
  Optional<StatusChecks> instanceStatus(String instanceId);

  void stopInstance(String instanceId);

  void startInstance(String instanceId);

  Optional<Volume> describeVolume(String volumeId);

  /** Volumes carrying all these tags. */
  List<Volume> findVolumes(Map<String, String> tags);

  Volume createVolume(NewVolume spec);

  void attachVolume(String volumeId, String instanceId, String device);

  void detachVolume(String volumeId, String instanceId, String device);

  void deleteVolume(String volumeId);

  List<Snapshot> findSnapshots(SnapshotQuery query);

  Optional<Snapshot> describeSnapshot(String snapshotId);

  Snapshot createSnapshot(String volumeId, String description, Map<String, String> tags);

  /** Lets these accounts create volumes from the snapshot. */
  void shareSnapshot(String snapshotId, List<String> accounts);

  /** The accounts the snapshot is shared with. */
  Set<String> sharedWith(String snapshotId);

  void deleteSnapshot(String snapshotId);

  /** A resource's tags, read fresh (the safety guard's view). */
  Map<String, String> tags(String resourceId);

  void tag(String resourceId, Map<String, String> tags);

  /** The resource the safety guard checks, its tags read through this port. */
  default Resource resource(String kind, String id) {
    return new Resource(kind, id, () -> tags(id));
  }
}
