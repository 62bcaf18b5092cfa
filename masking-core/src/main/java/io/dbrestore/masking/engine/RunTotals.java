package io.dbrestore.masking.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a run's workers add up while they mask: documents masked and time spent per collection, and
 * the paths the rules do not declare. Thread-safe.
 */
public final class RunTotals {
  private final PathCounts undeclared = new PathCounts();
  private final Map<String, AtomicLong> masked = new ConcurrentHashMap<>();
  private final Map<String, long[]> spans = new ConcurrentHashMap<>();

  /** Documents per collection and path the rules do not declare, found while masking. */
  public PathCounts undeclared() {
    return undeclared;
  }

  /**
   * Documents masked in a collection the run masks (by this run and the runs it resumes); null for
   * a collection it does not mask.
   */
  public AtomicLong masked(String collection) {
    return masked.get(collection);
  }

  /** Starts counting a collection the run masks. */
  void counting(String collection) {
    masked.put(collection, new AtomicLong());
  }

  /** Runs one unit of a collection's work; the collection's time spans its first to last unit. */
  void timed(String collection, Runnable work) {
    long t0 = System.nanoTime();
    work.run();
    long t1 = System.nanoTime();
    spans.merge(
        collection,
        new long[] {t0, t1},
        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
  }

  /** Seconds spent masking a collection; 0 when its units were not timed. */
  double seconds(String collection) {
    long[] span = spans.get(collection);
    return span == null ? 0.0 : (span[1] - span[0]) / 1e9;
  }

  long documentsMasked() {
    return masked.values().stream().mapToLong(AtomicLong::get).sum();
  }
}
