package io.dbrestore.aurora.rds;

import io.dbrestore.runtime.plan.DryRunPlan;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The dry run's RDS: reads go to the real account; every call that would change something is
 * printed to the plan with its parameters and then simulated in memory (a restored cluster is at
 * once available, a deleted one gone), so the workflow runs to its end and the plan shows every
 * call in order. Nothing is changed in AWS.
 */
public final class DryRunRds implements RdsPort {
  private final RdsPort real;
  private final DryRunPlan plan;
  private final Clock clock;
  private final Map<String, Cluster> clusters = new HashMap<>();
  private final Map<String, Instance> instances = new HashMap<>();
  private final Map<String, Snapshot> snapshots = new HashMap<>();
  private final Set<String> gone = new HashSet<>();
  private final Map<String, Map<String, String>> tags = new HashMap<>();

  public DryRunRds(RdsPort real, PrintWriter plan, Clock clock) {
    this.real = real;
    this.plan = new DryRunPlan(plan);
    this.clock = clock;
  }

  private void print(String call, Map<String, ?> parameters) {
    plan.call("rds:" + call, parameters);
  }

  @Override
  public Optional<Cluster> cluster(String id) {
    return find(id, clusters, real::cluster).map(this::overlay);
  }

  /** As this dry run left it: gone, simulated, else as the real account has it. */
  private <T> Optional<T> find(
      String id, Map<String, T> simulated, Function<String, Optional<T>> read) {
    if (gone.contains(id)) {
      return Optional.empty();
    }
    T value = simulated.get(id);
    return value != null ? Optional.of(value) : read.apply(id);
  }

  /** {@code value} exists under {@code id} from now on in this dry run. */
  private <T> void simulate(Map<String, T> simulated, String id, T value) {
    simulated.put(id, value);
    gone.remove(id);
  }

  /** What was {@code id} is gone from now on in this dry run. */
  private void remove(Map<String, ?> simulated, String id) {
    simulated.remove(id);
    gone.add(id);
  }

  /** A cluster with the tags this dry run would have added. */
  private Cluster overlay(Cluster c) {
    Map<String, String> t = tags.get(c.arn());
    if (t == null) {
      return c;
    }
    Map<String, String> merged = new LinkedHashMap<>(c.tags());
    merged.putAll(t);
    return c.withTags(merged);
  }

  @Override
  public List<Cluster> clusters() {
    List<Cluster> result = new ArrayList<>();
    for (Cluster c : real.clusters()) {
      if (!gone.contains(c.id()) && !clusters.containsKey(c.id())) {
        result.add(c);
      }
    }
    result.addAll(clusters.values());
    return result;
  }

  @Override
  public Optional<Instance> instance(String id) {
    return find(id, instances, real::instance);
  }

  @Override
  public List<Snapshot> snapshots(SnapshotType type, String clusterId) {
    List<Snapshot> result = new ArrayList<>();
    for (Snapshot s : snapshots.values()) {
      if (type == SnapshotType.MANUAL && (clusterId == null || clusterId.equals(s.clusterId()))) {
        result.add(s);
      }
    }
    for (Snapshot s : real.snapshots(type, clusterId)) {
      if (!gone.contains(s.id())) {
        result.add(s);
      }
    }
    return result;
  }

  @Override
  public Optional<Snapshot> snapshot(String idOrArn) {
    return find(idOrArn, snapshots, real::snapshot);
  }

  private Cluster simulatedCluster(ClusterSpec spec, String engine, String version) {
    Cluster c =
        new Cluster(
            spec.clusterId(),
            "arn:aws:rds:dry-run:000000000000:cluster:" + spec.clusterId(),
            "available",
            engine,
            version,
            spec.clusterId() + ".cluster.dry-run",
            defaultPort(engine),
            null,
            "master",
            spec.deletionProtection(),
            List.of(),
            spec.tags());
    simulate(clusters, c.id(), c);
    tags.put(c.arn(), new LinkedHashMap<>(spec.tags()));
    return c;
  }

  @Override
  public Cluster restoreFromSnapshot(Snapshot snapshot, ClusterSpec spec) {
    print(
        "RestoreDBClusterFromSnapshot",
        DryRunPlan.params(
            "DBClusterIdentifier", spec.clusterId(),
            "SnapshotIdentifier", snapshot.arn(),
            "Engine", snapshot.engine(),
            "EngineVersion", snapshot.engineVersion(),
            "DBSubnetGroupName", spec.dbSubnetGroup(),
            "VpcSecurityGroupIds", spec.securityGroups(),
            "KmsKeyId", spec.kmsKeyId(),
            "DBClusterParameterGroupName", spec.clusterParameterGroup(),
            "DeletionProtection", spec.deletionProtection(),
            "Tags", spec.tags()));
    return simulatedCluster(spec, snapshot.engine(), snapshot.engineVersion());
  }

  @Override
  public Cluster restoreToPointInTime(String sourceClusterId, Instant time, ClusterSpec spec) {
    print(
        "RestoreDBClusterToPointInTime",
        DryRunPlan.params(
            "DBClusterIdentifier",
            spec.clusterId(),
            "SourceDBClusterIdentifier",
            sourceClusterId,
            time == null ? "UseLatestRestorableTime" : "RestoreToTime",
            time == null ? "true" : time.toString(),
            "RestoreType",
            "full-copy",
            "DBSubnetGroupName",
            spec.dbSubnetGroup(),
            "VpcSecurityGroupIds",
            spec.securityGroups(),
            "KmsKeyId",
            spec.kmsKeyId(),
            "DBClusterParameterGroupName",
            spec.clusterParameterGroup(),
            "DeletionProtection",
            spec.deletionProtection(),
            "Tags",
            spec.tags()));
    String engine = real.cluster(sourceClusterId).map(Cluster::engine).orElse("aurora-postgresql");
    return simulatedCluster(spec, engine, null);
  }

  @Override
  public Instance createInstance(
      String id,
      String clusterId,
      String instanceClass,
      String engine,
      String parameterGroup,
      Map<String, String> tags) {
    print(
        "CreateDBInstance",
        DryRunPlan.params(
            "DBInstanceIdentifier", id,
            "DBClusterIdentifier", clusterId,
            "DBInstanceClass", instanceClass,
            "Engine", engine,
            "DBParameterGroupName", parameterGroup,
            "PubliclyAccessible", false,
            "Tags", tags));
    Instance i =
        new Instance(id, "arn:aws:rds:dry-run:000000000000:db:" + id, clusterId, "available");
    simulate(instances, id, i);
    this.tags.put(i.arn(), new LinkedHashMap<>(tags));
    cluster(clusterId)
        .ifPresent(
            c -> {
              List<String> members = new ArrayList<>(c.members());
              members.add(id);
              clusters.put(c.id(), c.renamed(c.id(), "available", members));
            });
    return i;
  }

  @Override
  public void setMasterPassword(String clusterId, String password) {
    print(
        "ModifyDBCluster",
        DryRunPlan.params(
            "DBClusterIdentifier",
            clusterId,
            "MasterUserPassword",
            "(hidden)",
            "ApplyImmediately",
            true));
  }

  @Override
  public void setDeletionProtection(String clusterId, boolean on) {
    print(
        "ModifyDBCluster",
        DryRunPlan.params(
            "DBClusterIdentifier", clusterId, "DeletionProtection", on, "ApplyImmediately", true));
    cluster(clusterId).ifPresent(c -> clusters.put(c.id(), c.withDeletionProtection(on)));
  }

  @Override
  public void renameCluster(String id, String newId) {
    print(
        "ModifyDBCluster",
        DryRunPlan.params(
            "DBClusterIdentifier", id, "NewDBClusterIdentifier", newId, "ApplyImmediately", true));
    cluster(id)
        .ifPresent(
            c -> {
              simulate(clusters, newId, c.renamed(newId, "available", c.members()));
              remove(clusters, id);
            });
  }

  @Override
  public void renameInstance(String id, String newId) {
    print(
        "ModifyDBInstance",
        DryRunPlan.params(
            "DBInstanceIdentifier",
            id,
            "NewDBInstanceIdentifier",
            newId,
            "ApplyImmediately",
            true));
    instance(id)
        .ifPresent(
            i -> {
              simulate(instances, newId, new Instance(newId, i.arn(), i.clusterId(), "available"));
              remove(instances, id);
              for (Cluster c : new ArrayList<>(clusters.values())) {
                if (c.members().contains(id)) {
                  List<String> members = new ArrayList<>(c.members());
                  members.set(members.indexOf(id), newId);
                  clusters.put(c.id(), c.renamed(c.id(), "available", members));
                }
              }
            });
  }

  @Override
  public void deleteInstance(String id) {
    print(
        "DeleteDBInstance",
        DryRunPlan.params("DBInstanceIdentifier", id, "SkipFinalSnapshot", true));
    remove(instances, id);
  }

  @Override
  public void deleteCluster(String id) {
    print(
        "DeleteDBCluster", DryRunPlan.params("DBClusterIdentifier", id, "SkipFinalSnapshot", true));
    remove(clusters, id);
  }

  @Override
  public Snapshot createSnapshot(String snapshotId, String clusterId, Map<String, String> tags) {
    print(
        "CreateDBClusterSnapshot",
        DryRunPlan.params(
            "DBClusterSnapshotIdentifier", snapshotId,
            "DBClusterIdentifier", clusterId,
            "Tags", tags.keySet()));
    Snapshot s =
        new Snapshot(
            snapshotId,
            "arn:aws:rds:dry-run:000000000000:cluster-snapshot:" + snapshotId,
            clusterId,
            "available",
            "manual",
            clock.instant(),
            cluster(clusterId).map(Cluster::engine).orElse(null),
            null,
            null,
            tags);
    simulate(snapshots, snapshotId, s);
    this.tags.put(s.arn(), new LinkedHashMap<>(tags));
    return s;
  }

  @Override
  public void shareSnapshot(String snapshotId, List<String> accounts) {
    print(
        "ModifyDBClusterSnapshotAttribute",
        DryRunPlan.params(
            "DBClusterSnapshotIdentifier", snapshotId,
            "AttributeName", "restore",
            "ValuesToAdd", accounts));
  }

  @Override
  public void deleteSnapshot(String snapshotId) {
    print("DeleteDBClusterSnapshot", DryRunPlan.params("DBClusterSnapshotIdentifier", snapshotId));
    remove(snapshots, snapshotId);
  }

  @Override
  public void addTags(String arn, Map<String, String> tags) {
    print("AddTagsToResource", DryRunPlan.params("ResourceName", arn, "Tags", tags));
    this.tags.computeIfAbsent(arn, a -> new LinkedHashMap<>(real.tags(a))).putAll(tags);
  }

  @Override
  public Map<String, String> tags(String arn) {
    Map<String, String> t = tags.get(arn);
    return t != null ? Map.copyOf(t) : real.tags(arn);
  }

  /** The default port of an engine, for simulated clusters. */
  private static int defaultPort(String engine) {
    return engine != null && engine.contains("postgres") ? 5432 : 3306;
  }
}
