package io.dbrestore.benchmarks;

import io.dbrestore.masking.engine.Progress;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Listens to an engine's progress: remembers when the last document or row of the mask phase was
 * done (so masking can be timed apart from verification) and prints each phase at every quarter.
 */
final class PhaseClock implements Progress {
  private final PrintWriter err;
  private final AtomicLong maskEnd = new AtomicLong();
  private final AtomicLong reported = new AtomicLong();

  PhaseClock(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void update(String phase, long done, long total) {
    long now = System.nanoTime();
    if (phase.equals("mask")) {
      maskEnd.accumulateAndGet(now, Math::max);
    }
    long step = Math.max(1, total / 4);
    long mark = (phase.equals("mask") ? 0 : 10) + done / step;
    if (reported.getAndAccumulate(mark, Math::max) < mark) {
      synchronized (err) {
        err.printf("  ours %s: %,d of %,d%n", phase, done, total);
        err.flush();
      }
    }
  }

  /** {@link System#nanoTime()} when the mask phase last reported. */
  long maskEnd() {
    return maskEnd.get();
  }
}
