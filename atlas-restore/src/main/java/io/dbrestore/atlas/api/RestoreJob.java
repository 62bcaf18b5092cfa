package io.dbrestore.atlas.api;

import com.fasterxml.jackson.databind.JsonNode;
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

  /** An automated restore of {@code snapshotId} into that project's cluster. */
  public boolean restores(String targetProject, String targetCluster) {
    return AUTOMATED.equalsIgnoreCase(deliveryType)
        && targetProject.equals(targetGroupId)
        && targetCluster.equals(targetClusterName);
  }

  static RestoreJob of(JsonNode n) {
    return new RestoreJob(
        n.path("id").asText(null),
        n.path("snapshotId").asText(null),
        n.path("deliveryType").asText(null),
        n.path("targetGroupId").asText(null),
        n.path("targetClusterName").asText(null),
        HttpAtlas.instant(n, "finishedAt"),
        n.path("failed").asBoolean(false),
        n.path("cancelled").asBoolean(false),
        n.path("expired").asBoolean(false),
        HttpAtlas.instant(n, "expiresAt"),
        HttpAtlas.instant(n, "timestamp"));
  }
}
