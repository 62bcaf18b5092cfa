package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.plan.DryRunPlan;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The dry run's EC2: reads go to the real account; every call that would change something is
 * printed to the plan and then simulated in memory (a new volume is at once available, an
 * attachment at once attached, an instance at once stopped or running with its status checks
 * passed, a snapshot at once completed), so the workflow runs to its end and the plan shows every
 * call in order. Nothing is changed in AWS.
 *
 * <p>What it creates gets ids of zeros and a counter ({@code vol-00000000000000001}): they look
 * like EC2 ids, so the safety guard's allowlist judges them as it would judge the real ones, and
 * they exist nowhere.
 */
public final class DryRunEc2 implements Ec2Port {
  private final Ec2Port real;
  private final DryRunPlan plan;
  private final Clock clock;
  private final Map<String, Instance> instances = new HashMap<>();
  private final Map<String, Volume> volumes = new LinkedHashMap<>();
  private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
  private final Map<String, Set<String>> shares = new HashMap<>();
  private final Map<String, Map<String, String>> tags = new HashMap<>();
  private final Set<String> gone = new HashSet<>();
  private final Set<String> made = new HashSet<>();

  public DryRunEc2(Ec2Port real, PrintWriter plan, Clock clock) {
    this.real = real;
    this.plan = new DryRunPlan(plan);
    this.clock = clock;
  }

  private void print(String call, String what) {
    plan.call("ec2:" + call, what);
  }

  /** The id of a resource this dry run makes. */
  private String newId(String prefix) {
    String id = prefix + String.format("0dd%014x", made.size() + 1);
    made.add(id);
    return id;
  }

  // ---- instances ---------------------------------------------------------------------------

  @Override
  public Optional<Instance> describeInstance(String instanceId) {
    Instance simulated = instances.get(instanceId);
    return simulated != null ? Optional.of(simulated) : real.describeInstance(instanceId);
  }

  @Override
  public Optional<StatusChecks> instanceStatus(String instanceId) {
    Instance simulated = instances.get(instanceId);
    if (simulated == null) {
      return real.instanceStatus(instanceId);
    }
    return simulated.state().equals("running")
        ? Optional.of(new StatusChecks("ok", "ok"))
        : Optional.empty();
  }

  /**
   * Keeps the instance as this dry run leaves it: in a new state (or null), with new volumes (or
   * null).
   */
  private void changeInstance(String instanceId, String state, Map<String, String> volumes) {
    Instance i = describeInstance(instanceId).orElseThrow();
    instances.put(
        instanceId,
        new Instance(
            i.id(),
            state == null ? i.state() : state,
            i.availabilityZone(),
            volumes == null ? i.volumesByDevice() : Map.copyOf(volumes)));
  }

  @Override
  public void stopInstance(String instanceId) {
    print("StopInstances", "stop ec2 instance " + instanceId);
    changeInstance(instanceId, "stopped", null);
  }

  @Override
  public void startInstance(String instanceId) {
    print("StartInstances", "start ec2 instance " + instanceId);
    changeInstance(instanceId, "running", null);
  }

  // ---- volumes -----------------------------------------------------------------------------

  @Override
  public Optional<Volume> describeVolume(String volumeId) {
    if (gone.contains(volumeId)) {
      return Optional.empty();
    }
    Volume simulated = volumes.get(volumeId);
    return simulated != null
        ? Optional.of(withAddedTags(simulated))
        : real.describeVolume(volumeId).map(this::withAddedTags);
  }

  @Override
  public List<Volume> findVolumes(Map<String, String> wanted) {
    List<Volume> found = new ArrayList<>();
    for (Volume v : real.findVolumes(wanted)) {
      if (!gone.contains(v.id()) && !volumes.containsKey(v.id())) {
        found.add(withAddedTags(v));
      }
    }
    for (Volume v : volumes.values()) {
      Volume now = withAddedTags(v);
      if (hasAll(now.tags(), wanted)) {
        found.add(now);
      }
    }
    return found;
  }

  @Override
  public Volume createVolume(NewVolume spec) {
    print(
        "CreateVolume",
        "create a "
            + spec.volumeType()
            + " volume from "
            + spec.snapshotId()
            + " in "
            + spec.availabilityZone()
            + (spec.kmsKeyId() == null ? "" : ", encrypted with " + spec.kmsKeyId())
            + (spec.initializationRate() == null
                ? ""
                : ", initialization rate " + spec.initializationRate() + " MiB/s"));
    Volume v =
        new Volume(
            newId("vol-"),
            "available",
            spec.availabilityZone(),
            spec.snapshotId(),
            List.of(),
            Map.copyOf(spec.tags()),
            spec.kmsKeyId(),
            spec.initializationRate(),
            clock.instant());
    volumes.put(v.id(), v);
    return v;
  }

  /** Keeps the volume as this dry run leaves it: in a new state, with new attachments. */
  private void changeVolume(String volumeId, String state, List<Attachment> attachments) {
    Volume v = describeVolume(volumeId).orElseThrow();
    volumes.put(
        volumeId,
        new Volume(
            v.id(),
            state,
            v.availabilityZone(),
            v.snapshotId(),
            attachments,
            v.tags(),
            v.kmsKeyId(),
            v.initializationRate(),
            v.createTime()));
  }

  @Override
  public void attachVolume(String volumeId, String instanceId, String device) {
    print("AttachVolume", "attach ec2 volume " + volumeId + " to " + instanceId + " at " + device);
    changeVolume(volumeId, "in-use", List.of(new Attachment(instanceId, device, "attached")));
    Map<String, String> devices =
        new LinkedHashMap<>(describeInstance(instanceId).orElseThrow().volumesByDevice());
    devices.put(device, volumeId);
    changeInstance(instanceId, null, devices);
  }

  @Override
  public void detachVolume(String volumeId, String instanceId, String device) {
    print(
        "DetachVolume", "detach ec2 volume " + volumeId + " from " + instanceId + " at " + device);
    changeVolume(volumeId, "available", List.of());
    Map<String, String> devices =
        new LinkedHashMap<>(describeInstance(instanceId).orElseThrow().volumesByDevice());
    devices.remove(device, volumeId);
    changeInstance(instanceId, null, devices);
  }

  @Override
  public void deleteVolume(String volumeId) {
    print("DeleteVolume", "delete ec2 volume " + volumeId);
    volumes.remove(volumeId);
    gone.add(volumeId);
  }

  // ---- snapshots ---------------------------------------------------------------------------

  @Override
  public List<Snapshot> findSnapshots(SnapshotQuery query) {
    List<Snapshot> found = new ArrayList<>();
    for (Snapshot s : real.findSnapshots(query)) {
      if (!gone.contains(s.id())) {
        found.add(withAddedTags(s));
      }
    }
    for (Snapshot s : snapshots.values()) {
      if (matches(withAddedTags(s), query)) {
        found.add(withAddedTags(s));
      }
    }
    return found;
  }

  /** Whether a snapshot this dry run made (so owned by this account) answers {@code query}. */
  private static boolean matches(Snapshot s, SnapshotQuery query) {
    return (query.owners().isEmpty() || query.owners().contains("self"))
        && (query.volumeId() == null || query.volumeId().equals(s.volumeId()))
        && hasAll(s.tags(), query.tags())
        && (query.description() == null
            || Pattern.compile(
                    Pattern.quote(query.description()).replace("*", "\\E.*\\Q"), Pattern.DOTALL)
                .matcher(s.description())
                .matches());
  }

  @Override
  public Optional<Snapshot> describeSnapshot(String snapshotId) {
    if (gone.contains(snapshotId)) {
      return Optional.empty();
    }
    Snapshot simulated = snapshots.get(snapshotId);
    return simulated != null
        ? Optional.of(withAddedTags(simulated))
        : real.describeSnapshot(snapshotId).map(this::withAddedTags);
  }

  @Override
  public Snapshot createSnapshot(String volumeId, String description, Map<String, String> tags) {
    print(
        "CreateSnapshot",
        "snapshot ec2 volume " + volumeId + ", described as '" + description + "'");
    Snapshot s =
        new Snapshot(
            newId("snap-"),
            "completed",
            "100%",
            volumeId,
            null,
            clock.instant(),
            description,
            Map.copyOf(tags),
            describeVolume(volumeId).map(Volume::kmsKeyId).orElse(null));
    snapshots.put(s.id(), s);
    return s;
  }

  @Override
  public void shareSnapshot(String snapshotId, List<String> accounts) {
    print(
        "ModifySnapshotAttribute", "share the snapshot with " + accounts + " (" + snapshotId + ")");
    shares.computeIfAbsent(snapshotId, id -> new LinkedHashSet<>()).addAll(accounts);
  }

  @Override
  public Set<String> sharedWith(String snapshotId) {
    Set<String> accounts =
        new LinkedHashSet<>(made.contains(snapshotId) ? Set.of() : real.sharedWith(snapshotId));
    accounts.addAll(shares.getOrDefault(snapshotId, Set.of()));
    return accounts;
  }

  @Override
  public void deleteSnapshot(String snapshotId) {
    print("DeleteSnapshot", "delete ebs snapshot " + snapshotId);
    snapshots.remove(snapshotId);
    gone.add(snapshotId);
  }

  // ---- tags --------------------------------------------------------------------------------

  @Override
  public Map<String, String> tags(String resourceId) {
    Map<String, String> all = new LinkedHashMap<>();
    if (!made.contains(resourceId)) {
      all.putAll(real.tags(resourceId));
    } else if (volumes.containsKey(resourceId)) {
      all.putAll(volumes.get(resourceId).tags());
    } else if (snapshots.containsKey(resourceId)) {
      all.putAll(snapshots.get(resourceId).tags());
    }
    all.putAll(tags.getOrDefault(resourceId, Map.of()));
    return all;
  }

  @Override
  public void tag(String resourceId, Map<String, String> added) {
    print("CreateTags", "tag " + resourceId + " with " + added);
    tags.computeIfAbsent(resourceId, id -> new LinkedHashMap<>()).putAll(added);
  }

  private Volume withAddedTags(Volume v) {
    Map<String, String> added = tags.get(v.id());
    if (added == null) {
      return v;
    }
    Map<String, String> all = new LinkedHashMap<>(v.tags());
    all.putAll(added);
    return new Volume(
        v.id(),
        v.state(),
        v.availabilityZone(),
        v.snapshotId(),
        v.attachments(),
        all,
        v.kmsKeyId(),
        v.initializationRate(),
        v.createTime());
  }

  private Snapshot withAddedTags(Snapshot s) {
    Map<String, String> added = tags.get(s.id());
    if (added == null) {
      return s;
    }
    Map<String, String> all = new LinkedHashMap<>(s.tags());
    all.putAll(added);
    return new Snapshot(
        s.id(),
        s.state(),
        s.progress(),
        s.volumeId(),
        s.ownerId(),
        s.startTime(),
        s.description(),
        all,
        s.kmsKeyId());
  }

  private static boolean hasAll(Map<String, String> actual, Map<String, String> wanted) {
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
  }
}
