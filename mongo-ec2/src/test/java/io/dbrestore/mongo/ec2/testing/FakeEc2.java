package io.dbrestore.mongo.ec2.testing;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.runtime.testing.AwsCallLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A stateful EC2 for workflow tests. Transitions take time as in AWS: a volume is {@code creating}
 * for {@link #lag} describes before it is {@code available}, an attachment {@code attaching}, an
 * instance {@code pending}/{@code stopping}, a snapshot {@code pending}; calls that AWS refuses in
 * the current state throw. Snapshots owned by another account show no tags, as in AWS.
 *
 * <p>Every call is recorded. A crash can be injected at the n-th call that changes something,
 * before or after it takes effect: it throws {@link Crash} (an {@link Error}, like a killed process
 * no {@code catch (RuntimeException)} sees) and every later call throws too until {@link
 * #revive()}.
 *
 * <p>Data: each volume and snapshot carries a {@link Data} value; a blank volume (created with no
 * snapshot) holds {@link Data#EMPTY}. Each {@link #host(Host, String) host} (a mongod) serves the
 * volume at its device: when the instance starts, the data of the volume at that device is loaded
 * into the host, and when it stops, the host's data is saved back into that volume.
 */
public final class FakeEc2 implements Ec2Port {
  private static final AwsCallLog CALLS = new AwsCallLog("ec2");

  /** A simulated process death. */
  public static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    public Crash(String message) {
      super(message);
    }
  }

  /** What a volume holds: documents per {@code db.collection}, as the test's mongod sees them. */
  public record Data(Map<String, List<org.bson.Document>> collections) {
    public static final Data EMPTY = new Data(Map.of());
  }

  /** Where an instance's mongod keeps what it serves. */
  public interface Host {
    void load(Data data);

    Data save();
  }

  /** A call made to the fake: its name (EC2 action) and first argument. */
  public record Call(String action, String target, boolean mutating) {
    @Override
    public String toString() {
      return action + " " + target;
    }
  }

  final class Inst {
    final String id;
    String state = "running";
    final String az;
    final Map<String, String> devices = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    int remaining;
    int statusRemaining;
    String target;

    Inst(String id, String az) {
      this.id = id;
      this.az = az;
    }
  }

  final class Vol {
    final String id;
    String state = "creating";
    final String az;
    final String snapshotId;
    String attachedTo;
    String device;
    String attachState;
    final Map<String, String> tags = new LinkedHashMap<>();
    final String kmsKeyId;
    final Integer rate;
    final Instant created;
    final Integer size;
    Data data;
    int remaining;
    String clientToken;
    boolean stuck;

    Vol(
        String id,
        String az,
        String snapshotId,
        String kmsKeyId,
        Integer rate,
        Data data,
        Integer size) {
      this.id = id;
      this.size = size;
      this.az = az;
      this.snapshotId = snapshotId;
      this.kmsKeyId = kmsKeyId;
      this.rate = rate;
      this.created = now();
      this.data = data;
    }
  }

  final class Snap {
    final String id;
    String state = "pending";
    final String volumeId;
    final String owner;
    final Instant start;
    final String description;
    final Map<String, String> tags = new LinkedHashMap<>();
    String kmsKeyId;
    final Data data;
    final Set<String> shared = new LinkedHashSet<>();
    int remaining;

    Snap(
        String id,
        String volumeId,
        String owner,
        Instant start,
        String description,
        String kmsKeyId,
        Data data) {
      this.id = id;
      this.volumeId = volumeId;
      this.owner = owner;
      this.start = start;
      this.description = description;
      this.kmsKeyId = kmsKeyId;
      this.data = data;
    }
  }

  private final String account;
  private final Map<String, Inst> instances = new LinkedHashMap<>();
  private final Map<String, Vol> volumes = new LinkedHashMap<>();
  private final Map<String, Snap> snapshots = new LinkedHashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private int nextId = 1;
  private Instant clock = Instant.parse("2026-03-01T02:00:00Z");

  /** The mongods by the device of the volume each serves. */
  private final Map<String, Host> hosts = new LinkedHashMap<>();

  /** The volume each host was started from, by device. */
  private final Map<String, String> hostVolumes = new LinkedHashMap<>();

  /** Every CreateVolume call as it was asked, in order. */
  private final List<NewVolume> created = new ArrayList<>();

  /** The request that made each volume created through the port (kept after it is deleted). */
  private final Map<String, NewVolume> madeBy = new LinkedHashMap<>();

  private int lag = 1;
  private int mutations;
  private int crashAt = -1;
  private boolean crashAfter;
  private boolean crashed;
  private final List<Consumer<Call>> listeners = new ArrayList<>();

  public FakeEc2(String account) {
    this.account = account;
  }

  // ---- the permission simulation ----------------------------------------------------------

  /** The role whose policy authorizes the calls (terraform/build/rendered/iam/); null: none. */
  private String role;

  /**
   * Records every call that changes something to target/aws-calls/ec2.jsonl as made by {@code role}
   * (see {@link AwsCallLog}); changes nothing else.
   */
  public FakeEc2 as(String role) {
    this.role = role;
    return this;
  }

  private String volumeArn(String id) {
    return "arn:aws:ec2:eu-west-1:" + account + ":volume/" + id;
  }

  private String instanceArn(String id) {
    return "arn:aws:ec2:eu-west-1:" + account + ":instance/" + id;
  }

  private static String snapshotArn(String id) {
    return "arn:aws:ec2:eu-west-1::snapshot/" + id;
  }

  private static AwsCallLog.Resource res(String arn, Map<String, String> tags, String... context) {
    Map<String, String> c = new LinkedHashMap<>();
    for (int i = 0; i + 1 < context.length; i += 2) {
      if (context[i + 1] != null) {
        c.put(context[i], context[i + 1]);
      }
    }
    return new AwsCallLog.Resource(arn, tags == null ? null : Map.copyOf(tags), c);
  }

  private Map<String, String> tagsOf(String resourceId) {
    if (volumes.containsKey(resourceId)) {
      return volumes.get(resourceId).tags;
    }
    if (snapshots.containsKey(resourceId)) {
      return snapshots.get(resourceId).tags;
    }
    if (instances.containsKey(resourceId)) {
      return instances.get(resourceId).tags;
    }
    return Map.of();
  }

  private String arnOf(String resourceId) {
    if (resourceId.startsWith("snap-")) {
      return snapshotArn(resourceId);
    }
    return resourceId.startsWith("i-") ? instanceArn(resourceId) : volumeArn(resourceId);
  }

  private final java.util.Set<String> served = new java.util.TreeSet<>();

  /**
   * Every IAM action this fake served (as it records them, also without a role): the workflow tests
   * compare it with the preflight's list of the command's actions.
   */
  public java.util.Set<String> served() {
    return java.util.Set.copyOf(served);
  }

  private void record(String action, Map<String, String> requestTags, AwsCallLog.Resource... r) {
    served.add(action);
    if (role != null) {
      CALLS.record(role, action, List.of(r), requestTags);
    }
  }

  /** What EC2 asks KMS on the caller's behalf: decrypt the source, encrypt the new volume. */
  private void recordKms(String sourceKey, String targetKey) {
    String via = "ec2.eu-west-1.amazonaws.com";
    if (sourceKey != null) {
      for (String action : List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")) {
        record(action, null, res(sourceKey, Map.of(), "kms:ViaService", via));
      }
    }
    if (targetKey != null) {
      for (String action :
          List.of("kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant")) {
        record(action, null, res(targetKey, Map.of(), "kms:ViaService", via));
      }
    }
  }

  // ---- set-up ------------------------------------------------------------------------------

  /** A mongod on the instance that serves the volume at {@code device} (several may be added). */
  public FakeEc2 host(Host value, String device) {
    hosts.put(device, value);
    return this;
  }

  /** How many describes a transition takes (default 1). */
  public FakeEc2 lag(int value) {
    lag = value;
    return this;
  }

  public FakeEc2 now(Instant value) {
    clock = value;
    return this;
  }

  public Instant now() {
    clock = clock.plusSeconds(1);
    return clock;
  }

  public String addInstance(String id, String az, String state, Map<String, String> tags) {
    Inst i = new Inst(id, az);
    i.state = state;
    i.tags.putAll(tags);
    instances.put(id, i);
    return id;
  }

  /** A volume that exists already, attached when {@code instanceId} is given. */
  public String addVolume(
      String az, Map<String, String> tags, Data data, String instanceId, String device) {
    Vol v = new Vol("vol-" + hex(), az, null, null, null, data, 100);
    v.state = "available";
    v.tags.putAll(tags);
    volumes.put(v.id, v);
    if (instanceId != null && instances.get(instanceId).state.equals("running")) {
      hostVolumes.put(device, v.id);
    }
    if (instanceId != null) {
      v.state = "in-use";
      v.attachedTo = instanceId;
      v.device = device;
      v.attachState = "attached";
      instances.get(instanceId).devices.put(device, v.id);
    }
    return v.id;
  }

  /** A completed snapshot that exists already. */
  public String addSnapshot(
      String volumeId,
      String owner,
      Instant start,
      String description,
      Map<String, String> tags,
      Data data) {
    Snap s = new Snap("snap-" + hex(), volumeId, owner, start, description, null, data);
    s.state = "completed";
    s.tags.putAll(tags);
    snapshots.put(s.id, s);
    return s.id;
  }

  /** The snapshot is encrypted with this customer-managed key (a backup's, as AWS Backup makes). */
  public FakeEc2 snapshotKey(String snapshotId, String kmsKeyId) {
    snapshots.get(snapshotId).kmsKeyId = kmsKeyId;
    return this;
  }

  /** Volumes created from now on stay {@code creating}. */
  public FakeEc2 stuckCreating() {
    stuck = true;
    return this;
  }

  private boolean stuck;

  /** Crash at the n-th (1-based) mutating call from now, before or after it takes effect. */
  public FakeEc2 crashAt(int n, boolean after) {
    crashAt = mutations + n;
    crashAfter = after;
    return this;
  }

  public FakeEc2 revive() {
    crashed = false;
    crashAt = -1;
    return this;
  }

  /** Runs before every call is made (tests cancel the run from here). */
  public FakeEc2 onCall(Consumer<Call> listener) {
    listeners.add(listener);
    return this;
  }

  // ---- inspection --------------------------------------------------------------------------

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> mutatingCalls() {
    return calls.stream().filter(Call::mutating).toList();
  }

  public String instanceState(String id) {
    return instances.get(id).state;
  }

  public Optional<String> volumeAt(String instanceId, String device) {
    return Optional.ofNullable(instances.get(instanceId).devices.get(device));
  }

  public Set<String> volumeIds() {
    return volumes.keySet();
  }

  public Set<String> snapshotIds() {
    return snapshots.keySet();
  }

  public Map<String, String> volumeTags(String id) {
    return Map.copyOf(volumes.get(id).tags);
  }

  public Map<String, String> snapshotTags(String id) {
    return Map.copyOf(snapshots.get(id).tags);
  }

  public Set<String> shares(String snapshotId) {
    return Set.copyOf(snapshots.get(snapshotId).shared);
  }

  public String attachState(String volumeId) {
    return volumes.get(volumeId).attachState;
  }

  public Data snapshotData(String snapshotId) {
    return snapshots.get(snapshotId).data;
  }

  public Data volumeData(String volumeId) {
    return volumes.get(volumeId).data;
  }

  /** Every CreateVolume request as it was made (repeats included), in order. */
  public List<NewVolume> createVolumeRequests() {
    return List.copyOf(created);
  }

  /** The request that made each volume created through the port, deleted ones included. */
  public Map<String, NewVolume> createdVolumes() {
    return Map.copyOf(madeBy);
  }

  /** The snapshot a volume was created from, null for a blank one. */
  public String volumeSnapshot(String volumeId) {
    return volumes.get(volumeId).snapshotId;
  }

  /** The volume a snapshot was made of. */
  public String snapshotVolume(String snapshotId) {
    return snapshots.get(snapshotId).volumeId;
  }

  /** Shares a snapshot (of another account) with an account. */
  public FakeEc2 share(String snapshotId, String withAccount) {
    snapshots.get(snapshotId).shared.add(withAccount);
    return this;
  }

  public String instanceAz(String id) {
    return instances.get(id).az;
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private String hex() {
    return String.format("%017x", nextId++);
  }

  private void call(String action, String target, boolean mutating) {
    Call c = new Call(action, target, mutating);
    for (Consumer<Call> l : listeners) {
      l.accept(c);
    }
    if (crashed) {
      throw new Crash("the process is dead (" + c + ")");
    }
    calls.add(c);
    if (!mutating) {
      // Reads: Describe* authorize on "*"; DescribeSnapshotAttribute on the snapshot.
      record(
          "ec2:" + action,
          null,
          action.equals("DescribeSnapshotAttribute")
              ? res(snapshotArn(target), tagsOf(target))
              : res("*", Map.of()));
    }
    if (mutating) {
      mutations++;
      if (mutations == crashAt && !crashAfter) {
        crashed = true;
        throw new Crash("crashed before " + c);
      }
    }
  }

  private <T> T mutate(String action, String target, Supplier<T> effect) {
    call(action, target, true);
    T result = effect.get();
    if (mutations == crashAt && crashAfter) {
      crashed = true;
      throw new Crash("crashed after " + action + " " + target);
    }
    return result;
  }

  private void mutate(String action, String target, Runnable effect) {
    mutate(
        action,
        target,
        () -> {
          effect.run();
          return null;
        });
  }

  private static IllegalStateException refused(String code, String message) {
    return new IllegalStateException(code + ": " + message);
  }

  private Inst inst(String id) {
    Inst i = instances.get(id);
    if (i == null) {
      throw refused("InvalidInstanceID.NotFound", id);
    }
    return i;
  }

  private Vol vol(String id) {
    Vol v = volumes.get(id);
    if (v == null) {
      throw refused("InvalidVolume.NotFound", id);
    }
    return v;
  }

  private void advance(Inst i) {
    if (i.target == null) {
      return;
    }
    if (i.remaining > 0) {
      i.remaining--;
      return;
    }
    i.state = i.target;
    i.target = null;
    if (i.state.equals("stopped")) {
      // What each mongod wrote goes to the volume it was started from.
      hosts.forEach(
          (device, host) -> {
            String volume = hostVolumes.remove(device);
            if (volume != null && volumes.containsKey(volume)) {
              volumes.get(volume).data = host.save();
            }
            host.load(Data.EMPTY);
          });
    }
    if (i.state.equals("running")) {
      i.statusRemaining = lag;
      hosts.forEach(
          (device, host) -> {
            String volume = i.devices.get(device);
            if (volume != null) {
              hostVolumes.put(device, volume);
            }
            host.load(volume == null ? Data.EMPTY : volumes.get(volume).data);
          });
    }
  }

  private void advance(Vol v) {
    if (v.state.equals("creating")) {
      if (v.stuck) {
        return;
      }
      if (v.remaining-- <= 0) {
        v.state = "available";
      }
      return;
    }
    if ("attaching".equals(v.attachState) || "detaching".equals(v.attachState)) {
      if (v.remaining-- > 0) {
        return;
      }
      if (v.attachState.equals("attaching")) {
        v.attachState = "attached";
      } else {
        instances.get(v.attachedTo).devices.remove(v.device);
        v.attachState = null;
        v.attachedTo = null;
        v.device = null;
        v.state = "available";
      }
    }
  }

  private void advance(Snap s) {
    if (s.state.equals("pending") && s.remaining-- <= 0) {
      s.state = "completed";
    }
  }

  private Volume view(Vol v) {
    List<Attachment> attachments =
        v.attachedTo == null
            ? List.of()
            : List.of(new Attachment(v.attachedTo, v.device, v.attachState));
    return new Volume(
        v.id,
        v.state,
        v.az,
        v.snapshotId,
        attachments,
        Map.copyOf(v.tags),
        v.kmsKeyId,
        v.rate,
        v.created,
        v.size);
  }

  private Snapshot view(Snap s) {
    return new Snapshot(
        s.id,
        s.state,
        s.state.equals("completed") ? "100%" : "42%",
        s.volumeId,
        s.owner,
        s.start,
        s.description,
        s.owner.equals(account) ? Map.copyOf(s.tags) : Map.of(),
        s.kmsKeyId);
  }

  private static boolean hasTags(Map<String, String> actual, Map<String, String> wanted) {
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
  }

  // ---- the port ----------------------------------------------------------------------------

  @Override
  public Optional<Instance> describeInstance(String instanceId) {
    call("DescribeInstances", instanceId, false);
    Inst i = instances.get(instanceId);
    if (i == null) {
      return Optional.empty();
    }
    advance(i);
    return Optional.of(new Instance(i.id, i.state, i.az, Map.copyOf(i.devices)));
  }

  @Override
  public Optional<StatusChecks> instanceStatus(String instanceId) {
    call("DescribeInstanceStatus", instanceId, false);
    Inst i = inst(instanceId);
    if (!i.state.equals("running")) {
      return Optional.empty();
    }
    if (i.statusRemaining-- > 0) {
      return Optional.of(new StatusChecks("initializing", "initializing"));
    }
    return Optional.of(new StatusChecks("ok", "ok"));
  }

  @Override
  public void stopInstance(String instanceId) {
    mutate(
        "StopInstances",
        instanceId,
        () -> {
          record("ec2:StopInstances", null, res(instanceArn(instanceId), tagsOf(instanceId)));
          Inst i = inst(instanceId);
          if (i.state.equals("running") || i.state.equals("pending")) {
            i.state = "stopping";
            i.target = "stopped";
            i.remaining = lag;
          } else if (!i.state.equals("stopped") && !i.state.equals("stopping")) {
            throw refused("IncorrectInstanceState", instanceId + " is " + i.state);
          }
        });
  }

  @Override
  public void startInstance(String instanceId) {
    mutate(
        "StartInstances",
        instanceId,
        () -> {
          record("ec2:StartInstances", null, res(instanceArn(instanceId), tagsOf(instanceId)));
          Inst i = inst(instanceId);
          if (i.state.equals("stopped")) {
            for (String v : i.devices.values()) {
              if (!"attached".equals(volumes.get(v).attachState)) {
                throw refused("IncorrectState", v + " is still " + volumes.get(v).attachState);
              }
            }
            i.state = "pending";
            i.target = "running";
            i.remaining = lag;
          } else if (!i.state.equals("running") && !i.state.equals("pending")) {
            throw refused("IncorrectInstanceState", instanceId + " is " + i.state);
          }
        });
  }

  @Override
  public Optional<Volume> describeVolume(String volumeId) {
    call("DescribeVolumes", volumeId, false);
    Vol v = volumes.get(volumeId);
    if (v == null) {
      return Optional.empty();
    }
    advance(v);
    return Optional.of(view(v));
  }

  @Override
  public List<Volume> findVolumes(Map<String, String> tags) {
    call("DescribeVolumes", tags.toString(), false);
    return volumes.values().stream().filter(v -> hasTags(v.tags, tags)).map(this::view).toList();
  }

  @Override
  public Volume createVolume(NewVolume spec) {
    return mutate(
        "CreateVolume",
        spec.snapshotId() == null ? "blank" : spec.snapshotId(),
        () -> {
          Snap from = spec.snapshotId() == null ? null : snapshots.get(spec.snapshotId());
          AwsCallLog.Resource volume =
              res(
                  volumeArn("vol-new"),
                  null,
                  "ec2:Encrypted",
                  "true",
                  "ec2:KmsKeyId",
                  spec.kmsKeyId());
          if (from == null) {
            record("ec2:CreateVolume", spec.tags(), volume);
          } else {
            record(
                "ec2:CreateVolume",
                spec.tags(),
                volume,
                res(
                    snapshotArn(from.id),
                    from.tags,
                    "ec2:Owner",
                    from.owner,
                    "ec2:ParentVolume",
                    from.volumeId == null
                        ? null
                        : "arn:aws:ec2:eu-west-1:" + from.owner + ":volume/" + from.volumeId));
          }
          if (!spec.tags().isEmpty()) {
            record(
                "ec2:CreateTags",
                spec.tags(),
                res(volumeArn("vol-new"), null, "ec2:CreateAction", "CreateVolume"));
          }
          recordKms(from == null ? null : from.kmsKeyId, spec.kmsKeyId());
          created.add(spec);
          for (Vol v : volumes.values()) {
            if (spec.clientToken() != null && spec.clientToken().equals(v.clientToken)) {
              return view(v);
            }
          }
          if (spec.snapshotId() == null) {
            if (spec.sizeGiB() == null) {
              throw refused("MissingParameter", "a volume without a snapshot needs a size");
            }
            Vol v =
                new Vol(
                    "vol-" + hex(),
                    spec.availabilityZone(),
                    null,
                    spec.kmsKeyId(),
                    spec.initializationRate(),
                    Data.EMPTY,
                    spec.sizeGiB());
            v.tags.putAll(spec.tags());
            v.remaining = lag;
            v.clientToken = spec.clientToken();
            v.stuck = stuck;
            volumes.put(v.id, v);
            madeBy.put(v.id, spec);
            return view(v);
          }
          Snap s = snapshots.get(spec.snapshotId());
          if (s == null || !s.state.equals("completed")) {
            throw refused("InvalidSnapshot.NotFound", spec.snapshotId());
          }
          if (!s.owner.equals(account) && !s.shared.contains(account)) {
            throw refused("InvalidSnapshot.NotFound", spec.snapshotId() + " is not shared");
          }
          Vol v =
              new Vol(
                  "vol-" + hex(),
                  spec.availabilityZone(),
                  s.id,
                  spec.kmsKeyId(),
                  spec.initializationRate(),
                  s.data,
                  spec.sizeGiB() == null ? 100 : spec.sizeGiB());
          v.tags.putAll(spec.tags());
          v.remaining = lag;
          v.clientToken = spec.clientToken();
          v.stuck = stuck;
          volumes.put(v.id, v);
          madeBy.put(v.id, spec);
          return view(v);
        });
  }

  @Override
  public void attachVolume(String volumeId, String instanceId, String device) {
    mutate(
        "AttachVolume",
        volumeId,
        () -> {
          record(
              "ec2:AttachVolume",
              null,
              res(instanceArn(instanceId), tagsOf(instanceId)),
              res(volumeArn(volumeId), tagsOf(volumeId)));
          Vol v = vol(volumeId);
          Inst i = inst(instanceId);
          if (!v.state.equals("available")) {
            throw refused("IncorrectState", volumeId + " is " + v.state);
          }
          if (!v.az.equals(i.az)) {
            throw refused("InvalidVolume.ZoneMismatch", volumeId + " is in " + v.az);
          }
          if (i.devices.containsKey(device)) {
            throw refused("InvalidParameterValue", device + " is in use");
          }
          v.state = "in-use";
          v.attachedTo = instanceId;
          v.device = device;
          v.attachState = "attaching";
          v.remaining = lag;
          i.devices.put(device, volumeId);
        });
  }

  @Override
  public void detachVolume(String volumeId, String instanceId, String device) {
    mutate(
        "DetachVolume",
        volumeId,
        () -> {
          record(
              "ec2:DetachVolume",
              null,
              res(volumeArn(volumeId), tagsOf(volumeId)),
              res(instanceArn(instanceId), tagsOf(instanceId)));
          Vol v = vol(volumeId);
          if (v.attachedTo == null) {
            return;
          }
          Inst i = inst(v.attachedTo);
          if (!i.state.equals("stopped")) {
            throw refused(
                "IncorrectState", "test fake: detach a data volume only from a stopped instance");
          }
          v.attachState = "detaching";
          v.remaining = lag;
        });
  }

  @Override
  public void deleteVolume(String volumeId) {
    mutate(
        "DeleteVolume",
        volumeId,
        () -> {
          record("ec2:DeleteVolume", null, res(volumeArn(volumeId), tagsOf(volumeId)));
          Vol v = volumes.get(volumeId);
          if (v == null) {
            return;
          }
          if (!v.state.equals("available")) {
            throw refused("VolumeInUse", volumeId + " is " + v.state);
          }
          volumes.remove(volumeId);
        });
  }

  @Override
  public List<Snapshot> findSnapshots(SnapshotQuery query) {
    call("DescribeSnapshots", query.toString(), false);
    Pattern description =
        query.description() == null
            ? null
            : Pattern.compile(
                Pattern.quote(query.description()).replace("*", "\\E.*\\Q"), Pattern.DOTALL);
    List<Snapshot> result = new ArrayList<>();
    for (Snap s : snapshots.values()) {
      boolean visible = s.owner.equals(account) || s.shared.contains(account);
      boolean owner =
          query.owners().isEmpty()
              || query.owners().stream()
                  .anyMatch(o -> o.equals(s.owner) || o.equals("self") && s.owner.equals(account));
      boolean tags =
          query.tags().isEmpty() || s.owner.equals(account) && hasTags(s.tags, query.tags());
      if (visible
          && owner
          && tags
          && (query.volumeId() == null || query.volumeId().equals(s.volumeId))
          && (description == null || description.matcher(s.description).matches())) {
        advance(s);
        result.add(view(s));
      }
    }
    return result;
  }

  @Override
  public Optional<Snapshot> describeSnapshot(String snapshotId) {
    call("DescribeSnapshots", snapshotId, false);
    Snap s = snapshots.get(snapshotId);
    if (s == null || !(s.owner.equals(account) || s.shared.contains(account))) {
      return Optional.empty();
    }
    advance(s);
    return Optional.of(view(s));
  }

  @Override
  public Snapshot createSnapshot(String volumeId, String description, Map<String, String> tags) {
    return mutate(
        "CreateSnapshot",
        volumeId,
        () -> {
          record(
              "ec2:CreateSnapshot",
              tags,
              res(snapshotArn("snap-new"), null, "ec2:ParentVolume", volumeArn(volumeId)),
              res(volumeArn(volumeId), tagsOf(volumeId)));
          if (!tags.isEmpty()) {
            record(
                "ec2:CreateTags",
                tags,
                res(snapshotArn("snap-new"), null, "ec2:CreateAction", "CreateSnapshot"));
          }
          Vol v = vol(volumeId);
          if (v.attachedTo != null && inst(v.attachedTo).state.equals("running")) {
            throw refused("test fake", "snapshot of a volume under a running mongod");
          }
          Snap s =
              new Snap("snap-" + hex(), volumeId, account, now(), description, v.kmsKeyId, v.data);
          s.tags.putAll(tags);
          s.remaining = lag;
          snapshots.put(s.id, s);
          return view(s);
        });
  }

  @Override
  public void shareSnapshot(String snapshotId, List<String> accounts) {
    mutate(
        "ModifySnapshotAttribute",
        snapshotId,
        () -> {
          record(
              "ec2:ModifySnapshotAttribute",
              null,
              res(
                  snapshotArn(snapshotId),
                  tagsOf(snapshotId),
                  "ec2:Add/userId",
                  String.join(",", accounts)));
          snapshots.get(snapshotId).shared.addAll(accounts);
        });
  }

  @Override
  public Set<String> sharedWith(String snapshotId) {
    call("DescribeSnapshotAttribute", snapshotId, false);
    return Set.copyOf(snapshots.get(snapshotId).shared);
  }

  @Override
  public void deleteSnapshot(String snapshotId) {
    mutate(
        "DeleteSnapshot",
        snapshotId,
        () -> {
          record("ec2:DeleteSnapshot", null, res(snapshotArn(snapshotId), tagsOf(snapshotId)));
          snapshots.remove(snapshotId);
        });
  }

  @Override
  public Map<String, String> tags(String resourceId) {
    call("DescribeTags", resourceId, false);
    if (instances.containsKey(resourceId)) {
      return Map.copyOf(instances.get(resourceId).tags);
    }
    if (volumes.containsKey(resourceId)) {
      return Map.copyOf(volumes.get(resourceId).tags);
    }
    if (snapshots.containsKey(resourceId)) {
      return Map.copyOf(snapshots.get(resourceId).tags);
    }
    throw refused("InvalidID", resourceId);
  }

  @Override
  public void tag(String resourceId, Map<String, String> tags) {
    mutate(
        "CreateTags",
        resourceId,
        () -> {
          record("ec2:CreateTags", tags, res(arnOf(resourceId), tagsOf(resourceId)));
          if (volumes.containsKey(resourceId)) {
            volumes.get(resourceId).tags.putAll(tags);
          } else if (snapshots.containsKey(resourceId)) {
            snapshots.get(resourceId).tags.putAll(tags);
          } else {
            inst(resourceId).tags.putAll(tags);
          }
        });
  }

  /** How long ago, for tests that age a snapshot. */
  public Instant ago(Duration d) {
    return clock.minus(d);
  }
}
