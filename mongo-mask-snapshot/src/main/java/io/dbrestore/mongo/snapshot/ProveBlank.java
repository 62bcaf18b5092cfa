package io.dbrestore.mongo.snapshot;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The proof, before anything is snapshotted, that the published volume holds nothing but the masked
 * copy: EBS says it was created blank (no snapshot id), for this run, encrypted with the sharing
 * key; its mongod lists only the declared databases beside admin, config and local, {@code local}
 * holds nothing but {@code startup_log}, and no user or role is left. Anything else is exit 3 and
 * nothing is published.
 */
final class ProveBlank {
  private static final Set<String> SYSTEM = Set.of("admin", "config", "local");

  private final Ec2Port ec2;
  private final Request request;

  ProveBlank(Ec2Port ec2, Request request) {
    this.ec2 = ec2;
    this.request = request;
  }

  /** What EBS says about the published volume. */
  void volume(String volumeId) {
    Volume v =
        ec2.describeVolume(volumeId)
            .orElseThrow(() -> refused(List.of("volume " + volumeId + " does not exist")));
    List<String> problems = new ArrayList<>();
    if (v.snapshotId() != null && !v.snapshotId().isEmpty()) {
      problems.add(
          "it was created from snapshot "
              + v.snapshotId()
              + ", not blank: it may carry its blocks");
    }
    Map<String, String> wanted =
        Tags.ofRun(MaskSnapshotWorkflow.JOB, request.runId(), Tags.ROLE_PUBLISHED_VOLUME);
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!e.getValue().equals(v.tags().get(e.getKey()))) {
        problems.add("its tag " + e.getKey() + " is not " + e.getValue());
      }
    }
    if (!sameKey(v.kmsKeyId(), request.kmsKey())) {
      problems.add(
          "it is encrypted with "
              + (v.kmsKeyId() == null ? "no customer key" : v.kmsKeyId())
              + ", not --kms-key "
              + request.kmsKey());
    }
    if (!problems.isEmpty()) {
      throw refused(problems.stream().map(p -> "volume " + volumeId + ": " + p).toList());
    }
  }

  /** EBS reports the key's ARN; --kms-key may be that ARN or the key id. */
  static boolean sameKey(String actual, String wanted) {
    return actual != null && (actual.equals(wanted) || actual.endsWith(":key/" + wanted));
  }

  /** What the published volume's mongod holds beside the documents (a dry run prints it). */
  void copy(MongodSteps published) {
    published
        .inventory(
            "prove that the published copy holds only "
                + request.databases()
                + " beside admin, config and local, that local holds only startup_log, and that"
                + " no user or role is left")
        .ifPresent(
            inventory -> {
              List<String> problems = new ArrayList<>();
              for (String db : inventory.databases()) {
                if (!SYSTEM.contains(db) && !request.databases().contains(db)) {
                  problems.add("it holds database " + db + ", which the rules do not declare");
                }
              }
              for (String c : inventory.localCollections()) {
                if (!c.equals("startup_log")) {
                  problems.add("local holds " + c + " (oplog or replica-set state)");
                }
              }
              if (!inventory.users().isEmpty()) {
                problems.add("users are left: " + inventory.users());
              }
              if (!inventory.roles().isEmpty()) {
                problems.add("roles are left: " + inventory.roles());
              }
              if (!problems.isEmpty()) {
                throw refused(problems.stream().map(p -> "the published copy: " + p).toList());
              }
            });
  }

  private static JobException refused(List<String> problems) {
    return JobException.refused(
        "published-copy-not-blank",
        "the published volume is not proved to hold only the masked copy, so nothing is"
            + " published: "
            + String.join("; ", problems)
            + "; see docs/mongo-ec2.md");
  }
}
