package io.dbrestore.atlas;

import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.wait.Backoff;
import java.time.Duration;

/**
 * How often the run looks at Atlas and how long it tries. The waits for the restore job and for the
 * target to be IDLE again have no limit of their own: the job's {@code --timeout} (6h by default)
 * is theirs, and running out of it leaves the restore job running for a re-run to adopt.
 *
 * @param poll between looks at the restore job and at the target's state: {@code --poll-interval},
 *     growing by half up to four times it
 * @param createRetry between tries to create the restore job after its answer was lost: {@code
 *     --poll-interval}, doubling up to four times it
 * @param createAttempts how many times to try creating the restore job
 * @param cancel the one attempt at cancelling the restore job when the run is stopped
 */
record Timeouts(Backoff poll, Backoff createRetry, int createAttempts, Duration cancel) {
  static Timeouts polling(Duration interval) {
    Duration max = interval.multipliedBy(4);
    return new Timeouts(
        new Backoff(interval, max, 1.5), new Backoff(interval, max, 2.0), 3, Duration.ofSeconds(5));
  }

  /** What is left of the job's {@code --timeout}, at least a millisecond: the waits' limit. */
  static Duration untilDeadline(JobContext context) {
    Duration left = Duration.between(context.clock().instant(), context.deadline());
    return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
  }
}
