package io.dbrestore.atlas.api;

import java.time.Instant;

/** A cloud backup snapshot of a cluster: its id, when it was taken, its status. */
public record Snapshot(String id, Instant createdAt, String status) {
  public static final String COMPLETED = "completed";

  public boolean completed() {
    return COMPLETED.equalsIgnoreCase(status);
  }
}
