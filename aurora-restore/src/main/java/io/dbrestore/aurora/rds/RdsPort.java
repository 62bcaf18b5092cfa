package io.dbrestore.aurora.rds;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RDS calls the Aurora workflows make, and nothing else: the real adapter is {@link SdkRds};
 * tests drive the workflows against a stateful fake; a dry run wraps the real one in {@link
 * DryRunRds}. Identifiers are RDS identifiers; snapshots may also be named by ARN (shared ones).
 */
public interface RdsPort {

  /** An Aurora cluster as DescribeDBClusters shows it. */
  record Cluster(
      String id,
      String arn,
      String status,
      String engine,
      String engineVersion,
      String endpoint,
      int port,
      String databaseName,
      String masterUsername,
      boolean deletionProtection,
      List<String> members,
      Map<String, String> tags) {

    /** The same cluster under another identifier, with these members and status. */
    public Cluster renamed(String newId, String newStatus, List<String> newMembers) {
      return changed(newId, newStatus, deletionProtection, List.copyOf(newMembers), tags);
    }

    public Cluster withTags(Map<String, String> newTags) {
      return changed(id, status, deletionProtection, members, newTags);
    }

    public Cluster withDeletionProtection(boolean on) {
      return changed(id, status, on, members, tags);
    }

    /** What a cluster's changes can change; engine, endpoint and master user stay. */
    private Cluster changed(
        String newId,
        String newStatus,
        boolean protection,
        List<String> newMembers,
        Map<String, String> newTags) {
      return new Cluster(
          newId,
          arn,
          newStatus,
          engine,
          engineVersion,
          endpoint,
          port,
          databaseName,
          masterUsername,
          protection,
          newMembers,
          newTags);
    }
  }

  /** A DB instance of a cluster. */
  record Instance(String id, String arn, String clusterId, String status) {}

  /** A cluster snapshot; {@code id} is the ARN for snapshots shared from another account. */
  record Snapshot(
      String id,
      String arn,
      String clusterId,
      String status,
      String type,
      Instant created,
      String engine,
      String engineVersion,
      String kmsKeyId,
      Map<String, String> tags) {

    public boolean available() {
      return "available".equals(status);
    }

    /** The snapshot's name, without the ARN prefix of a shared one. */
    public String name() {
      return id.startsWith("arn:") ? id.substring(id.lastIndexOf(':') + 1) : id;
    }

    /** The account that owns it, from the ARN. */
    public String account() {
      String[] parts = arn.split(":");
      return parts.length > 4 ? parts[4] : "";
    }
  }

  /** Which snapshots to list. */
  enum SnapshotType {
    AUTOMATED("automated"),
    MANUAL("manual"),
    SHARED("shared");

    public final String apiValue;

    SnapshotType(String apiValue) {
      this.apiValue = apiValue;
    }
  }

  /** Where and how a restored cluster is created. Null fields are left to AWS's defaults. */
  record ClusterSpec(
      String clusterId,
      String dbSubnetGroup,
      List<String> securityGroups,
      String kmsKeyId,
      String clusterParameterGroup,
      boolean deletionProtection,
      Map<String, String> tags) {}

  Optional<Cluster> cluster(String id);

  /** Every cluster of the account and region (teardown looks for expired ones). */
  List<Cluster> clusters();

  Optional<Instance> instance(String id);

  /** Snapshots of one type, optionally of one cluster, newest first. */
  List<Snapshot> snapshots(SnapshotType type, String clusterId);

  Optional<Snapshot> snapshot(String idOrArn);

  Cluster restoreFromSnapshot(Snapshot snapshot, ClusterSpec spec);

  /** {@code time} null means the latest restorable time. */
  Cluster restoreToPointInTime(String sourceClusterId, Instant time, ClusterSpec spec);

  Instance createInstance(
      String id,
      String clusterId,
      String instanceClass,
      String engine,
      String parameterGroup,
      Map<String, String> tags);

  void setMasterPassword(String clusterId, String password);

  void setDeletionProtection(String clusterId, boolean on);

  void renameCluster(String id, String newId);

  void renameInstance(String id, String newId);

  void deleteInstance(String id);

  /** Deletes without a final snapshot. */
  void deleteCluster(String id);

  Snapshot createSnapshot(String snapshotId, String clusterId, Map<String, String> tags);

  /** Lets these accounts restore the snapshot. */
  void shareSnapshot(String snapshotId, List<String> accounts);

  void deleteSnapshot(String snapshotId);

  void addTags(String arn, Map<String, String> tags);

  Map<String, String> tags(String arn);
}
