package io.dbrestore.masking.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One phase of a run ({@code mask}, {@code verify}) as its workers report it to {@link Progress}.
 */
public final class PhaseProgress {
  private final Progress progress;
  private final String phase;
  private final long total;
  private final AtomicLong done = new AtomicLong();

  public PhaseProgress(Progress progress, String phase, long total) {
    this.progress = progress;
    this.phase = phase;
    this.total = total;
  }

  /** Counts documents (rows) done, from any worker, and reports the phase's new count. */
  public void add(long documents) {
    progress.update(phase, done.addAndGet(documents), total);
  }
}
