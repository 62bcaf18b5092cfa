package io.dbrestore.runtime.lifecycle;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one cancellation signal of a run. SIGTERM, a heartbeat answered with "task timed out" and the
 * job's overall deadline all end here; waits wake up at once, and the job thread is interrupted so
 * that blocking calls return. Jobs check {@link #throwIfCancelled()} at their safe points.
 */
public final class Cancellation {
  /** Why a run was cancelled; decides the exit code. */
  public enum Reason {
    /** SIGTERM or SIGINT: ECS stopped the task, or someone pressed Ctrl-C. */
    SIGNAL(ExitCode.CANCELLED),
    /** Step Functions no longer waits for this task: the execution was stopped or timed out. */
    EXECUTION_STOPPED(ExitCode.CANCELLED),
    /** The job's own --timeout passed. */
    DEADLINE(ExitCode.TIMED_OUT);

    private final ExitCode exitCode;

    Reason(ExitCode exitCode) {
      this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
      return exitCode;
    }
  }

  /** A request to cancel, with a one-line explanation. */
  public record Request(Reason reason, String message) {}

  private final AtomicReference<Request> request = new AtomicReference<>();
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final List<Consumer<Request>> listeners = new CopyOnWriteArrayList<>();
  private volatile Thread jobThread;
  private final Object interrupts = new Object();
  private Thread shielded;
  private boolean heldBack;

  /** The thread that runs the job; it is interrupted on cancellation. */
  public void bindJobThread(Thread thread) {
    this.jobThread = thread;
  }

  public void unbindJobThread() {
    this.jobThread = null;
  }

  /** Requests cancellation; the first request wins. Returns whether this call was the first. */
  public boolean cancel(Reason reason, String message) {
    Request r = new Request(reason, message);
    if (!request.compareAndSet(null, r)) {
      return false;
    }
    cancelled.countDown();
    for (Consumer<Request> listener : listeners) {
      try {
        listener.accept(r);
      } catch (RuntimeException e) {
        // A listener must not stop the others from running.
      }
    }
    synchronized (interrupts) {
      Thread t = jobThread;
      if (t != null && t == shielded) {
        heldBack = true;
      } else if (t != null) {
        t.interrupt();
      }
    }
    return true;
  }

  /**
   * Runs {@code action} on this thread with its interrupt cleared and without being interrupted by
   * a cancellation that arrives meanwhile: cleanup after a failure or cancellation must be able to
   * make its calls, and a cancellation's interrupt can land late, after the job thread already woke
   * up from the cancellation itself. Afterwards the thread is interrupted again if it was on entry
   * or if an interrupt was held back, so the code around it still sees it.
   */
  public <T> T shielded(Supplier<T> action) {
    Thread me = Thread.currentThread();
    boolean outermost;
    boolean interrupted = false;
    synchronized (interrupts) {
      outermost = shielded != me;
      if (outermost) {
        // Only the job thread is ever interrupted by a cancellation; another thread only needs
        // its own interrupt cleared and restored.
        shielded = me == jobThread ? me : shielded;
        interrupted = Thread.interrupted();
      }
    }
    if (!outermost) {
      return action.get(); // inside a shield already: the outer one restores
    }
    try {
      return action.get();
    } finally {
      boolean held = false;
      synchronized (interrupts) {
        if (shielded == me) {
          held = heldBack;
          heldBack = false;
          shielded = null;
        }
      }
      if (interrupted || held) {
        me.interrupt();
      }
    }
  }

  public void onCancel(Consumer<Request> listener) {
    listeners.add(listener);
    Request r = request.get();
    if (r != null) {
      listener.accept(r);
    }
  }

  public boolean isCancelled() {
    return request.get() != null;
  }

  public Request request() {
    return request.get();
  }

  /** The exception for the cancellation request: exit 6, or exit 4 for the deadline. */
  public JobException toException() {
    Request r = request.get();
    if (r == null) {
      throw new IllegalStateException("not cancelled");
    }
    return new JobException(
        r.reason().exitCode(),
        r.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        r.message());
  }

  /** Throws when cancellation was requested; call it at every safe point. */
  public void throwIfCancelled() {
    if (isCancelled()) {
      throw toException();
    }
  }

  /** Sleeps, waking at once on cancellation (then throws). */
  public void sleep(Duration duration) {
    throwIfCancelled();
    try {
      if (cancelled.await(Math.max(0, duration.toMillis()), TimeUnit.MILLISECONDS)) {
        throw toException();
      }
    } catch (InterruptedException e) {
      if (isCancelled()) {
        throw toException();
      }
      Thread.currentThread().interrupt();
      throw JobException.cancelled("interrupted while waiting");
    }
  }

  /** Blocks until cancelled or the duration passed; returns whether cancelled. */
  public boolean await(Duration duration) throws InterruptedException {
    return cancelled.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }
}
