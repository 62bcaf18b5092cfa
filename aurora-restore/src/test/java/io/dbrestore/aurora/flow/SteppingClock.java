package io.dbrestore.aurora.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves one second forward each time it is read: waits end by their timeouts. */
final class SteppingClock extends Clock {
  private final Instant start;
  private final AtomicLong reads = new AtomicLong();

  SteppingClock(Instant start) {
    this.start = start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return start.plus(Duration.ofSeconds(reads.getAndIncrement()));
  }
}
