package io.dbrestore.runtime.wait;

import java.time.Duration;

/** Exponential backoff with a cap: {@code initial}, then times {@code factor} up to {@code max}. */
public record Backoff(Duration initial, Duration max, double factor) {
  /** For AWS resources that take minutes to hours (clusters, volumes, snapshots). */
  public static final Backoff AWS_RESOURCE =
      new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), 1.5);

  public Backoff {
    if (initial.isNegative() || max.compareTo(initial) < 0 || factor < 1.0) {
      throw new IllegalArgumentException("invalid backoff " + initial + ".." + max + " x" + factor);
    }
  }

  /**
   * {@code initial} (a user's poll interval or retry delay), growing by {@code factor} up to {@code
   * cap}, or staying at {@code initial} when that is longer than the cap.
   */
  public static Backoff startingAt(Duration initial, Duration cap, double factor) {
    return new Backoff(initial, initial.compareTo(cap) > 0 ? initial : cap, factor);
  }

  public Duration next(Duration previous) {
    if (previous == null) {
      return initial;
    }
    long nextMillis = (long) Math.ceil(previous.toMillis() * factor);
    return nextMillis >= max.toMillis() ? max : Duration.ofMillis(nextMillis);
  }
}
