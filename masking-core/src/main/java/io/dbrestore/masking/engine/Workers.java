package io.dbrestore.masking.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * The one worker pool of a masking run, whatever the engine: at most {@code parallelism} threads
 * over a list of work items (chunks, ranges), the caller's log context on every thread, the first
 * failure stops the rest. Interruption of the caller (cancellation) interrupts the workers.
 */
public final class Workers {
  /** Thrown when a run is cancelled: by a worker that sees its interrupt, or by the caller. */
  public static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Cancelled() {
      super("masking was cancelled");
    }
  }

  private Workers() {}

  /** Throws {@link Cancelled} when this thread was interrupted: call it per document or row. */
  public static void checkCancelled() {
    if (Thread.currentThread().isInterrupted()) {
      throw new Cancelled();
    }
  }

  /**
   * {@link #runAll} with the largest units first: the longest start early, so that no worker is
   * left with one at the end.
   */
  public static <T extends WorkUnit> void runLargestFirst(
      List<T> units, int parallelism, String threadName, Consumer<T> task) {
    List<T> sorted = new ArrayList<>(units);
    sorted.sort(Comparator.comparingLong(WorkUnit::documents).reversed());
    runAll(sorted, parallelism, threadName, task);
  }

  public static <T> void runAll(
      List<T> items, int parallelism, String threadName, Consumer<T> task) {
    if (items.isEmpty()) {
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(parallelism, items.size()),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(
            pool.submit(
                () -> {
                  if (mdc != null) {
                    MDC.setContextMap(mdc);
                  }
                  task.accept(item);
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancelled();
    } finally {
      pool.shutdownNow();
    }
  }
}
