package io.dbrestore.atlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A cloud backup snapshot of a cluster: its id, when it was taken, its status. */
public record Snapshot(String id, Instant createdAt, String status) {
  public static final String COMPLETED = "completed";

  public boolean completed() {
    return COMPLETED.equalsIgnoreCase(status);
  }

  static Snapshot of(JsonNode n) {
    return new Snapshot(
        n.path("id").asText(null), HttpAtlas.instant(n, "createdAt"), n.path("status").asText(""));
  }
}
