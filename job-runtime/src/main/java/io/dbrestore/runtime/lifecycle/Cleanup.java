package io.dbrestore.runtime.lifecycle;

import io.dbrestore.runtime.wait.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work after a failure or cancellation: putting a volume back, marking or deleting what the run
 * created, cancelling what it started. The run's own cancellation must not stop it, so it runs with
 * the thread's interrupt cleared and waits through a {@link #waiter()} that ignores the run's
 * cancellation and deadline; instead it has its own budget. The interrupt is restored afterwards,
 * so that the code around it still sees that the run was cancelled.
 *
 * <p>After cancellation the runtime exits {@code DBRESTORE_CANCEL_GRACE_SECONDS} (20) later
 * whatever happens, so the budget is then cut to what fits into that grace ({@link #budget}).
 */
public final class Cleanup {
  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);

  /** What a cleanup after cancellation leaves to the runtime's exit of the grace period. */
  static final Duration GRACE_MARGIN = Duration.ofSeconds(8);

  private final Cancellation run;
  private final Clock clock;
  private final Instant end;

  private Cleanup(Cancellation run, Clock clock, Instant end) {
    this.run = run;
    this.clock = clock;
    this.end = end;
  }

  /**
   * A cleanup that may take {@code budget} from now, or less after cancellation (see {@link
   * #budget}).
   */
  public static Cleanup start(
      Cancellation cancellation, Clock clock, Duration grace, Duration budget) {
    return new Cleanup(
        cancellation, clock, clock.instant().plus(budget(cancellation, grace, budget)));
  }

  /**
   * {@code budget}, or after cancellation what is left of the grace period with a margin for
   * reporting (12 seconds of the default 20), whichever is shorter.
   */
  public static Duration budget(Cancellation cancellation, Duration grace, Duration budget) {
    if (!cancellation.isCancelled()) {
      return budget;
    }
    Duration left = grace.minus(GRACE_MARGIN);
    if (left.compareTo(Duration.ofSeconds(1)) < 0) {
      left = Duration.ofSeconds(1);
    }
    return left.compareTo(budget) < 0 ? left : budget;
  }

  /** When this cleanup's budget ends. */
  public Instant end() {
    return end;
  }

  /** A waiter that ignores the run's cancellation and deadline and stops at the budget's end. */
  public Waiter waiter() {
    return new Waiter(new Cancellation(), clock, end);
  }

  /**
   * Runs {@code action} with the interrupt cleared (restored afterwards). Never throws: a failure
   * is logged with {@code what}, so that the original reason is what the run reports.
   *
   * @return whether the action succeeded
   */
  public boolean run(String what, Runnable action) {
    try {
      call(
          () -> {
            action.run();
            return null;
          });
      LOG.info("{}: done", what);
      return true;
    } catch (RuntimeException e) {
      LOG.warn("{}: failed ({})", what, String.valueOf(e.getMessage()));
      return false;
    }
  }

  /**
   * Runs {@code action} with the interrupt cleared and restored afterwards, shielded from the
   * interrupt of a cancellation that arrives meanwhile ({@link Cancellation#shielded}); what it
   * throws is thrown, for a caller that reports what could not be undone.
   */
  public <T> T call(Supplier<T> action) {
    return run.shielded(action);
  }
}
