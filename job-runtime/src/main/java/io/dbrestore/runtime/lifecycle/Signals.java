package io.dbrestore.runtime.lifecycle;

import io.dbrestore.runtime.lifecycle.Cancellation.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM (what ECS sends when a task or its execution is stopped) and SIGINT into a
 * cancellation instead of an abrupt JVM shutdown, so the job stops at its next safe point, cleans
 * up and exits 6. A second signal while cancelling does not hurry it: the grace watchdog decides.
 */
public final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Installs the handlers; returns false where the JVM does not allow it. */
  @SuppressWarnings("restriction")
  public static boolean install(Cancellation cancellation) {
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> {
              if (cancellation.cancel(
                  Reason.SIGNAL, "stopped by SIG" + signal.getName() + " (the task was stopped)")) {
                LOG.warn("received SIG{}: cancelling at the next safe point", signal.getName());
              }
            });
      }
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      LOG.debug("cannot install signal handlers", e);
      return false;
    }
  }
}
