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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The dry run's EC2: reads go to the real account; every call that would change something is
 * printed to the plan and then simulated in memory (a new volume is at once available, an
 * attachment at once attached, an instance at once stopped or running with its status checks
 * passed, a snapshot at once completed), so the workflow runs to its end and the plan shows every
 * call in order. Nothing is changed in AWS.
 *
 * <p>What it creates gets ids of {@code 0dd} and a counter ({@code vol-0dd00000000000001}): they
 * look like EC2 ids, so the safety guard's allowlist judges them as it would judge the real ones,
 * and they exist nowhere.
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

  /** Keeps the instance as this dry run leaves it: as it is now, changed by {@code change}. */
  private void changeInstance(String instanceId, UnaryOperator<Instance> change) {
    instances.put(instanceId, change.apply(describeInstance(instanceId).orElseThrow()));
  }

  @Override
  public void stopInstance(String instanceId) {
    print("StopInstances", "stop ec2 instance " + instanceId);
    changeInstance(instanceId, i -> i.withState("stopped"));
  }

  @Override
  public void startInstance(String instanceId) {
    print("StartInstances", "start ec2 instance " + instanceId);
    changeInstance(instanceId, i -> i.withState("running"));
  }

  // ---- volumes -----------------------------------------------------------------------------

  @Override
  public Optional<Volume> describeVolume(String volumeId) {
    return overlaid(volumeId, volumes, real::describeVolume, this::withAddedTags);
  }

  @Override
  public List<Volume> findVolumes(Map<String, String> wanted) {
    return overlaid(
        real.findVolumes(wanted),
        volumes,
        Volume::id,
        this::withAddedTags,
        v -> hasAll(v.tags(), wanted));
  }

  @Override
  public Volume createVolume(NewVolume spec) {
    print(
        "CreateVolume",
        "create a "
            + spec.volumeType()
            + (spec.snapshotId() == null
                ? " blank volume" + (spec.sizeGiB() == null ? "" : " of " + spec.sizeGiB() + " GiB")
                : " volume from " + spec.snapshotId())
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
            clock.instant(),
            spec.sizeGiB());
    volumes.put(v.id(), v);
    return v;
  }

  /** Keeps the volume as this dry run leaves it: in a new state, with new attachments. */
  private void changeVolume(String volumeId, String state, List<Attachment> attachments) {
    volumes.put(volumeId, describeVolume(volumeId).orElseThrow().withState(state, attachments));
  }

  @Override
  public void attachVolume(String volumeId, String instanceId, String device) {
    print("AttachVolume", "attach ec2 volume " + volumeId + " to " + instanceId + " at " + device);
    changeVolume(volumeId, "in-use", List.of(new Attachment(instanceId, device, "attached")));
    changeDevices(instanceId, devices -> devices.put(device, volumeId));
  }

  @Override
  public void detachVolume(String volumeId, String instanceId, String device) {
    print(
        "DetachVolume", "detach ec2 volume " + volumeId + " from " + instanceId + " at " + device);
    changeVolume(volumeId, "available", List.of());
    changeDevices(instanceId, devices -> devices.remove(device, volumeId));
  }

  /** Keeps the instance with its volumes by device changed by {@code change}. */
  private void changeDevices(String instanceId, Consumer<Map<String, String>> change) {
    changeInstance(
        instanceId,
        i -> {
          Map<String, String> devices = new LinkedHashMap<>(i.volumesByDevice());
          change.accept(devices);
          return i.withVolumesByDevice(Map.copyOf(devices));
        });
  }

  @Override
  public void deleteVolume(String volumeId) {
    print("DeleteVolume", "delete ec2 volume " + volumeId);
    forget(volumeId, volumes);
  }

  /** From now on the resource does not exist in this dry run. */
  private void forget(String id, Map<String, ?> kept) {
    kept.remove(id);
    gone.add(id);
  }

  // ---- snapshots ---------------------------------------------------------------------------

  @Override
  public List<Snapshot> findSnapshots(SnapshotQuery query) {
    return overlaid(
        real.findSnapshots(query),
        snapshots,
        Snapshot::id,
        this::withAddedTags,
        s -> matches(s, query));
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
    return overlaid(snapshotId, snapshots, real::describeSnapshot, this::withAddedTags);
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
    forget(snapshotId, snapshots);
  }

  // ---- tags --------------------------------------------------------------------------------

  @Override
  public Map<String, String> tags(String resourceId) {
    Map<String, String> own;
    if (!made.contains(resourceId)) {
      own = real.tags(resourceId);
    } else if (volumes.containsKey(resourceId)) {
      own = volumes.get(resourceId).tags();
    } else if (snapshots.containsKey(resourceId)) {
      own = snapshots.get(resourceId).tags();
    } else {
      own = Map.of(); // made and deleted again by this dry run
    }
    return withAdded(resourceId, own);
  }

  @Override
  public void tag(String resourceId, Map<String, String> added) {
    print("CreateTags", "tag " + resourceId + " with " + added);
    tags.computeIfAbsent(resourceId, id -> new LinkedHashMap<>()).putAll(added);
  }

  /**
   * A volume or snapshot as this dry run sees it: gone, as the dry run left it ({@code kept}), or
   * as AWS has it; with the tags the dry run added.
   */
  private <T> Optional<T> overlaid(
      String id,
      Map<String, T> kept,
      Function<String, Optional<T>> inAws,
      UnaryOperator<T> withAddedTags) {
    if (gone.contains(id)) {
      return Optional.empty();
    }
    T changed = kept.get(id);
    return (changed != null ? Optional.of(changed) : inAws.apply(id)).map(withAddedTags);
  }

  /**
   * What a listing answers in this dry run: what AWS lists, without what the dry run deleted or
   * changed, and what it changed or made ({@code kept}) where it answers {@code wanted}.
   */
  private <T> List<T> overlaid(
      List<T> inAws,
      Map<String, T> kept,
      Function<T, String> id,
      UnaryOperator<T> withAddedTags,
      Predicate<T> wanted) {
    List<T> found = new ArrayList<>();
    for (T r : inAws) {
      if (!gone.contains(id.apply(r)) && !kept.containsKey(id.apply(r))) {
        found.add(withAddedTags.apply(r));
      }
    }
    for (T r : kept.values()) {
      T now = withAddedTags.apply(r);
      if (wanted.test(now)) {
        found.add(now);
      }
    }
    return found;
  }

  private Volume withAddedTags(Volume v) {
    return tags.containsKey(v.id()) ? v.withTags(withAdded(v.id(), v.tags())) : v;
  }

  private Snapshot withAddedTags(Snapshot s) {
    return tags.containsKey(s.id()) ? s.withTags(withAdded(s.id(), s.tags())) : s;
  }

  /** {@code tags} with the ones this dry run added to the resource. */
  private Map<String, String> withAdded(String resourceId, Map<String, String> tags) {
    Map<String, String> all = new LinkedHashMap<>(tags);
    all.putAll(this.tags.getOrDefault(resourceId, Map.of()));
    return all;
  }

  private static boolean hasAll(Map<String, String> actual, Map<String, String> wanted) {
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
  }
}
