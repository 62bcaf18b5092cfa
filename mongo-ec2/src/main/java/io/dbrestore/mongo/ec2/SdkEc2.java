package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.JobContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumePermission;
import software.amazon.awssdk.services.ec2.model.CreateVolumeRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSnapshotsRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceStatus;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SnapshotAttributeName;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;

/**
 * {@link Ec2Port} over the AWS SDK. Retries (throttling, 5xx) and timeouts are the runtime
 * client's; this class only translates, and turns "not found" and "already in that state" into the
 * answers a re-run needs.
 */
public final class SdkEc2 implements Ec2Port {
  private final Supplier<Ec2Client> ec2;

  /** Takes a supplier so that a dry run or a bad flag never builds a client it does not need. */
  public SdkEc2(Supplier<Ec2Client> ec2) {
    this.ec2 = ec2;
  }

  /** The adapter over the run's EC2 client (built on first use). */
  public static SdkEc2 of(JobContext context) {
    return new SdkEc2(() -> context.aws().client(Ec2Client.class, Ec2Client::builder));
  }

  private Ec2Client ec2() {
    return ec2.get();
  }

  static boolean isCode(AwsServiceException e, String... codes) {
    if (e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null) {
      return false;
    }
    String code = e.awsErrorDetails().errorCode();
    for (String c : codes) {
      if (code.equals(c)) {
        return true;
      }
    }
    return false;
  }

  /** The answer, or empty when EC2 answers with one of {@code notFound}: the resource is gone. */
  private static <T> Optional<T> unlessMissing(Supplier<Optional<T>> describe, String... notFound) {
    try {
      return describe.get();
    } catch (AwsServiceException e) {
      if (isCode(e, notFound)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Makes a change; one of {@code done} means it was made already (a re-run after the call went
   * through), which is what the caller wanted.
   */
  private static void unlessDone(Runnable change, String... done) {
    try {
      change.run();
    } catch (AwsServiceException e) {
      if (!isCode(e, done)) {
        throw e;
      }
    }
  }

  private static Map<String, String> tagMap(List<Tag> tags) {
    Map<String, String> map = new LinkedHashMap<>();
    if (tags != null) {
      tags.forEach(t -> map.put(t.key(), t.value()));
    }
    return map;
  }

  private static List<Tag> tagList(Map<String, String> tags) {
    List<Tag> list = new ArrayList<>();
    tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
    return list;
  }

  private static TagSpecification tagSpec(ResourceType type, Map<String, String> tags) {
    return TagSpecification.builder().resourceType(type).tags(tagList(tags)).build();
  }

  private static List<Filter> tagFilters(Map<String, String> tags) {
    List<Filter> filters = new ArrayList<>();
    tags.forEach((k, v) -> filters.add(Filter.builder().name("tag:" + k).values(v).build()));
    return filters;
  }

  @Override
  public Optional<Instance> describeInstance(String instanceId) {
    return unlessMissing(
        () ->
            ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
                .flatMap(r -> r.instances().stream())
                .filter(i -> i.instanceId().equals(instanceId))
                .findFirst()
                .map(
                    i -> {
                      Map<String, String> volumes = new LinkedHashMap<>();
                      for (InstanceBlockDeviceMapping m : i.blockDeviceMappings()) {
                        if (m.ebs() != null) {
                          volumes.put(m.deviceName(), m.ebs().volumeId());
                        }
                      }
                      return new Instance(
                          i.instanceId(),
                          i.state().nameAsString(),
                          i.placement().availabilityZone(),
                          volumes);
                    }),
        "InvalidInstanceID.NotFound",
        "InvalidInstanceID.Malformed");
  }

  @Override
  public Optional<StatusChecks> instanceStatus(String instanceId) {
    List<InstanceStatus> statuses =
        ec2()
            .describeInstanceStatus(r -> r.instanceIds(instanceId).includeAllInstances(true))
            .instanceStatuses();
    return statuses.stream()
        .filter(s -> s.instanceId().equals(instanceId))
        .filter(s -> s.systemStatus() != null && s.instanceStatus() != null)
        .filter(
            s -> s.instanceState() == null || "running".equals(s.instanceState().nameAsString()))
        .findFirst()
        .map(
            s ->
                new StatusChecks(
                    s.systemStatus().statusAsString(), s.instanceStatus().statusAsString()));
  }

  @Override
  public void stopInstance(String instanceId) {
    ec2().stopInstances(r -> r.instanceIds(instanceId));
  }

  @Override
  public void startInstance(String instanceId) {
    ec2().startInstances(r -> r.instanceIds(instanceId));
  }

  private static Volume volume(software.amazon.awssdk.services.ec2.model.Volume v) {
    List<Attachment> attachments = new ArrayList<>();
    for (VolumeAttachment a : v.attachments()) {
      attachments.add(new Attachment(a.instanceId(), a.device(), a.stateAsString()));
    }
    return new Volume(
        v.volumeId(),
        v.stateAsString(),
        v.availabilityZone(),
        v.snapshotId(),
        attachments,
        tagMap(v.tags()),
        v.kmsKeyId(),
        v.volumeInitializationRate(),
        v.createTime(),
        v.size());
  }

  @Override
  public Optional<Volume> describeVolume(String volumeId) {
    return unlessMissing(
        () ->
            ec2().describeVolumes(r -> r.volumeIds(volumeId)).volumes().stream()
                .findFirst()
                .map(SdkEc2::volume),
        "InvalidVolume.NotFound");
  }

  @Override
  public List<Volume> findVolumes(Map<String, String> tags) {
    List<Volume> result = new ArrayList<>();
    ec2()
        .describeVolumesPaginator(r -> r.filters(tagFilters(tags)))
        .volumes()
        .forEach(v -> result.add(volume(v)));
    return result;
  }

  @Override
  public Volume createVolume(NewVolume spec) {
    CreateVolumeRequest.Builder request =
        CreateVolumeRequest.builder()
            .availabilityZone(spec.availabilityZone())
            .encrypted(true)
            .volumeType(spec.volumeType())
            .tagSpecifications(tagSpec(ResourceType.VOLUME, spec.tags()))
            .clientToken(spec.clientToken());
    if (spec.snapshotId() != null) {
      request.snapshotId(spec.snapshotId());
    }
    if (spec.sizeGiB() != null) {
      request.size(spec.sizeGiB());
    }
    if (spec.kmsKeyId() != null) {
      request.kmsKeyId(spec.kmsKeyId());
    }
    if (spec.initializationRate() != null) {
      request.volumeInitializationRate(spec.initializationRate());
    }
    var v = ec2().createVolume(request.build());
    // EC2 answers with the fields of a described volume (not yet attached), in another SDK class.
    return volume(
        software.amazon.awssdk.services.ec2.model.Volume.builder()
            .volumeId(v.volumeId())
            .state(v.stateAsString())
            .availabilityZone(v.availabilityZone())
            .snapshotId(v.snapshotId())
            .tags(v.tags())
            .kmsKeyId(v.kmsKeyId())
            .volumeInitializationRate(v.volumeInitializationRate())
            .createTime(v.createTime())
            .size(v.size())
            .build());
  }

  @Override
  public void attachVolume(String volumeId, String instanceId, String device) {
    ec2().attachVolume(r -> r.volumeId(volumeId).instanceId(instanceId).device(device));
  }

  @Override
  public void detachVolume(String volumeId, String instanceId, String device) {
    unlessDone(
        () -> ec2().detachVolume(r -> r.volumeId(volumeId).instanceId(instanceId).device(device)),
        "IncorrectState",
        "InvalidAttachment.NotFound");
  }

  @Override
  public void deleteVolume(String volumeId) {
    unlessDone(() -> ec2().deleteVolume(r -> r.volumeId(volumeId)), "InvalidVolume.NotFound");
  }

  private static Snapshot snapshot(software.amazon.awssdk.services.ec2.model.Snapshot s) {
    return new Snapshot(
        s.snapshotId(),
        s.stateAsString(),
        s.progress(),
        s.volumeId(),
        s.ownerId(),
        s.startTime(),
        s.description(),
        tagMap(s.tags()),
        s.kmsKeyId());
  }

  @Override
  public List<Snapshot> findSnapshots(SnapshotQuery query) {
    List<Filter> filters = new ArrayList<>(tagFilters(query.tags()));
    if (query.volumeId() != null) {
      filters.add(Filter.builder().name("volume-id").values(query.volumeId()).build());
    }
    if (query.description() != null) {
      filters.add(Filter.builder().name("description").values(query.description()).build());
    }
    DescribeSnapshotsRequest.Builder request = DescribeSnapshotsRequest.builder();
    if (!filters.isEmpty()) {
      request.filters(filters);
    }
    if (!query.owners().isEmpty()) {
      request.ownerIds(query.owners());
    }
    List<Snapshot> result = new ArrayList<>();
    ec2()
        .describeSnapshotsPaginator(request.build())
        .snapshots()
        .forEach(s -> result.add(snapshot(s)));
    return result;
  }

  @Override
  public Optional<Snapshot> describeSnapshot(String snapshotId) {
    return unlessMissing(
        () ->
            ec2().describeSnapshots(r -> r.snapshotIds(snapshotId)).snapshots().stream()
                .findFirst()
                .map(SdkEc2::snapshot),
        "InvalidSnapshot.NotFound",
        "InvalidSnapshotID.Malformed");
  }

  @Override
  public Snapshot createSnapshot(String volumeId, String description, Map<String, String> tags) {
    var s =
        ec2()
            .createSnapshot(
                r ->
                    r.volumeId(volumeId)
                        .description(description)
                        .tagSpecifications(tagSpec(ResourceType.SNAPSHOT, tags)));
    // EC2 answers with the fields of a described snapshot, in another SDK class.
    return snapshot(
        software.amazon.awssdk.services.ec2.model.Snapshot.builder()
            .snapshotId(s.snapshotId())
            .state(s.stateAsString())
            .progress(s.progress())
            .volumeId(s.volumeId())
            .ownerId(s.ownerId())
            .startTime(s.startTime())
            .description(s.description())
            .tags(s.tags())
            .kmsKeyId(s.kmsKeyId())
            .build());
  }

  @Override
  public void shareSnapshot(String snapshotId, List<String> accounts) {
    List<CreateVolumePermission> add = new ArrayList<>();
    accounts.forEach(a -> add.add(CreateVolumePermission.builder().userId(a).build()));
    ec2()
        .modifySnapshotAttribute(
            r ->
                r.snapshotId(snapshotId)
                    .attribute(SnapshotAttributeName.CREATE_VOLUME_PERMISSION)
                    .createVolumePermission(p -> p.add(add)));
  }

  @Override
  public Set<String> sharedWith(String snapshotId) {
    Set<String> accounts = new LinkedHashSet<>();
    ec2()
        .describeSnapshotAttribute(
            r -> r.snapshotId(snapshotId).attribute(SnapshotAttributeName.CREATE_VOLUME_PERMISSION))
        .createVolumePermissions()
        .forEach(
            p -> {
              if (p.userId() != null) {
                accounts.add(p.userId());
              }
            });
    return accounts;
  }

  @Override
  public void deleteSnapshot(String snapshotId) {
    unlessDone(
        () -> ec2().deleteSnapshot(r -> r.snapshotId(snapshotId)), "InvalidSnapshot.NotFound");
  }

  @Override
  public Map<String, String> tags(String resourceId) {
    Map<String, String> tags = new LinkedHashMap<>();
    ec2()
        .describeTagsPaginator(
            r -> r.filters(Filter.builder().name("resource-id").values(resourceId).build()))
        .tags()
        .forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  @Override
  public void tag(String resourceId, Map<String, String> tags) {
    ec2().createTags(r -> r.resources(resourceId).tags(tagList(tags)));
  }
}
