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
}
