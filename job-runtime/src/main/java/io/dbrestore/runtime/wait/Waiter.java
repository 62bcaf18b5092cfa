package io.dbrestore.runtime.wait;

import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a job waits for something: backoff with a cap, an overall timeout (exit 4), progress
 * logged when the status changes and otherwise at most once per {@code progressEvery}, and
 * cancellation that wakes it at once (exit 6).
 *
 * <p>A timeout is the smaller of the wait's own and what is left of the job's {@code --timeout}.
 */
public final class Waiter {
  private static final Logger LOG = LoggerFactory.getLogger(Waiter.class);

  /** Sleeps; the default wakes on cancellation. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration);
  }

  /** A poll that may throw (AWS errors, a failed restore). */
  @FunctionalInterface
  public interface Check<T> {
    Poll<T> check() throws Exception;
  }

  private final Cancellation cancellation;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Instant jobDeadline;
  private final Duration progressEvery;
  private final Consumer<String> progress;

  public Waiter(Cancellation cancellation, Clock clock, Instant jobDeadline) {
    this(
        cancellation,
        clock,
        cancellation::sleep,
        jobDeadline,
        Duration.ofMinutes(1),
        message -> LOG.info(message));
  }

  public Waiter(
      Cancellation cancellation,
      Clock clock,
      Sleeper sleeper,
      Instant jobDeadline,
      Duration progressEvery,
      Consumer<String> progress) {
    this.cancellation = Objects.requireNonNull(cancellation);
    this.clock = Objects.requireNonNull(clock);
    this.sleeper = Objects.requireNonNull(sleeper);
    this.jobDeadline = jobDeadline;
    this.progressEvery = progressEvery;
    this.progress = progress;
  }

  /**
   * Polls until {@code check} is done.
   *
   * @param what what we wait for, as a phrase: "cluster dev-app to become available"
   * @param timeout how long this wait may take at most
   */
  public <T> T until(String what, Duration timeout, Backoff backoff, Check<T> check) {
    Instant start = clock.instant();
    Instant deadline = start.plus(timeout);
    boolean jobDeadlineFirst = jobDeadline != null && jobDeadline.isBefore(deadline);
    if (jobDeadlineFirst) {
      deadline = jobDeadline;
    }
    Duration delay = null;
    String lastStatus = null;
    Instant lastReport = start;
    int polls = 0;
    while (true) {
      cancellation.throwIfCancelled();
      Poll<T> result;
      try {
        result = check.check();
        polls++;
      } catch (JobException e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancellation.throwIfCancelled();
        throw JobException.cancelled("interrupted while waiting for " + what);
      } catch (RuntimeException e) {
        cancellation.throwIfCancelled();
        throw e;
      } catch (Exception e) {
        cancellation.throwIfCancelled();
        throw new IllegalStateException("failed while waiting for " + what + ": " + e, e);
      }
      Instant now = clock.instant();
      if (result instanceof Poll.Done<T> done) {
        if (polls > 1) {
          progress.accept(
              "done waiting for " + what + " after " + human(Duration.between(start, now)));
        }
        return done.value();
      }
      String status = ((Poll.Pending<T>) result).status();
      if (!Objects.equals(status, lastStatus)
          || Duration.between(lastReport, now).compareTo(progressEvery) >= 0) {
        progress.accept(
            "waiting for "
                + what
                + ": "
                + status
                + " after "
                + human(Duration.between(start, now)));
        lastStatus = status;
        lastReport = now;
      }
      if (!now.isBefore(deadline)) {
        String limit =
            jobDeadlineFirst
                ? "the job's --timeout ran out"
                : "gave up after " + human(Duration.between(start, now));
        throw JobException.timedOut(
            "timed out waiting for "
                + what
                + " (last status: "
                + status
                + "; "
                + limit
                + "); check the resource in the AWS console, then re-run or raise the timeout");
      }
      delay = backoff.next(delay);
      Duration left = Duration.between(now, deadline);
      sleeper.sleep(delay.compareTo(left) > 0 ? left : delay);
    }
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
  }
}
