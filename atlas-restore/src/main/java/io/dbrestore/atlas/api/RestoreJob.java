package io.dbrestore.atlas.api;

import java.time.Instant;

/**
 * A cloud backup restore job. It has finished when Atlas set {@code finishedAt}; it ended without
 * finishing when {@code failed}, {@code cancelled} or {@code expired} is true.
 */
public record RestoreJob(
    String id,
    String snapshotId,
    String deliveryType,
    String targetGroupId,
    String targetClusterName,
    Instant finishedAt,
    boolean failed,
    boolean cancelled,
    boolean expired,
    Instant expiresAt,
    Instant timestamp) {

  public static final String AUTOMATED = "automated";

  public boolean finished() {
    return finishedAt != null && !failed && !cancelled && !expired;
  }

  /** Neither finished nor ended: Atlas is still working on it. */
  public boolean running() {
    return finishedAt == null && !failed && !cancelled && !expired;
  }

  /** Why it ended without finishing, in Atlas's terms; null when it did not. */
  public String endedBecause() {
    if (failed) {
      return "failed";
    }
    if (cancelled) {
      return "cancelled";
    }
    if (expired) {
      return "expired" + (expiresAt == null ? "" : " at " + expiresAt);
    }
    return null;
  }

  /** The cluster it restores into. */
  public ClusterRef target() {
    return new ClusterRef(targetGroupId, targetClusterName);
  }

  /** An automated restore into that cluster. */
  public boolean restores(ClusterRef target) {
    return AUTOMATED.equalsIgnoreCase(deliveryType) && target.equals(target());
  }

  /** The same job, finished at that time. */
  public RestoreJob withFinishedAt(Instant value) {
    return new RestoreJob(
        id,
        snapshotId,
        deliveryType,
        targetGroupId,
        targetClusterName,
        value,
        failed,
        cancelled,
        expired,
        expiresAt,
        timestamp);
  }
}
