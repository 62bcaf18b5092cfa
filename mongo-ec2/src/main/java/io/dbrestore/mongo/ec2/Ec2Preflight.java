package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.preflight.Check.Status;
import io.dbrestore.runtime.preflight.Permission;
import io.dbrestore.runtime.preflight.Preflight;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumeRequest;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * What both MongoDB jobs' preflights check on EC2: the instance and its data volume exist and carry
 * the managed tag, the ARNs and condition keys of their calls, and EC2's own DryRun probes (AWS
 * evaluates the request as it would be made, conditions included, and answers {@code
 * DryRunOperation} or {@code UnauthorizedOperation}; nothing is done).
 */
public final class Ec2Preflight {
  private final Preflight preflight;
  private final Ec2Client client;
  private final Ec2Port ec2;

  public Ec2Preflight(Preflight preflight) {
    this.preflight = preflight;
    this.client = preflight.aws().client(Ec2Client.class, Ec2Client::builder);
    this.ec2 = new SdkEc2(() -> client);
  }

  /** The port over the preflight's clients (reads only). */
  public Ec2Port ec2() {
    return ec2;
  }

  /** Where the ARNs point: partition, region, this account. */
  public record Arns(String partition, String region, String account) {
    public String instance(String id) {
      return arn("instance/" + id);
    }

    public String volume(String id) {
      return arn("volume/" + id);
    }

    /** A snapshot's ARN has no account (EC2's own form). */
    public String snapshot(String id) {
      return "arn:" + partition + ":ec2:" + region + "::snapshot/" + id;
    }

    private String arn(String resource) {
      return "arn:" + partition + ":ec2:" + region + ":" + account + ":" + resource;
    }

    /**
     * A KMS key's ARN as IAM policies name it: the ARN or key id given; null for an alias (the
     * policies name keys, not aliases, and an AWS-managed key needs no grant in the role).
     */
    public String key(String key) {
      if (key == null || key.contains(":alias/") || key.startsWith("alias/")) {
        return null;
      }
      return key.startsWith("arn:")
          ? key
          : "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + key;
    }
  }

  /** This preflight's ARNs. */
  public Arns arns() {
    return new Arns(preflight.partition(), preflight.region(), preflight.account());
  }

  /** What the preflight found of the instance: it and its data volume, with their tags. */
  public record Target(
      Ec2Port.Instance instance,
      Map<String, String> instanceTags,
      Optional<String> volume,
      Map<String, String> volumeTags) {}

  /**
   * The instance exists (not terminated) and carries the managed tag; so does its volume at {@code
   * device} when there is one (it is detached and deleted). Empty when the instance is not there or
   * could not be read.
   */
  public Optional<Target> target(String instanceId, String device) {
    Optional<Ec2Port.Instance> instance;
    try {
      instance = ec2.describeInstance(instanceId);
    } catch (RuntimeException e) {
      preflight.failed("target ec2 instance " + instanceId, Preflight.reason(e));
      return Optional.empty();
    }
    if (instance.isEmpty()
        || instance.get().state().equals("terminated")
        || instance.get().state().equals("shutting-down")) {
      preflight.failed(
          "target ec2 instance " + instanceId,
          instance.isEmpty()
              ? "does not exist in this account and region; check --instance"
              : "is " + instance.get().state() + "; check --instance");
      return Optional.empty();
    }
    try {
      Map<String, String> tags = ec2.tags(instanceId);
      preflight.managed("ec2 instance", instanceId, Optional.of(tags), Status.FAILED, null);
      Optional<String> volume = instance.get().volumeAt(device);
      Map<String, String> volumeTags = Map.of();
      if (volume.isPresent()) {
        volumeTags = ec2.tags(volume.get());
        preflight.managed(
            "ec2 volume",
            volume.get() + " at " + device,
            Optional.of(volumeTags),
            Status.FAILED,
            null);
      } else {
        preflight.ok("target ec2 volume at " + device, "none attached: nothing to replace");
      }
      return Optional.of(new Target(instance.get(), tags, volume, volumeTags));
    } catch (RuntimeException e) {
      preflight.failed("target ec2 instance " + instanceId, Preflight.reason(e));
      return Optional.empty();
    }
  }

  /**
   * The calls of a volume swap under the instance: a new volume (from {@code snapshot} when known),
   * stop and start, detach and delete the old volume, attach the new one.
   */
  public static List<Permission> swap(
      Arns arns, Target t, String job, Ec2Port.Snapshot snapshot, String kmsKey, String role) {
    List<Permission> p = new ArrayList<>();
    for (String a :
        List.of(
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceStatus",
            "ec2:DescribeSnapshots",
            "ec2:DescribeTags",
            "ec2:DescribeVolumes")) {
      p.add(Permission.of(a, "*"));
    }
    Map<String, String> created = Tags.createdBy(job, "preflight", role);
    String newVolume = arns.volume("*");
    Permission create =
        Permission.of("ec2:CreateVolume", newVolume).tagging(created).with("ec2:Encrypted", "true");
    if (kmsKey != null && arns.key(kmsKey) != null) {
      create = create.with("ec2:KmsKeyId", arns.key(kmsKey));
    }
    p.add(create);
    if (snapshot != null) {
      p.add(
          Permission.of("ec2:CreateVolume", arns.snapshot(snapshot.id()))
              .tagging(created)
              .with("ec2:Owner", snapshot.ownerId()));
    }
    p.add(
        Permission.of("ec2:CreateTags", newVolume)
            .tagging(created)
            .with("ec2:CreateAction", "CreateVolume"));
    String instance = arns.instance(t.instance().id());
    for (String a : List.of("ec2:StopInstances", "ec2:StartInstances")) {
      p.add(Permission.of(a, instance).onTagged(t.instanceTags()));
    }
    p.add(Permission.of("ec2:AttachVolume", instance).onTagged(t.instanceTags()));
    p.add(Permission.of("ec2:AttachVolume", newVolume).onTagged(created));
    if (t.volume().isPresent()) {
      String old = arns.volume(t.volume().get());
      p.add(Permission.of("ec2:DetachVolume", instance).onTagged(t.instanceTags()));
      p.add(Permission.of("ec2:DetachVolume", old).onTagged(t.volumeTags()));
      p.add(Permission.of("ec2:AttachVolume", old).onTagged(t.volumeTags()));
      p.add(Permission.of("ec2:DeleteVolume", old).onTagged(t.volumeTags()));
    }
    String via = "ec2";
    if (snapshot != null && arns.key(snapshot.kmsKeyId()) != null) {
      for (String a : List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")) {
        p.add(Permission.of(a, arns.key(snapshot.kmsKeyId())).viaService(via, arns.region()));
      }
    }
    if (arns.key(kmsKey) != null) {
      for (String a :
          List.of("kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant")) {
        p.add(Permission.of(a, arns.key(kmsKey)).viaService(via, arns.region()));
      }
    }
    return p;
  }

  /** EC2's DryRun probes of the swap's calls, each an independent check. */
  public void probeSwap(
      Target t,
      String job,
      Ec2Port.Snapshot snapshot,
      String kmsKey,
      String volumeType,
      String role,
      String device) {
    String instance = t.instance().id();
    preflight.dryRun(
        "dry run: ec2:StopInstances " + instance,
        () -> client.stopInstances(r -> r.instanceIds(instance).dryRun(true)));
    preflight.dryRun(
        "dry run: ec2:StartInstances " + instance,
        () -> client.startInstances(r -> r.instanceIds(instance).dryRun(true)));
    CreateVolumeRequest.Builder create = newVolume(t, job, role, kmsKey, volumeType);
    if (snapshot != null) {
      create.snapshotId(snapshot.id());
    } else {
      create.size(1);
    }
    preflight.dryRun(
        "dry run: ec2:CreateVolume in " + t.instance().availabilityZone(),
        () -> client.createVolume(create.build()));
    if (t.volume().isPresent()) {
      String old = t.volume().get();
      preflight.dryRun(
          "dry run: ec2:DetachVolume " + old,
          () ->
              client.detachVolume(
                  r -> r.volumeId(old).instanceId(instance).device(device).dryRun(true)));
      preflight.dryRun(
          "dry run: ec2:AttachVolume " + old,
          () ->
              client.attachVolume(
                  r -> r.volumeId(old).instanceId(instance).device(device).dryRun(true)));
      preflight.dryRun(
          "dry run: ec2:DeleteVolume " + old,
          () -> client.deleteVolume(r -> r.volumeId(old).dryRun(true)));
    }
  }

  /**
   * The calls of {@code mongo-mask-snapshot run} on the masking instance: a working volume from the
   * production snapshot and a blank published one (both encrypted with {@code kmsKey}), attached,
   * the instance stopped and started, the published volume snapshotted, tagged, shared with {@code
   * shareWith}, and volumes and old masked snapshots deleted.
   */
  public static List<Permission> maskSnapshot(
      Arns arns,
      Target t,
      String job,
      Ec2Port.Snapshot source,
      String kmsKey,
      List<String> shareWith) {
    List<Permission> p = new ArrayList<>();
    for (String a :
        List.of(
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceStatus",
            "ec2:DescribeSnapshots",
            "ec2:DescribeSnapshotAttribute",
            "ec2:DescribeTags",
            "ec2:DescribeVolumes")) {
      p.add(Permission.of(a, "*"));
    }
    Map<String, String> managed = Map.of(Tags.MANAGED, "true");
    String volumes = arns.volume("*");
    String snapshots = arns.snapshot("*");
    for (String role : List.of(Tags.ROLE_WORKING_VOLUME, Tags.ROLE_PUBLISHED_VOLUME)) {
      Map<String, String> created = Tags.createdBy(job, "preflight", role);
      Permission create =
          Permission.of("ec2:CreateVolume", volumes).tagging(created).with("ec2:Encrypted", "true");
      p.add(arns.key(kmsKey) == null ? create : create.with("ec2:KmsKeyId", arns.key(kmsKey)));
      p.add(
          Permission.of("ec2:CreateTags", volumes)
              .tagging(created)
              .with("ec2:CreateAction", "CreateVolume"));
    }
    if (source != null) {
      Permission fromSource =
          Permission.of("ec2:CreateVolume", arns.snapshot(source.id()))
              .tagging(Tags.createdBy(job, "preflight", Tags.ROLE_WORKING_VOLUME))
              .with("ec2:Owner", source.ownerId());
      if (source.volumeId() != null) {
        fromSource = fromSource.with("ec2:ParentVolume", arns.volume(source.volumeId()));
      }
      p.add(fromSource);
      if (arns.key(source.kmsKeyId()) != null) {
        for (String a : List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")) {
          p.add(Permission.of(a, arns.key(source.kmsKeyId())).viaService("ec2", arns.region()));
        }
      }
    }
    p.add(
        Permission.of("ec2:CreateTags", volumes)
            .onTagged(managed)
            .tagging(Map.of(Tags.SANITY_CHECKED, "true")));
    String instance = arns.instance(t.instance().id());
    for (String a :
        List.of(
            "ec2:StopInstances", "ec2:StartInstances", "ec2:AttachVolume", "ec2:DetachVolume")) {
      p.add(Permission.of(a, instance).onTagged(t.instanceTags()));
    }
    for (String a : List.of("ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume")) {
      p.add(Permission.of(a, volumes).onTagged(managed));
    }
    Map<String, String> snapshotTags = Tags.createdBy(job, "preflight", Tags.ROLE_MASKED_SNAPSHOT);
    p.add(Permission.of("ec2:CreateSnapshot", volumes).onTagged(managed).tagging(snapshotTags));
    p.add(Permission.of("ec2:CreateSnapshot", snapshots).tagging(snapshotTags));
    p.add(
        Permission.of("ec2:CreateTags", snapshots)
            .tagging(snapshotTags)
            .with("ec2:CreateAction", "CreateSnapshot"));
    if (!shareWith.isEmpty()) {
      p.add(
          Permission.of("ec2:ModifySnapshotAttribute", snapshots)
              .onTagged(managed)
              .with("ec2:Add/userId", shareWith.toArray(new String[0])));
    }
    p.add(Permission.of("ec2:DeleteSnapshot", snapshots).onTagged(managed));
    if (arns.key(kmsKey) != null) {
      for (String a :
          List.of("kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant")) {
        p.add(Permission.of(a, arns.key(kmsKey)).viaService("ec2", arns.region()));
      }
    }
    return p;
  }

  /** EC2's DryRun probes of the masking run: the instance stopped and started, both volumes. */
  public void probeMaskSnapshot(
      Target t, String job, Ec2Port.Snapshot source, String kmsKey, String volumeType) {
    String instance = t.instance().id();
    preflight.dryRun(
        "dry run: ec2:StopInstances " + instance,
        () -> client.stopInstances(r -> r.instanceIds(instance).dryRun(true)));
    preflight.dryRun(
        "dry run: ec2:StartInstances " + instance,
        () -> client.startInstances(r -> r.instanceIds(instance).dryRun(true)));
    if (source != null) {
      preflight.dryRun(
          "dry run: ec2:CreateVolume from " + source.id(),
          () ->
              client.createVolume(
                  newVolume(t, job, Tags.ROLE_WORKING_VOLUME, kmsKey, volumeType)
                      .snapshotId(source.id())
                      .build()));
    }
    preflight.dryRun(
        "dry run: ec2:CreateVolume blank in " + t.instance().availabilityZone(),
        () ->
            client.createVolume(
                newVolume(t, job, Tags.ROLE_PUBLISHED_VOLUME, kmsKey, volumeType).size(1).build()));
  }

  private static CreateVolumeRequest.Builder newVolume(
      Target t, String job, String role, String kmsKey, String volumeType) {
    CreateVolumeRequest.Builder b =
        CreateVolumeRequest.builder()
            .dryRun(true)
            .availabilityZone(t.instance().availabilityZone())
            .encrypted(true)
            .volumeType(volumeType)
            .tagSpecifications(
                TagSpecification.builder()
                    .resourceType(ResourceType.VOLUME)
                    .tags(
                        Tags.createdBy(job, "preflight", role).entrySet().stream()
                            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                            .toList())
                    .build());
    if (kmsKey != null) {
      b.kmsKeyId(kmsKey);
    }
    return b;
  }
}
