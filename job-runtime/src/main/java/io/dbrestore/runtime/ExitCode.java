package io.dbrestore.runtime;

import io.sentry.SentryLevel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every dbrestore job. They are a contract with the state machines (which retry
 * on some and not on others), with alert rules and with people reading a failed task at 3 a.m., so
 * they never change meaning.
 */
public enum ExitCode {
  DONE(0, "done", null),
  FAULT(1, "unexpected fault (a bug or an outage): see the log and Sentry", SentryLevel.ERROR),
  INVALID_INPUT(2, "invalid input: flags, environment or files", SentryLevel.ERROR),
  REFUSED(
      3,
      "refused by a safety guard or a precondition (not our resource, data not covered by the"
          + " masking rules, snapshot missing or too old)",
      SentryLevel.WARNING),
  TIMED_OUT(4, "timed out waiting for AWS or a database", SentryLevel.ERROR),
  VERIFICATION_FAILED(5, "masking verification failed: nothing was published", SentryLevel.FATAL),
  CANCELLED(6, "cancelled: the execution was stopped or the task got SIGTERM", SentryLevel.INFO);

  private final int code;
  private final String meaning;
  private final SentryLevel sentryLevel;

  ExitCode(int code, String meaning, SentryLevel sentryLevel) {
    this.code = code;
    this.meaning = meaning;
    this.sentryLevel = sentryLevel;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /**
   * The level a failure with this code is reported at, so that an alert rule can tell refusals
   * (warning) and verification failures (fatal) from faults (error). {@code null} for success.
   */
  public SentryLevel sentryLevel() {
    return sentryLevel;
  }

  public static ExitCode of(int code) {
    return Arrays.stream(values())
        .filter(c -> c.code == code)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no exit code " + code));
  }

  /** The exit-code list that picocli prints in every {@code --help}. */
  public static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitCode c : values()) {
      list.put(String.format("%d", c.code), c.name() + ": " + c.meaning);
    }
    return list;
  }
}
