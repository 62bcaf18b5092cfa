package io.dbrestore.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbrestore.runtime.contract.Tags;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The age of the snapshot each target of a restore pipeline is on: for each branch (aurora,
 * mongodb, atlas) and microservice cluster, the newest run that restored it (a run that succeeded,
 * or one that failed with {@code dbrestore.BranchesFailed} in which that branch succeeded; dry runs
 * restore nothing and are skipped), the snapshot its job's result names, and when that snapshot was
 * taken: atlas-restore's result says; for aurora-restore (its {@code source}, or the restored
 * cluster's {@value Tags#SOURCE_SNAPSHOT} tag when the result has none) RDS
 * DescribeDBClusterSnapshots does, shared ones included; for mongo-restore ({@code snapshotId}) EC2
 * DescribeSnapshots. What cannot be found is {@code unknown}, with the reason.
 */
final class SnapshotAges {
  /** How many of a pipeline's newest runs are searched for the run that restored each target. */
  static final int RUNS = 20;

  /** One target: the snapshot it is on and its age, or why that is unknown. */
  record Target(
      String target,
      String branch,
      String snapshot,
      Instant snapshotCreatedAt,
      Duration age,
      String restoredBy,
      Instant restoredAt,
      String unknown) {}

  private final SfnClient sfn;
  private final Supplier<RdsClient> rds;
  private final Supplier<Ec2Client> ec2;
  private final Instant now;
  private final Map<String, DescribeExecutionResponse> described;
  private List<DBClusterSnapshot> shared;

  SnapshotAges(
      SfnClient sfn,
      Supplier<RdsClient> rds,
      Supplier<Ec2Client> ec2,
      Instant now,
      Map<String, DescribeExecutionResponse> described) {
    this.sfn = sfn;
    this.rds = rds;
    this.ec2 = ec2;
    this.now = now;
    this.described = described;
  }

  /** The targets of one restore pipeline, in the order of its branches. */
  List<Target> of(String stateMachineArn) {
    List<ExecutionListItem> runs =
        sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn).maxResults(RUNS)).executions();
    Map<String, Target> targets = new LinkedHashMap<>();
    Map<String, String> failedIn = new HashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    for (ExecutionListItem run : runs) {
      JsonNode branches = branches(run);
      for (JsonNode branch : branches) {
        JsonNode items = branch.path("items");
        if (items.isArray()) {
          for (JsonNode item : items) {
            visit(run, branch.path("name").asText("microservices"), item, targets, failedIn, seen);
          }
        } else {
          visit(run, branch.path("name").asText(), branch, targets, failedIn, seen);
        }
      }
    }
    // In the order of the newest run's branches.
    List<Target> all = new ArrayList<>();
    for (String target : seen) {
      Target t = targets.get(target);
      all.add(
          t != null
              ? t
              : new Target(target, null, null, null, null, null, null, failedIn.get(target)));
    }
    return all;
  }

  /** The branches' results of a run that restored something; empty otherwise. */
  private JsonNode branches(ExecutionListItem run) {
    boolean succeeded = run.status() == ExecutionStatus.SUCCEEDED;
    if (!succeeded && run.status() != ExecutionStatus.FAILED) {
      return Text.json(null);
    }
    DescribeExecutionResponse d =
        described.computeIfAbsent(
            run.executionArn(), arn -> sfn.describeExecution(b -> b.executionArn(arn)));
    if (Text.json(d.input()).path("dryRun").asBoolean(false)) {
      return Text.json(null);
    }
    if (succeeded) {
      return Text.json(d.output()).path("branches");
    }
    if (!"dbrestore.BranchesFailed".equals(d.error())) {
      return Text.json(null);
    }
    // A failed run has no output: the branches are the input of its last states.
    List<HistoryEvent> last =
        sfn.getExecutionHistory(
                b -> b.executionArn(run.executionArn()).reverseOrder(true).maxResults(20))
            .events();
    for (HistoryEvent e : last) {
      if (e.stateEnteredEventDetails() != null) {
        JsonNode branches = Text.json(e.stateEnteredEventDetails().input()).path("branches");
        if (branches.isArray()) {
          return branches;
        }
      }
    }
    return Text.json(null);
  }

  private void visit(
      ExecutionListItem run,
      String branch,
      JsonNode entry,
      Map<String, Target> targets,
      Map<String, String> failedIn,
      Set<String> seen) {
    String target = entry.path("name").asText(branch);
    seen.add(target);
    if (targets.containsKey(target)) {
      return;
    }
    if (!"DONE".equals(entry.path("status").asText())) {
      failedIn.putIfAbsent(
          target,
          "not restored by the last "
              + RUNS
              + " runs (failed in "
              + run.name()
              + (entry.path("error").isTextual() ? " with " + entry.path("error").asText() : "")
              + ")");
      return;
    }
    targets.put(target, target(run, branch, target, entry.path("result")));
  }

  private Target target(ExecutionListItem run, String branch, String target, JsonNode result) {
    try {
      return lookUp(run, branch, target, result);
    } catch (AwsServiceException e) {
      // Missing permissions for one lookup leave that age unknown, not the whole status.
      String service = e.awsErrorDetails() == null ? "AWS" : e.awsErrorDetails().serviceName();
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      return new Target(
          target,
          branch,
          null,
          null,
          null,
          run.name(),
          run.stopDate(),
          service + " refused the lookup of the snapshot (" + code + ")");
    }
  }

  private Target lookUp(ExecutionListItem run, String branch, String target, JsonNode result) {
    Instant restoredAt = run.stopDate();
    String snapshot = null;
    Instant created = null;
    String unknown = null;
    if (result.has("snapshotCreatedAt") || "atlas".equals(branch)) {
      // atlas-restore: the snapshot and when it was taken.
      snapshot = text(result, "snapshotId");
      created = instant(text(result, "snapshotCreatedAt"));
      if (created == null) {
        unknown = "atlas-restore's result in " + run.name() + " has no snapshotCreatedAt";
      }
    } else if (result.has("snapshotId")) {
      // mongo-restore: an EBS snapshot.
      snapshot = text(result, "snapshotId");
      Optional<Instant> started = ebsSnapshot(snapshot);
      created = started.orElse(null);
      if (created == null) {
        unknown = "EBS snapshot " + snapshot + " no longer exists (EC2 DescribeSnapshots)";
      }
    } else if (result.has("cluster")) {
      // aurora-restore: the snapshot's name, or <cluster>@<point in time>.
      snapshot = text(result, "source");
      if (snapshot == null || snapshot.isEmpty()) {
        snapshot = clusterTag(text(result, "cluster"), Tags.SOURCE_SNAPSHOT);
      }
      if (snapshot == null || snapshot.isEmpty()) {
        unknown =
            "neither the result in "
                + run.name()
                + " nor cluster "
                + text(result, "cluster")
                + " (tag "
                + Tags.SOURCE_SNAPSHOT
                + ") names the snapshot";
      } else if (snapshot.contains("@")) {
        created = instant(snapshot.substring(snapshot.lastIndexOf('@') + 1));
        if (created == null) {
          unknown = "restored from the latest restorable time of a cluster, not a snapshot";
        }
      } else {
        created = clusterSnapshot(snapshot).orElse(null);
        if (created == null) {
          unknown =
              "cluster snapshot "
                  + snapshot
                  + " no longer exists (RDS DescribeDBClusterSnapshots, shared included)";
        }
      }
    } else {
      unknown = "the result in " + run.name() + " names no snapshot";
    }
    Duration age = created == null ? null : Duration.between(created, now);
    return new Target(target, branch, snapshot, created, age, run.name(), restoredAt, unknown);
  }

  private Optional<Instant> ebsSnapshot(String id) {
    try {
      List<Snapshot> found = ec2.get().describeSnapshots(b -> b.snapshotIds(id)).snapshots();
      return found.isEmpty() ? Optional.empty() : Optional.ofNullable(found.get(0).startTime());
    } catch (Ec2Exception e) {
      if (e.awsErrorDetails() != null
          && "InvalidSnapshot.NotFound".equals(e.awsErrorDetails().errorCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * When a cluster snapshot was taken: by its name in this account, else among the snapshots shared
   * with it (a result names a shared snapshot without its account's ARN).
   */
  private Optional<Instant> clusterSnapshot(String name) {
    try {
      List<DBClusterSnapshot> own =
          rds.get()
              .describeDBClusterSnapshots(b -> b.dbClusterSnapshotIdentifier(name))
              .dbClusterSnapshots();
      if (!own.isEmpty()) {
        return Optional.ofNullable(own.get(0).snapshotCreateTime());
      }
    } catch (DbClusterSnapshotNotFoundException e) {
      // Not this account's: look among the shared ones.
    }
    if (shared == null) {
      shared =
          rds
              .get()
              .describeDBClusterSnapshotsPaginator(
                  b -> b.snapshotType("shared").includeShared(true).maxRecords(100))
              .dbClusterSnapshots()
              .stream()
              .toList();
    }
    return shared.stream()
        .filter(
            s ->
                name.equals(s.dbClusterSnapshotIdentifier())
                    || (s.dbClusterSnapshotArn() != null
                        && s.dbClusterSnapshotArn().endsWith(":" + name))
                    || (s.dbClusterSnapshotIdentifier() != null
                        && s.dbClusterSnapshotIdentifier().endsWith(":" + name)))
        .map(DBClusterSnapshot::snapshotCreateTime)
        .findFirst();
  }

  private String clusterTag(String cluster, String key) {
    if (cluster == null) {
      return null;
    }
    try {
      List<DBCluster> found =
          rds.get().describeDBClusters(b -> b.dbClusterIdentifier(cluster)).dbClusters();
      if (found.isEmpty()) {
        return null;
      }
      Map<String, String> tags = new HashMap<>();
      for (Tag t : found.get(0).tagList()) {
        tags.put(t.key(), t.value());
      }
      return tags.get(key);
    } catch (DbClusterNotFoundException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() ? v.asText() : null;
  }

  private static Instant instant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
