package io.dbrestore.runtime.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Applies the command line and the environment to the logging configuration. */
public final class LogSetup {
  private LogSetup() {}

  public static void configure(Map<String, String> env, boolean verbose) {
    LogEncoder.force(LogEncoder.detect(env));
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.getLogger("io.dbrestore").setLevel(verbose ? Level.DEBUG : Level.INFO);
    Logger sdk = context.getLogger("software.amazon.awssdk");
    sdk.setLevel(verbose ? Level.INFO : Level.WARN);
  }

  /**
   * A local command on a terminal tells its own story on stdout: only warnings and errors are
   * logged (no embedded database's start-up chatter, no progress INFO lines), unless verbose.
   */
  public static void quiet(boolean verbose) {
    if (verbose || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.ERROR);
    context.getLogger("io.dbrestore").setLevel(Level.WARN);
  }
}
