package io.dbrestore.aurora.rds;

import io.dbrestore.runtime.JobContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;

/** {@link RdsPort} over the AWS SDK's RDS client (retries and timeouts come from the runtime). */
public final class SdkRds implements RdsPort {
  private final RdsClient rds;

  public SdkRds(RdsClient rds) {
    this.rds = rds;
  }

  /** The adapter over the run's RDS client. */
  public static SdkRds of(JobContext context) {
    return new SdkRds(context.aws().client(RdsClient.class, RdsClient::builder));
  }

  @Override
  public Optional<Cluster> cluster(String id) {
    return describeOne(
        DbClusterNotFoundException.class,
        () -> rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters(),
        SdkRds::cluster);
  }

  /**
   * The one resource a describe by identifier returns; empty when RDS answers {@code notFound}
   * (describing by identifier fails rather than returning an empty list).
   */
  private static <M, T> Optional<T> describeOne(
      Class<? extends RdsException> notFound, Supplier<List<M>> describe, Function<M, T> convert) {
    try {
      return describe.get().stream().findFirst().map(convert);
    } catch (RdsException e) {
      if (notFound.isInstance(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<Cluster> clusters() {
    List<Cluster> result = new ArrayList<>();
    rds.describeDBClustersPaginator(r -> r.maxRecords(100))
        .dbClusters()
        .forEach(c -> result.add(cluster(c)));
    return result;
  }

  @Override
  public Optional<Instance> instance(String id) {
    return describeOne(
        DbInstanceNotFoundException.class,
        () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances(),
        SdkRds::instance);
  }

  @Override
  public List<Snapshot> snapshots(SnapshotType type, String clusterId) {
    List<Snapshot> result = new ArrayList<>();
    rds.describeDBClusterSnapshotsPaginator(
            r -> {
              r.snapshotType(type.apiValue).maxRecords(100);
              if (type == SnapshotType.SHARED) {
                r.includeShared(true);
              }
              if (clusterId != null) {
                r.dbClusterIdentifier(clusterId);
              }
            })
        .dbClusterSnapshots()
        .forEach(s -> result.add(snapshot(s)));
    result.sort(
        Comparator.comparing(
                Snapshot::created, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .reversed());
    return result;
  }

  @Override
  public Optional<Snapshot> snapshot(String idOrArn) {
    return describeOne(
        DbClusterSnapshotNotFoundException.class,
        () ->
            rds.describeDBClusterSnapshots(
                    r -> {
                      r.dbClusterSnapshotIdentifier(idOrArn);
                      // A snapshot shared from another account is only found with IncludeShared.
                      if (idOrArn.startsWith("arn:")) {
                        r.includeShared(true);
                      }
                    })
                .dbClusterSnapshots(),
        SdkRds::snapshot);
  }

  @Override
  public Cluster restoreFromSnapshot(Snapshot snapshot, ClusterSpec spec) {
    return cluster(
        rds.restoreDBClusterFromSnapshot(
                r ->
                    r.dbClusterIdentifier(spec.clusterId())
                        .snapshotIdentifier(snapshot.arn())
                        .engine(snapshot.engine())
                        .engineVersion(snapshot.engineVersion())
                        .dbSubnetGroupName(spec.dbSubnetGroup())
                        .vpcSecurityGroupIds(emptyToNull(spec.securityGroups()))
                        .kmsKeyId(spec.kmsKeyId())
                        .dbClusterParameterGroupName(spec.clusterParameterGroup())
                        .deletionProtection(spec.deletionProtection())
                        .copyTagsToSnapshot(false)
                        .tags(tags(spec.tags())))
            .dbCluster());
  }

  @Override
  public Cluster restoreToPointInTime(String sourceClusterId, Instant time, ClusterSpec spec) {
    return cluster(
        rds.restoreDBClusterToPointInTime(
                r -> {
                  r.dbClusterIdentifier(spec.clusterId())
                      .sourceDBClusterIdentifier(sourceClusterId)
                      .restoreType("full-copy")
                      .dbSubnetGroupName(spec.dbSubnetGroup())
                      .vpcSecurityGroupIds(emptyToNull(spec.securityGroups()))
                      .kmsKeyId(spec.kmsKeyId())
                      .dbClusterParameterGroupName(spec.clusterParameterGroup())
                      .deletionProtection(spec.deletionProtection())
                      .copyTagsToSnapshot(false)
                      .tags(tags(spec.tags()));
                  if (time == null) {
                    r.useLatestRestorableTime(true);
                  } else {
                    r.restoreToTime(time);
                  }
                })
            .dbCluster());
  }

  @Override
  public Instance createInstance(
      String id,
      String clusterId,
      String instanceClass,
      String engine,
      String parameterGroup,
      Map<String, String> tags) {
    return instance(
        rds.createDBInstance(
                r ->
                    r.dbInstanceIdentifier(id)
                        .dbClusterIdentifier(clusterId)
                        .dbInstanceClass(instanceClass)
                        .engine(engine)
                        .dbParameterGroupName(parameterGroup)
                        .publiclyAccessible(false)
                        .tags(tags(tags)))
            .dbInstance());
  }

  @Override
  public void setMasterPassword(String clusterId, String password) {
    modifyCluster(clusterId, r -> r.masterUserPassword(password));
  }

  @Override
  public void setDeletionProtection(String clusterId, boolean on) {
    modifyCluster(clusterId, r -> r.deletionProtection(on));
  }

  @Override
  public void renameCluster(String id, String newId) {
    modifyCluster(id, r -> r.newDBClusterIdentifier(newId));
  }

  /** One change to a cluster, applied now rather than in the next maintenance window. */
  private void modifyCluster(String id, Consumer<ModifyDbClusterRequest.Builder> change) {
    rds.modifyDBCluster(
        r -> {
          r.dbClusterIdentifier(id).applyImmediately(true);
          change.accept(r);
        });
  }

  @Override
  public void renameInstance(String id, String newId) {
    rds.modifyDBInstance(
        r -> r.dbInstanceIdentifier(id).newDBInstanceIdentifier(newId).applyImmediately(true));
  }

  @Override
  public void deleteInstance(String id) {
    rds.deleteDBInstance(r -> r.dbInstanceIdentifier(id).skipFinalSnapshot(true));
  }

  @Override
  public void deleteCluster(String id) {
    rds.deleteDBCluster(r -> r.dbClusterIdentifier(id).skipFinalSnapshot(true));
  }

  @Override
  public Snapshot createSnapshot(String snapshotId, String clusterId, Map<String, String> tags) {
    return snapshot(
        rds.createDBClusterSnapshot(
                r ->
                    r.dbClusterSnapshotIdentifier(snapshotId)
                        .dbClusterIdentifier(clusterId)
                        .tags(tags(tags)))
            .dbClusterSnapshot());
  }

  @Override
  public void shareSnapshot(String snapshotId, List<String> accounts) {
    rds.modifyDBClusterSnapshotAttribute(
        r ->
            r.dbClusterSnapshotIdentifier(snapshotId)
                .attributeName("restore")
                .valuesToAdd(accounts));
  }

  @Override
  public void deleteSnapshot(String snapshotId) {
    rds.deleteDBClusterSnapshot(r -> r.dbClusterSnapshotIdentifier(snapshotId));
  }

  @Override
  public void addTags(String arn, Map<String, String> tags) {
    rds.addTagsToResource(r -> r.resourceName(arn).tags(tags(tags)));
  }

  @Override
  public Map<String, String> tags(String arn) {
    return tagMap(rds.listTagsForResource(r -> r.resourceName(arn)).tagList());
  }

  private static List<String> emptyToNull(List<String> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  private static List<Tag> tags(Map<String, String> tags) {
    List<Tag> result = new ArrayList<>();
    tags.forEach((k, v) -> result.add(Tag.builder().key(k).value(v).build()));
    return result;
  }

  private static Map<String, String> tagMap(List<Tag> tags) {
    Map<String, String> result = new LinkedHashMap<>();
    if (tags != null) {
      tags.forEach(t -> result.put(t.key(), t.value()));
    }
    return result;
  }

  private static Cluster cluster(DBCluster c) {
    return new Cluster(
        c.dbClusterIdentifier(),
        c.dbClusterArn(),
        c.status(),
        c.engine(),
        c.engineVersion(),
        c.endpoint(),
        c.port() == null ? 0 : c.port(),
        c.databaseName(),
        c.masterUsername(),
        Boolean.TRUE.equals(c.deletionProtection()),
        c.dbClusterMembers().stream().map(DBClusterMember::dbInstanceIdentifier).toList(),
        tagMap(c.tagList()));
  }

  private static Instance instance(DBInstance i) {
    return new Instance(
        i.dbInstanceIdentifier(), i.dbInstanceArn(), i.dbClusterIdentifier(), i.dbInstanceStatus());
  }

  private static Snapshot snapshot(DBClusterSnapshot s) {
    return new Snapshot(
        s.dbClusterSnapshotIdentifier(),
        s.dbClusterSnapshotArn(),
        s.dbClusterIdentifier(),
        s.status(),
        s.snapshotType(),
        s.snapshotCreateTime(),
        s.engine(),
        s.engineVersion(),
        s.kmsKeyId(),
        tagMap(s.tagList()));
  }
}
