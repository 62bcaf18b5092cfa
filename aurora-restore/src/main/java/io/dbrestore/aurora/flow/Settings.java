package io.dbrestore.aurora.flow;

import io.dbrestore.runtime.wait.Backoff;
import java.time.Duration;

/**
 * How long each kind of wait may take, and how often to look. Restores can take hours; the SDK's
 * own waiters give up after about 30 minutes, so these are the workflows' own.
 */
public record Settings(
    Backoff backoff,
    Duration restoreTimeout,
    Duration instanceTimeout,
    Duration modifyTimeout,
    Duration deleteTimeout,
    Duration snapshotTimeout) {

  public static Settings defaults() {
    return new Settings(
        Backoff.AWS_RESOURCE,
        Duration.ofHours(6),
        Duration.ofHours(2),
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofHours(6));
  }

  public Settings withBackoff(Backoff value) {
    return new Settings(
        value, restoreTimeout, instanceTimeout, modifyTimeout, deleteTimeout, snapshotTimeout);
  }

  public Settings withRestoreTimeout(Duration value) {
    return new Settings(
        backoff, value, instanceTimeout, modifyTimeout, deleteTimeout, snapshotTimeout);
  }
}
