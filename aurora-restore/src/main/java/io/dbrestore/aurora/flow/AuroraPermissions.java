package io.dbrestore.aurora.flow;

import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.preflight.Permission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IAM actions each aurora-restore command calls, on the resources it calls them on, with the
 * condition keys its requests carry: what {@code preflight} evaluates for the task role. The
 * workflow tests check that every call their fake RDS serves is in here (see RestoreWorkflowTest),
 * so the list cannot fall behind the workflows.
 */
public final class AuroraPermissions {
  private static final Map<String, String> MANAGED = Map.of(Tags.MANAGED, "true");

  /** Where the ARNs point: partition, region, this account. */
  public record Arns(String partition, String region, String account) {
    String rds(String type, String name) {
      return "arn:" + partition + ":rds:" + region + ":" + account + ":" + type + ":" + name;
    }

    public String cluster(String id) {
      return rds("cluster", id);
    }

    public String instance(String id) {
      return rds("db", id);
    }

    /** A snapshot in this account, or the ARN of a shared one as it is. */
    public String snapshot(String idOrArn) {
      return idOrArn.startsWith("arn:") ? idOrArn : rds("cluster-snapshot", idOrArn);
    }

    /**
     * A KMS key's ARN as IAM policies name it: the ARN or key id given; null for an alias (the
     * policies name keys, not aliases, and an AWS-managed key needs no grant in the role).
     */
    public String key(String key) {
      if (key == null || key.contains(":alias/") || key.startsWith("alias/")) {
        return null;
      }
      if (key.startsWith("arn:")) {
        return key;
      }
      return "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + key;
    }
  }

  /**
   * What a restore needs.
   *
   * @param snapshotArn the snapshot it restores, null for a point in time or when none was found
   * @param snapshotKey the snapshot's KMS key, null when not known
   * @param sourceCluster the cluster a point-in-time restore copies, else null
   */
  public record Restore(
      String cluster,
      RestoreWorkflow.Strategy strategy,
      int instances,
      String snapshotArn,
      String snapshotKey,
      String sourceCluster,
      String dbSubnetGroup,
      String clusterParameterGroup,
      String dbParameterGroup,
      String kmsKey,
      boolean ttl,
      boolean target,
      Map<String, String> targetTags) {}

  private AuroraPermissions() {}

  /** Every call of {@code aurora-restore restore}. */
  public static List<Permission> restore(Arns arns, Restore r) {
    List<Permission> p = new ArrayList<>();
    String next = Names.next(r.cluster());
    String old = Names.old(r.cluster());
    for (String c : List.of(r.cluster(), next, old)) {
      p.add(Permission.of("rds:DescribeDBClusters", arns.cluster(c)));
    }
    p.add(Permission.of("rds:DescribeDBInstances", "*"));
    p.add(Permission.of("rds:DescribeDBClusterSnapshots", "*"));
    Map<String, String> targetTags = r.targetTags() == null ? MANAGED : r.targetTags();
    p.add(Permission.of("rds:ListTagsForResource", arns.cluster(r.cluster())).onTagged(targetTags));
    p.add(Permission.of("rds:ListTagsForResource", arns.instance(Names.instance(r.cluster(), 1))));

    // The restore of <cluster>-next, tagged as dbrestore's.
    Map<String, String> created =
        new LinkedHashMap<>(Tags.created("preflight", Tags.ROLE_TARGET, java.time.Instant.EPOCH));
    created.put(Tags.SOURCE_SNAPSHOT, "preflight");
    created.put(Tags.MASKED, "true");
    if (r.ttl()) {
      created.put(Tags.EXPIRES_AT, "preflight");
    }
    if (r.target()) {
      created.put(Tags.TARGET, "preflight");
    }
    String restore =
        r.sourceCluster() != null
            ? "rds:RestoreDBClusterToPointInTime"
            : "rds:RestoreDBClusterFromSnapshot";
    p.add(Permission.of(restore, arns.cluster(next)).tagging(created));
    p.add(Permission.of("rds:AddTagsToResource", arns.cluster(next)).tagging(created));
    if (r.sourceCluster() != null) {
      p.add(Permission.of(restore, arns.cluster(r.sourceCluster())).tagging(created));
    } else if (r.snapshotArn() != null) {
      p.add(Permission.of(restore, r.snapshotArn()).tagging(created));
    }
    if (r.dbSubnetGroup() != null) {
      p.add(Permission.of(restore, arns.rds("subgrp", r.dbSubnetGroup())).tagging(created));
    }
    if (r.clusterParameterGroup() != null) {
      p.add(
          Permission.of(restore, arns.rds("cluster-pg", r.clusterParameterGroup()))
              .tagging(created));
    }
    // KMS calls RDS makes on the role's behalf: decrypt the snapshot, encrypt the new cluster.
    if (r.snapshotKey() != null && arns.key(r.snapshotKey()) != null) {
      for (String a : List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")) {
        p.add(Permission.of(a, arns.key(r.snapshotKey())).viaService("rds", arns.region()));
      }
    }
    if (r.kmsKey() != null && arns.key(r.kmsKey()) != null) {
      for (String a :
          List.of("kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant")) {
        p.add(Permission.of(a, arns.key(r.kmsKey())).viaService("rds", arns.region()));
      }
    }

    // Its instances.
    Map<String, String> instanceTags =
        Tags.created("preflight", Tags.ROLE_TARGET, java.time.Instant.EPOCH);
    p.add(
        Permission.of("rds:CreateDBInstance", arns.cluster(next))
            .onTagged(MANAGED)
            .tagging(instanceTags));
    for (int i = 1; i <= Math.max(1, r.instances()); i++) {
      String id = Names.instance(next, i);
      p.add(Permission.of("rds:CreateDBInstance", arns.instance(id)).tagging(instanceTags));
      p.add(Permission.of("rds:AddTagsToResource", arns.instance(id)).tagging(instanceTags));
    }
    if (r.dbParameterGroup() != null) {
      p.add(
          Permission.of("rds:CreateDBInstance", arns.rds("pg", r.dbParameterGroup()))
              .tagging(instanceTags));
    }

    // Password, deletion protection, renames, state tags: on managed clusters and instances only.
    for (String c : List.of(next, r.cluster(), old)) {
      p.add(Permission.of("rds:ModifyDBCluster", arns.cluster(c)).onTagged(MANAGED));
      p.add(Permission.of("rds:DeleteDBCluster", arns.cluster(c)).onTagged(MANAGED));
      String instance = arns.instance(Names.instance(c, 1));
      p.add(Permission.of("rds:ModifyDBInstance", instance).onTagged(MANAGED));
      p.add(Permission.of("rds:DeleteDBInstance", instance).onTagged(MANAGED));
    }
    p.add(
        Permission.of("rds:AddTagsToResource", arns.cluster(r.cluster()))
            .onTagged(MANAGED)
            .tagging(Map.of(Tags.STATE, Tags.STATE_READY)));
    if (r.strategy() == RestoreWorkflow.Strategy.SWAP) {
      p.add(
          Permission.of("rds:AddTagsToResource", arns.cluster(r.cluster()))
              .onTagged(MANAGED)
              .tagging(Map.of(Tags.REPLACED_BY, "preflight")));
    }
    p.add(
        Permission.of("rds:AddTagsToResource", arns.cluster(next))
            .onTagged(MANAGED)
            .tagging(Map.of(Tags.MASKED, "true")));
    return p;
  }

  /** Every call of {@code aurora-restore teardown} ({@code cluster} null: the sweep). */
  public static List<Permission> teardown(Arns arns, String cluster) {
    List<Permission> p = new ArrayList<>();
    String target = cluster == null ? "*" : cluster;
    p.add(Permission.of("rds:DescribeDBClusters", cluster == null ? "*" : arns.cluster(target)));
    p.add(Permission.of("rds:DescribeDBInstances", "*"));
    p.add(Permission.of("rds:ListTagsForResource", arns.cluster(target)).onTagged(MANAGED));
    p.add(Permission.of("rds:ModifyDBCluster", arns.cluster(target)).onTagged(MANAGED));
    p.add(Permission.of("rds:DeleteDBCluster", arns.cluster(target)).onTagged(MANAGED));
    p.add(
        Permission.of("rds:AddTagsToResource", arns.cluster(target))
            .onTagged(MANAGED)
            .tagging(Map.of(Tags.EXPIRES_AT, "preflight")));
    String instance = arns.instance(cluster == null ? "*" : Names.instance(target, 1));
    p.add(Permission.of("rds:ListTagsForResource", instance).onTagged(MANAGED));
    p.add(Permission.of("rds:DeleteDBInstance", instance).onTagged(MANAGED));
    p.add(Permission.of("rds:ModifyDBInstance", instance).onTagged(MANAGED));
    return p;
  }

  /**
   * Every call of {@code aurora-restore snapshot}, in production: a temporary masking cluster
   * restored from the source's backup, a manual snapshot of it shared with development.
   *
   * @param sourceSnapshotArn the backup it restores (null for a point in time, or none found)
   * @param sourceKey the backup's KMS key, when known
   */
  public static List<Permission> snapshot(
      Arns arns,
      String sourceCluster,
      String sourceSnapshotArn,
      String sourceKey,
      boolean pointInTime,
      String dbSubnetGroup,
      String kmsKey,
      String prefix) {
    List<Permission> p = new ArrayList<>();
    String temp = Names.maskingCluster(sourceCluster, "preflight");
    String instance = Names.instance(temp, 1);
    String snapshot = arns.snapshot(prefix + "-" + sourceCluster + "-preflight");
    p.add(Permission.of("rds:DescribeDBClusters", arns.cluster(sourceCluster)));
    p.add(Permission.of("rds:DescribeDBClusters", "*"));
    p.add(Permission.of("rds:DescribeDBInstances", "*"));
    p.add(Permission.of("rds:DescribeDBClusterSnapshots", "*"));
    p.add(Permission.of("rds:ListTagsForResource", arns.cluster(temp)).onTagged(MANAGED));
    p.add(Permission.of("rds:ListTagsForResource", arns.instance(instance)).onTagged(MANAGED));
    Map<String, String> created =
        new LinkedHashMap<>(Tags.created("preflight", Tags.ROLE_MASKING, java.time.Instant.EPOCH));
    created.put(Tags.SOURCE, sourceCluster);
    created.put(Tags.SOURCE_SNAPSHOT, "preflight");
    String restore =
        pointInTime ? "rds:RestoreDBClusterToPointInTime" : "rds:RestoreDBClusterFromSnapshot";
    p.add(Permission.of(restore, arns.cluster(temp)).tagging(created));
    p.add(Permission.of("rds:AddTagsToResource", arns.cluster(temp)).tagging(created));
    if (pointInTime) {
      p.add(Permission.of(restore, arns.cluster(sourceCluster)).tagging(created));
    } else if (sourceSnapshotArn != null) {
      p.add(Permission.of(restore, sourceSnapshotArn).tagging(created));
    }
    if (dbSubnetGroup != null) {
      p.add(Permission.of(restore, arns.rds("subgrp", dbSubnetGroup)).tagging(created));
    }
    if (sourceKey != null && arns.key(sourceKey) != null) {
      for (String a : List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")) {
        p.add(Permission.of(a, arns.key(sourceKey)).viaService("rds", arns.region()));
      }
    }
    if (kmsKey != null && arns.key(kmsKey) != null) {
      for (String a :
          List.of("kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant")) {
        p.add(Permission.of(a, arns.key(kmsKey)).viaService("rds", arns.region()));
      }
    }
    p.add(
        Permission.of("rds:CreateDBInstance", arns.cluster(temp))
            .onTagged(MANAGED)
            .tagging(created));
    p.add(Permission.of("rds:CreateDBInstance", arns.instance(instance)).tagging(created));
    p.add(Permission.of("rds:AddTagsToResource", arns.instance(instance)).tagging(created));
    p.add(Permission.of("rds:ModifyDBCluster", arns.cluster(temp)).onTagged(MANAGED));
    p.add(Permission.of("rds:DeleteDBCluster", arns.cluster(temp)).onTagged(MANAGED));
    p.add(Permission.of("rds:DeleteDBInstance", arns.instance(instance)).onTagged(MANAGED));
    Map<String, String> snapshotTags =
        new LinkedHashMap<>(
            Tags.created("preflight", Tags.ROLE_MASKED_SNAPSHOT, java.time.Instant.EPOCH));
    snapshotTags.put(Tags.SOURCE, sourceCluster);
    snapshotTags.put(Tags.SOURCE_SNAPSHOT, "preflight");
    snapshotTags.put(Tags.MASKED, "true");
    p.add(
        Permission.of("rds:CreateDBClusterSnapshot", arns.cluster(temp))
            .onTagged(MANAGED)
            .tagging(snapshotTags));
    p.add(Permission.of("rds:CreateDBClusterSnapshot", snapshot).tagging(snapshotTags));
    p.add(Permission.of("rds:AddTagsToResource", snapshot).tagging(snapshotTags));
    p.add(Permission.of("rds:ModifyDBClusterSnapshotAttribute", snapshot).onTagged(MANAGED));
    p.add(Permission.of("rds:DeleteDBClusterSnapshot", snapshot).onTagged(MANAGED));
    return p;
  }

  /** The action names of a list, for tests that compare them with what a fake served. */
  public static java.util.Set<String> actions(List<Permission> permissions) {
    java.util.Set<String> a = new java.util.TreeSet<>();
    permissions.forEach(x -> a.add(x.action()));
    return a;
  }
}
