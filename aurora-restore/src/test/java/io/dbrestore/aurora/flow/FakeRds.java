package io.dbrestore.aurora.flow;

import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.testing.AwsCallLog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A stateful RDS for workflow tests. States advance as AWS's do, one step per describe: a restored
 * cluster is {@code creating} then {@code available}; a modified one {@code modifying} or {@code
 * renaming} then available; a deleting one disappears. ARNs follow identifiers (a rename changes
 * the ARN, as in RDS). Every mutating call is logged; a crash can be injected after any of them.
 */
final class FakeRds implements RdsPort {
  private static final AwsCallLog CALLS = new AwsCallLog("aurora-restore");

  static final String ACCOUNT = "222222222222";
  static final String PROD = "111111111111";

  /** The masked snapshot of app that {@link #addTargetAndSharedSnapshot} shares. */
  static final String SHARED_SNAPSHOT = "dbrestore-masked-app-20261125-0100-abcdef";

  static final class C {
    String id;
    String status;
    String engine = "aurora-postgresql";
    String host = "localhost";
    int port = 5432;
    String database;
    String master = "master";
    boolean protection;
    List<String> members = new ArrayList<>();
    Map<String, String> tags = new LinkedHashMap<>();
    int polls;
  }

  static final class I {
    String id;
    String cluster;
    String status;
    Map<String, String> tags = new LinkedHashMap<>();
  }

  final Map<String, C> clusters = new LinkedHashMap<>();
  final Map<String, I> instances = new LinkedHashMap<>();
  final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
  final Map<String, List<String>> sharedWith = new LinkedHashMap<>();
  final List<String> calls = new ArrayList<>();

  /**
   * Every IAM action this fake served (as {@link #record} records them, also without a role): the
   * workflow tests compare it with the preflight's list ({@link
   * io.dbrestore.aurora.flow.AuroraPermissions}).
   */
  final Set<String> served = new java.util.TreeSet<>();

  final List<String> passwords = new ArrayList<>();
  private final Clock clock;
  private String crashAfter;
  private int crashAfterIndex = -1;
  private int mutations;

  /**
   * The role whose policy authorizes this fake's calls (terraform/build/rendered/iam/): restores
   * run in development, masked snapshots in production. Null: nothing is recorded (tests of the SDK
   * adapter alone make calls no job makes).
   */
  String role;

  /** Records this fake's calls as made by {@code role} (see {@link #role}). */
  FakeRds as(String role) {
    this.role = role;
    return this;
  }

  /** Records one call for the permission simulation (see {@link AwsCallLog}). */
  private void record(
      String action, Map<String, String> requestTags, AwsCallLog.Resource... resources) {
    served.add(action);
    if (action.startsWith("rds:Create") || action.startsWith("rds:Restore")) {
      if (requestTags != null && !requestTags.isEmpty()) {
        served.add("rds:AddTagsToResource");
      }
    }
    if (role == null) {
      return;
    }
    CALLS.record(role, action, List.of(resources), requestTags);
    if (action.startsWith("rds:Create") || action.startsWith("rds:Restore")) {
      // Tags in a create call are authorized as rds:AddTagsToResource on the new resource too.
      if (requestTags != null && !requestTags.isEmpty()) {
        CALLS.record(role, "rds:AddTagsToResource", List.of(resources[0]), requestTags);
      }
    }
  }

  /**
   * What RDS asks KMS on the caller's behalf when it restores: decrypt with the source's key (a
   * snapshot's), encrypt with the new cluster's key (--kms-key), grants for both.
   */
  private void recordKms(String sourceKey, String targetKey) {
    if (sourceKey != null) {
      served.addAll(List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"));
    }
    if (targetKey != null) {
      served.addAll(
          List.of("kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant"));
    }
    if (role == null) {
      return;
    }
    if (sourceKey != null) {
      for (String action : List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")) {
        CALLS.record(role, action, List.of(resource(sourceKey, Map.of())), null);
      }
    }
    if (targetKey != null) {
      for (String action :
          List.of("kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant")) {
        CALLS.record(role, action, List.of(resource(targetKey, Map.of())), null);
      }
    }
  }

  private static AwsCallLog.Resource resource(String arn, Map<String, String> tags) {
    return new AwsCallLog.Resource(arn, tags == null ? null : Map.copyOf(tags));
  }

  private List<AwsCallLog.Resource> clusterSpecResources(ClusterSpec spec) {
    List<AwsCallLog.Resource> r = new ArrayList<>();
    r.add(resource(arn("cluster", spec.clusterId()), null));
    if (spec.dbSubnetGroup() != null) {
      r.add(resource(arn("subgrp", spec.dbSubnetGroup()), Map.of()));
    }
    if (spec.clusterParameterGroup() != null) {
      r.add(resource(arn("cluster-pg", spec.clusterParameterGroup()), Map.of()));
    }
    return r;
  }

  /** Called on every describe of a cluster, instance or snapshot: (id, status). */
  BiConsumer<String, String> onDescribe = (id, status) -> {};

  /** How many describes a transitional state lasts. */
  int pollsPerState = 1;

  /** Where restored clusters listen (a real database in masking tests). */
  String endpointHost = "localhost";

  int endpointPort = 5432;
  String endpointDatabase;
  String endpointEngine = "aurora-postgresql";
  String endpointUser = "master";

  /** Applies a master password to the real database behind the endpoint, if there is one. */
  java.util.function.Consumer<String> onPassword = p -> {};

  FakeRds(Clock clock) {
    this.clock = clock;
  }

  static String arn(String kind, String id) {
    return "arn:aws:rds:eu-west-1:" + ACCOUNT + ":" + kind + ":" + id;
  }

  /** The next mutating call named {@code call} takes effect, then the process "dies". */
  FakeRds crashAfter(String call) {
    crashAfter = call;
    return this;
  }

  /** The n-th (1-based) mutating call from now takes effect, then the process "dies". */
  FakeRds crashAfterCall(int n) {
    crashAfterIndex = mutations + n;
    return this;
  }

  long count(String call) {
    return calls.stream().filter(c -> c.startsWith(call + " ")).count();
  }

  List<String> mutations() {
    return List.copyOf(calls);
  }

  private void mutated(String call, String detail) {
    calls.add(call + " " + detail);
    mutations++;
    if (call.equals(crashAfter) || mutations == crashAfterIndex) {
      crashAfter = null;
      crashAfterIndex = -1;
      throw new IllegalStateException("injected crash after " + call + " " + detail);
    }
  }

  // ---- seeding ------------------------------------------------------------------------------

  C addCluster(String id, Map<String, String> tags, String... instanceIds) {
    C c = new C();
    c.id = id;
    c.status = "available";
    c.tags.putAll(tags);
    c.host = id + ".cluster.example";
    clusters.put(id, c);
    for (String i : instanceIds) {
      I in = new I();
      in.id = i;
      in.cluster = id;
      in.status = "available";
      in.tags.putAll(tags);
      instances.put(i, in);
      c.members.add(i);
    }
    return c;
  }

  /**
   * What a nightly restore into develop-app finds: the target (one instance), managed and restored
   * by an earlier run (night-0), and a masked snapshot of app shared from production, {@link
   * #SHARED_SNAPSHOT}, taken at {@code taken}.
   */
  void addTargetAndSharedSnapshot(Instant taken) {
    addCluster(
        "develop-app", Map.of(Tags.MANAGED, "true", Tags.RUN_ID, "night-0"), "develop-app-1");
    addSnapshot(SHARED_SNAPSHOT, PROD, "shared", "app", taken, Map.of());
  }

  Snapshot addSnapshot(
      String id,
      String account,
      String type,
      String cluster,
      Instant created,
      Map<String, String> tags) {
    String arn = "arn:aws:rds:eu-west-1:" + account + ":cluster-snapshot:" + id;
    Snapshot s =
        new Snapshot(
            account.equals(ACCOUNT) ? id : arn,
            arn,
            cluster,
            "available",
            type,
            created,
            "aurora-postgresql",
            "16.4",
            "arn:aws:kms:eu-west-1:" + account + ":key/k",
            Map.copyOf(tags));
    snapshots.put(s.id(), s);
    return s;
  }

  // ---- reads --------------------------------------------------------------------------------

  /** A cluster as it is now, without advancing its state (a describe would). */
  Cluster peek(String id) {
    return view(clusters.get(id));
  }

  private Cluster view(C c) {
    return new Cluster(
        c.id,
        arn("cluster", c.id),
        c.status,
        c.engine,
        "16.4",
        c.host,
        c.port,
        c.database,
        c.master,
        c.protection,
        List.copyOf(c.members),
        Map.copyOf(c.tags));
  }

  private void advance(C c) {
    onDescribe.accept(c.id, c.status);
    if (Set.of("creating", "modifying", "renaming", "resetting-master-credentials")
            .contains(c.status)
        && ++c.polls >= pollsPerState) {
      c.status = "available";
      c.polls = 0;
    } else if ("deleting".equals(c.status)
        && c.members.stream()
            .map(instances::get)
            .allMatch(i -> i == null || "deleting".equals(i.status))
        && ++c.polls >= pollsPerState) {
      c.members.forEach(instances::remove);
      clusters.remove(c.id);
    }
  }

  @Override
  public Optional<Cluster> cluster(String id) {
    C c = clusters.get(id);
    record(
        "rds:DescribeDBClusters",
        null,
        resource(arn("cluster", id), c == null ? Map.of() : c.tags));
    if (c == null) {
      return Optional.empty();
    }
    advance(c);
    c = clusters.get(id);
    return c == null ? Optional.empty() : Optional.of(view(c));
  }

  @Override
  public List<Cluster> clusters() {
    record("rds:DescribeDBClusters", null, resource("*", Map.of()));
    return clusters.values().stream().map(this::view).toList();
  }

  @Override
  public Optional<Instance> instance(String id) {
    I i = instances.get(id);
    record("rds:DescribeDBInstances", null, resource(arn("db", id), i == null ? Map.of() : i.tags));
    if (i == null) {
      return Optional.empty();
    }
    onDescribe.accept(id, i.status);
    if (Set.of("creating", "modifying", "renaming").contains(i.status)) {
      i.status = "available";
    } else if ("deleting".equals(i.status)) {
      instances.remove(id);
      return Optional.empty();
    }
    return Optional.of(new Instance(i.id, arn("db", i.id), i.cluster, i.status));
  }

  @Override
  public List<Snapshot> snapshots(SnapshotType type, String clusterId) {
    record("rds:DescribeDBClusterSnapshots", null, resource("*", Map.of()));
    return snapshots.values().stream()
        .filter(s -> s.type().equals(type.apiValue))
        .filter(s -> clusterId == null || clusterId.equals(s.clusterId()))
        .sorted(Comparator.comparing(Snapshot::created).reversed())
        .toList();
  }

  @Override
  public Optional<Snapshot> snapshot(String idOrArn) {
    Snapshot s = snapshots.get(idOrArn);
    record(
        "rds:DescribeDBClusterSnapshots",
        null,
        s == null ? resource("*", Map.of()) : resource(s.arn(), s.tags()));
    if (s == null) {
      return Optional.empty();
    }
    onDescribe.accept(s.id(), s.status());
    if ("creating".equals(s.status())) {
      Snapshot done = withStatus(s, "available");
      snapshots.put(s.id(), done);
    }
    return Optional.of(s);
  }

  /** The same snapshot in another status. */
  static Snapshot withStatus(Snapshot s, String status) {
    return new Snapshot(
        s.id(),
        s.arn(),
        s.clusterId(),
        status,
        s.type(),
        s.created(),
        s.engine(),
        s.engineVersion(),
        s.kmsKeyId(),
        s.tags());
  }

  // ---- writes -------------------------------------------------------------------------------

  private C restored(ClusterSpec spec) {
    if (clusters.containsKey(spec.clusterId())) {
      throw new IllegalStateException("DBClusterAlreadyExistsFault " + spec.clusterId());
    }
    C c = new C();
    c.id = spec.clusterId();
    c.status = "creating";
    c.host = endpointHost;
    c.port = endpointPort;
    c.database = endpointDatabase;
    c.engine = endpointEngine;
    c.master = endpointUser;
    c.protection = spec.deletionProtection();
    c.tags.putAll(spec.tags());
    clusters.put(c.id, c);
    return c;
  }

  @Override
  public Cluster restoreFromSnapshot(Snapshot snapshot, ClusterSpec spec) {
    List<AwsCallLog.Resource> r = clusterSpecResources(spec);
    r.add(resource(snapshot.arn(), snapshot.tags()));
    record("rds:RestoreDBClusterFromSnapshot", spec.tags(), r.toArray(AwsCallLog.Resource[]::new));
    recordKms(snapshot.kmsKeyId(), spec.kmsKeyId());
    C c = restored(spec);
    Cluster v = view(c);
    mutated(
        "RestoreDBClusterFromSnapshot",
        spec.clusterId() + " from " + snapshot.name() + " kms=" + spec.kmsKeyId());
    return v;
  }

  @Override
  public Cluster restoreToPointInTime(String sourceClusterId, Instant time, ClusterSpec spec) {
    List<AwsCallLog.Resource> r = clusterSpecResources(spec);
    C source = clusters.get(sourceClusterId);
    r.add(resource(arn("cluster", sourceClusterId), source == null ? Map.of() : source.tags));
    record("rds:RestoreDBClusterToPointInTime", spec.tags(), r.toArray(AwsCallLog.Resource[]::new));
    recordKms(null, spec.kmsKeyId());
    C c = restored(spec);
    Cluster v = view(c);
    mutated("RestoreDBClusterToPointInTime", spec.clusterId() + " from " + sourceClusterId);
    return v;
  }

  @Override
  public Instance createInstance(
      String id,
      String clusterId,
      String instanceClass,
      String engine,
      String parameterGroup,
      Map<String, String> tags) {
    C parent = clusters.get(clusterId);
    record(
        "rds:CreateDBInstance",
        tags,
        resource(arn("db", id), null),
        resource(arn("cluster", clusterId), parent == null ? Map.of() : parent.tags));
    if (instances.containsKey(id)) {
      throw new IllegalStateException("DBInstanceAlreadyExists " + id);
    }
    I i = new I();
    i.id = id;
    i.cluster = clusterId;
    i.status = "creating";
    i.tags.putAll(tags);
    instances.put(id, i);
    clusters.get(clusterId).members.add(id);
    mutated("CreateDBInstance", id + " in " + clusterId + " " + instanceClass);
    return new Instance(id, arn("db", id), clusterId, "creating");
  }

  private C existing(String id) {
    C c = clusters.get(id);
    if (c == null) {
      throw new IllegalStateException("DBClusterNotFoundFault " + id);
    }
    return c;
  }

  @Override
  public void setMasterPassword(String clusterId, String password) {
    recordOnCluster("rds:ModifyDBCluster", clusterId);
    existing(clusterId).status = "resetting-master-credentials";
    passwords.add(password);
    onPassword.accept(password);
    mutated("ModifyDBCluster", clusterId + " MasterUserPassword");
  }

  @Override
  public void setDeletionProtection(String clusterId, boolean on) {
    recordOnCluster("rds:ModifyDBCluster", clusterId);
    C c = existing(clusterId);
    c.protection = on;
    c.status = "modifying";
    mutated("ModifyDBCluster", clusterId + " DeletionProtection=" + on);
  }

  @Override
  public void renameCluster(String id, String newId) {
    recordOnCluster("rds:ModifyDBCluster", id);
    C c = existing(id);
    if (clusters.containsKey(newId)) {
      throw new IllegalStateException("DBClusterAlreadyExistsFault " + newId);
    }
    clusters.remove(id);
    c.id = newId;
    c.status = "renaming";
    clusters.put(newId, c);
    for (I i : instances.values()) {
      if (i.cluster.equals(id)) {
        i.cluster = newId;
      }
    }
    Map<String, String> t = new LinkedHashMap<>(c.tags);
    c.tags = t;
    mutated("ModifyDBCluster", id + " NewDBClusterIdentifier=" + newId);
  }

  @Override
  public void renameInstance(String id, String newId) {
    recordOnInstance("rds:ModifyDBInstance", id);
    I i = instances.remove(id);
    if (i == null || instances.containsKey(newId)) {
      throw new IllegalStateException("cannot rename instance " + id + " to " + newId);
    }
    i.id = newId;
    i.status = "renaming";
    instances.put(newId, i);
    C c = clusters.get(i.cluster);
    c.members.set(c.members.indexOf(id), newId);
    mutated("ModifyDBInstance", id + " NewDBInstanceIdentifier=" + newId);
  }

  @Override
  public void deleteInstance(String id) {
    recordOnInstance("rds:DeleteDBInstance", id);
    I i = instances.get(id);
    if (i == null) {
      throw new IllegalStateException("DBInstanceNotFound " + id);
    }
    i.status = "deleting";
    mutated("DeleteDBInstance", id);
  }

  @Override
  public void deleteCluster(String id) {
    recordOnCluster("rds:DeleteDBCluster", id);
    C c = existing(id);
    if (c.protection) {
      throw new IllegalStateException("InvalidParameterCombination: deletion protection is on");
    }
    for (String m : c.members) {
      I i = instances.get(m);
      if (i != null && !"deleting".equals(i.status)) {
        throw new IllegalStateException(
            "InvalidDBClusterStateFault: instance " + m + " is " + i.status);
      }
    }
    c.status = "deleting";
    mutated("DeleteDBCluster", id);
  }

  @Override
  public Snapshot createSnapshot(String snapshotId, String clusterId, Map<String, String> tags) {
    C source = clusters.get(clusterId);
    record(
        "rds:CreateDBClusterSnapshot",
        tags,
        resource(arn("cluster-snapshot", snapshotId), null),
        resource(arn("cluster", clusterId), source == null ? Map.of() : source.tags));
    existing(clusterId);
    if (snapshots.containsKey(snapshotId)) {
      throw new IllegalStateException("DBClusterSnapshotAlreadyExistsFault " + snapshotId);
    }
    Snapshot s =
        new Snapshot(
            snapshotId,
            arn("cluster-snapshot", snapshotId),
            clusterId,
            "creating",
            "manual",
            clock.instant(),
            "aurora-postgresql",
            "16.4",
            null,
            Map.copyOf(tags));
    snapshots.put(snapshotId, s);
    mutated("CreateDBClusterSnapshot", snapshotId + " of " + clusterId);
    return s;
  }

  @Override
  public void shareSnapshot(String snapshotId, List<String> accounts) {
    recordOnSnapshot("rds:ModifyDBClusterSnapshotAttribute", snapshotId);
    sharedWith.computeIfAbsent(snapshotId, k -> new ArrayList<>());
    for (String a : accounts) {
      if (!sharedWith.get(snapshotId).contains(a)) {
        sharedWith.get(snapshotId).add(a);
      }
    }
    mutated("ModifyDBClusterSnapshotAttribute", snapshotId + " restore+=" + accounts);
  }

  @Override
  public void deleteSnapshot(String snapshotId) {
    recordOnSnapshot("rds:DeleteDBClusterSnapshot", snapshotId);
    if (snapshots.remove(snapshotId) == null) {
      throw new IllegalStateException("DBClusterSnapshotNotFoundFault " + snapshotId);
    }
    mutated("DeleteDBClusterSnapshot", snapshotId);
  }

  @Override
  public void addTags(String arn, Map<String, String> tags) {
    String id = arn.substring(arn.lastIndexOf(':') + 1);
    Map<String, String> now;
    try {
      now = tagsNow(arn);
    } catch (RuntimeException e) {
      now = Map.of();
    }
    record("rds:AddTagsToResource", tags, resource(arn, now));
    if (arn.contains(":cluster:")) {
      existing(id).tags.putAll(tags);
    } else if (arn.contains(":cluster-snapshot:")) {
      Snapshot s = snapshots.get(id);
      Map<String, String> t = new LinkedHashMap<>(s.tags());
      t.putAll(tags);
      snapshots.put(
          id,
          new Snapshot(
              s.id(),
              s.arn(),
              s.clusterId(),
              s.status(),
              s.type(),
              s.created(),
              s.engine(),
              s.engineVersion(),
              s.kmsKeyId(),
              Map.copyOf(t)));
    } else {
      instances.get(id).tags.putAll(tags);
    }
    mutated("AddTagsToResource", id + " " + tags.keySet());
  }

  private void recordOnCluster(String action, String id) {
    C c = clusters.get(id);
    record(action, null, resource(arn("cluster", id), c == null ? Map.of() : c.tags));
  }

  private void recordOnInstance(String action, String id) {
    I i = instances.get(id);
    record(action, null, resource(arn("db", id), i == null ? Map.of() : i.tags));
  }

  private void recordOnSnapshot(String action, String id) {
    Snapshot s = snapshots.get(id);
    record(
        action,
        null,
        resource(
            s == null ? arn("cluster-snapshot", id) : s.arn(), s == null ? Map.of() : s.tags()));
  }

  @Override
  public Map<String, String> tags(String arn) {
    Map<String, String> now;
    try {
      now = tagsNow(arn);
    } catch (RuntimeException e) {
      record("rds:ListTagsForResource", null, resource(arn, Map.of()));
      throw e;
    }
    record("rds:ListTagsForResource", null, resource(arn, now));
    return now;
  }

  private Map<String, String> tagsNow(String arn) {
    String id = arn.substring(arn.lastIndexOf(':') + 1);
    if (arn.contains(":cluster:")) {
      C c = clusters.get(id);
      if (c == null) {
        throw new IllegalStateException("DBClusterNotFoundFault " + id);
      }
      return Map.copyOf(c.tags);
    }
    if (arn.contains(":cluster-snapshot:")) {
      Snapshot s =
          snapshots.values().stream()
              .filter(x -> x.arn().equals(arn))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("DBClusterSnapshotNotFoundFault " + id));
      return s.tags();
    }
    I i = instances.get(id);
    if (i == null) {
      throw new IllegalStateException("DBInstanceNotFound " + id);
    }
    return Map.copyOf(i.tags);
  }
}
