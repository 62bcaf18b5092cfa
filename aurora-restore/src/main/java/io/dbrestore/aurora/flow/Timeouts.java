package io.dbrestore.aurora.flow;

import io.dbrestore.runtime.wait.Backoff;
import java.time.Duration;

/**
 * How long each kind of wait may take, and how often to look. Restores can take hours; the SDK's
 * own waiters give up after about 30 minutes, so these are the workflows' own.
 *
 * @param restore a restored cluster to become available
 * @param instance an instance to become available (created or renamed)
 * @param modify a cluster to settle after a change (password, rename)
 * @param delete a cluster to be gone
 * @param snapshot a cluster snapshot to become available
 */
public record Timeouts(
    Backoff backoff,
    Duration restore,
    Duration instance,
    Duration modify,
    Duration delete,
    Duration snapshot) {

  public static final Timeouts DEFAULT =
      new Timeouts(
          Backoff.AWS_RESOURCE,
          Duration.ofHours(6),
          Duration.ofHours(2),
          Duration.ofHours(1),
          Duration.ofHours(1),
          Duration.ofHours(6));

  public Timeouts withBackoff(Backoff value) {
    return new Timeouts(value, restore, instance, modify, delete, snapshot);
  }

  public Timeouts withRestore(Duration value) {
    return new Timeouts(backoff, value, instance, modify, delete, snapshot);
  }
}
