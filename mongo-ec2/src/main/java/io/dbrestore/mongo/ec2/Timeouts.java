package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.wait.Backoff;
import java.time.Duration;

/**
 * How long each kind of wait may take, and how often it polls.
 *
 * @param volume a volume to become available, attached or detached
 * @param instance an instance to stop, or to start and pass its status checks
 * @param snapshot a snapshot to complete (hours for a large first snapshot)
 * @param mongod mongod to accept connections after the instance runs (journal recovery, and slow
 *     first reads from a volume restored from a snapshot)
 */
public record Timeouts(
    Backoff backoff, Duration volume, Duration instance, Duration snapshot, Duration mongod) {
  public static final Timeouts DEFAULT =
      new Timeouts(
          Backoff.AWS_RESOURCE,
          Duration.ofMinutes(30),
          Duration.ofMinutes(20),
          Duration.ofHours(6),
          Duration.ofMinutes(30));

  public Timeouts withBackoff(Backoff value) {
    return new Timeouts(value, volume, instance, snapshot, mongod);
  }

  public Timeouts withVolume(Duration value) {
    return new Timeouts(backoff, value, instance, snapshot, mongod);
  }
}
