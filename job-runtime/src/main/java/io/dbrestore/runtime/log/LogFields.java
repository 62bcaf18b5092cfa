package io.dbrestore.runtime.log;

import java.util.List;

/** The context every log line carries, kept in the SLF4J MDC. */
public final class LogFields {
  public static final String JOB = "job";
  public static final String TARGET = "target";
  public static final String STEP = "step";
  public static final String EXECUTION = "execution";

  /** In this order, first in every JSON line. */
  public static final List<String> ORDERED = List.of(JOB, TARGET, STEP, EXECUTION);

  private LogFields() {}
}
