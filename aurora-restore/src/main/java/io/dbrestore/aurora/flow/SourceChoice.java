package io.dbrestore.aurora.flow;

import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.RdsPort.Cluster;
import io.dbrestore.aurora.rds.RdsPort.Snapshot;
import io.dbrestore.aurora.rds.RdsPort.SnapshotType;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.snapshot.SnapshotChoice;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a restored cluster's data comes from. For {@code restore}: the newest masked snapshot
 * shared under the name pattern (refused when older than {@code --max-age}), a named {@code
 * --snapshot}, or a point in time of a same-account cluster; and whether that data still needs
 * masking. For {@code snapshot}: the source cluster's newest automated backup, a named {@code
 * --source-snapshot}, or a point in time. The newest-and-fresh rule is the runtime's {@link
 * SnapshotChoice}, which the MongoDB restore shares.
 */
public final class SourceChoice {

  /**
   * A restore's source.
   *
   * @param snapshot the snapshot to restore, or null for a point in time (or an adopted cluster)
   * @param name how tags and the result name it: the snapshot's name, {@code <cluster>@<time>}
   * @param needsMasking whether the data may hold personal data (not a masked snapshot)
   */
  record Chosen(Snapshot snapshot, String name, boolean needsMasking) {}

  private static final String HINT = "the target keeps its data: check the production snapshot job";

  private final JobContext context;
  private final RdsPort rds;
  private final SnapshotChoice<Snapshot> choice;

  SourceChoice(JobContext context, RdsPort rds) {
    this.context = context;
    this.rds = rds;
    this.choice =
        new SnapshotChoice<>(
            Snapshot::name, Snapshot::created, Snapshot::available, context.clock());
  }

  /** Checks a {@code --point-in-time} value up front (exit 2): {@code latest} or an instant. */
  public static String checkPointInTime(String value) {
    if (value == null || "latest".equals(value)) {
      return value;
    }
    try {
      Instant.parse(value);
      return value;
    } catch (DateTimeParseException e) {
      throw JobException.invalidInput(
          "--point-in-time '"
              + value
              + "' is neither 'latest' nor an instant like"
              + " 2026-11-24T23:00:00Z");
    }
  }

  /** {@code latest} is null: the source's latest restorable time. */
  static Instant pointInTime(String value) {
    return "latest".equals(value) ? null : Instant.parse(value);
  }

  /** What a cluster this run restored earlier was restored from, as its tags say. */
  static Chosen adopted(Cluster cluster) {
    return new Chosen(
        null,
        cluster.tags().getOrDefault(Tags.SOURCE_SNAPSHOT, ""),
        !"true".equals(cluster.tags().get(Tags.MASKED)));
  }

  /**
   * The source of a restore into development. Unmasked data (a point in time, a same-account
   * snapshot without the masked tag) is refused (exit 2) unless rules were given to mask it.
   */
  Chosen forRestore(RestoreWorkflow.Source from, boolean haveRules) {
    Snapshot snapshot = restoreSnapshot(from);
    boolean needsMasking = snapshot == null || !isMasked(snapshot);
    String name =
        snapshot == null ? from.sourceCluster() + "@" + from.pointInTime() : snapshot.name();
    if (needsMasking && !haveRules) {
      throw JobException.invalidInput(
          "the source "
              + name
              + " is not a masked snapshot: restoring it requires --rules (it is masked before"
              + " the target becomes reachable)");
    }
    return new Chosen(snapshot, name, needsMasking);
  }

  /** Snapshots shared from another account are masked ones; here only the tag says so. */
  private boolean isMasked(Snapshot s) {
    boolean shared = !s.account().isEmpty() && !s.account().equals(context.callerAccount());
    return shared || "true".equals(s.tags().get(Tags.MASKED));
  }

  private Snapshot restoreSnapshot(RestoreWorkflow.Source from) {
    if (from.pointInTime() != null) {
      if (rds.cluster(from.sourceCluster()).isEmpty()) {
        throw JobException.invalidInput(
            "--source-cluster " + from.sourceCluster() + " does not exist in this account");
      }
      return null;
    }
    if (from.snapshot() != null) {
      Snapshot s =
          rds.snapshot(from.snapshot())
              .orElseThrow(
                  () ->
                      JobException.invalidInput(
                          "--snapshot "
                              + from.snapshot()
                              + " does not exist or is not shared with this account"));
      if (!s.available()) {
        throw JobException.invalidInput(
            "snapshot " + s.name() + " is " + s.status() + ", not available");
      }
      return requireFresh(s, from);
    }
    Pattern pattern = Names.maskedSnapshotPattern(from.prefix(), from.sourceClusterName());
    return choice.awaitFresh(
        () ->
            rds.snapshots(SnapshotType.SHARED, null).stream()
                .filter(
                    s -> from.sourceAccount() == null || from.sourceAccount().equals(s.account()))
                .filter(s -> pattern.matcher(s.name()).matches())
                .toList(),
        from.maxAge(),
        from.waitForSnapshot(),
        Duration.ofMinutes(1),
        context.waiter(),
        () ->
            JobException.refused(
                "no-masked-snapshot",
                "no masked snapshot named "
                    + pattern.pattern()
                    + " is shared with this account"
                    + (from.sourceAccount() == null ? "" : " from account " + from.sourceAccount())
                    + "; check the production snapshot job"),
        HINT);
  }

  private Snapshot requireFresh(Snapshot s, RestoreWorkflow.Source from) {
    return choice.requireFresh(s, from.maxAge(), HINT);
  }

  /**
   * The backup a masked snapshot is made from, in production: {@code --source-snapshot}, else the
   * source cluster's newest available automated snapshot; null for a point in time.
   */
  Snapshot forSnapshot(String sourceCluster, String sourceSnapshot, String pointInTime) {
    if (pointInTime != null) {
      return null;
    }
    if (sourceSnapshot != null) {
      Snapshot s =
          rds.snapshot(sourceSnapshot)
              .orElseThrow(
                  () ->
                      JobException.invalidInput(
                          "--source-snapshot " + sourceSnapshot + " does not exist"));
      if (!s.available()) {
        throw JobException.invalidInput(
            "--source-snapshot " + s.id() + " is " + s.status() + ", not available");
      }
      return s;
    }
    return choice
        .newest(rds.snapshots(SnapshotType.AUTOMATED, sourceCluster))
        .orElseThrow(
            () ->
                JobException.refused(
                    "no-source-snapshot",
                    "cluster "
                        + sourceCluster
                        + " has no available automated snapshot; check its backup retention,"
                        + " or give --source-snapshot or --point-in-time"));
  }

  /**
   * For {@code preflight}: the snapshot a restore would restore now, without waiting for one (empty
   * for a point in time); throws what the restore would refuse with.
   */
  public static Optional<Snapshot> restoreSourceNow(
      JobContext context, RdsPort rds, RestoreWorkflow.Source from, boolean haveRules) {
    RestoreWorkflow.Source now =
        new RestoreWorkflow.Source(
            from.snapshot(),
            from.sourceAccount(),
            from.prefix(),
            from.sourceClusterName(),
            from.maxAge(),
            from.sourceCluster(),
            from.pointInTime(),
            Duration.ZERO);
    return Optional.ofNullable(
        new SourceChoice(context, rds).forRestore(now, haveRules).snapshot());
  }

  /** For {@code preflight}: the backup a masked snapshot would be made from now. */
  public static Optional<Snapshot> snapshotSourceNow(
      JobContext context,
      RdsPort rds,
      String sourceCluster,
      String sourceSnapshot,
      String pointInTime) {
    return Optional.ofNullable(
        new SourceChoice(context, rds).forSnapshot(sourceCluster, sourceSnapshot, pointInTime));
  }
}
