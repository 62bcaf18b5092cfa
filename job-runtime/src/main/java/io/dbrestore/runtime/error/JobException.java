package io.dbrestore.runtime.error;

import io.dbrestore.runtime.ExitCode;

/**
 * A failure that the job understands: it carries the exit code and a one-line message that says
 * what is wrong and what to do. Anything else that escapes a job is a fault (exit 1).
 *
 * <p>Messages must never contain secrets or personal data: they go to stderr, the log, Sentry and
 * the Step Functions task failure.
 */
public class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;
  private final String kind;

  public JobException(ExitCode exitCode, String kind, String message) {
    this(exitCode, kind, message, null);
  }

  public JobException(ExitCode exitCode, String kind, String message, Throwable cause) {
    super(message, cause);
    if (exitCode == ExitCode.DONE) {
      throw new IllegalArgumentException("a JobException cannot mean success");
    }
    this.exitCode = exitCode;
    this.kind = kind;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /**
   * A short stable name for the kind of error ({@code untagged-resource}, {@code
   * snapshot-too-old}), used in the Sentry fingerprint so a failure that repeats every night groups
   * into one issue whatever the resource ids in its message.
   */
  public String kind() {
    return kind;
  }

  public static JobException invalidInput(String message) {
    return new JobException(ExitCode.INVALID_INPUT, "invalid-input", message);
  }

  public static JobException invalidInput(String message, Throwable cause) {
    return new JobException(ExitCode.INVALID_INPUT, "invalid-input", message, cause);
  }

  public static JobException refused(String kind, String message) {
    return new JobException(ExitCode.REFUSED, kind, message);
  }

  public static JobException timedOut(String message) {
    return new JobException(ExitCode.TIMED_OUT, "timed-out", message);
  }

  public static JobException verificationFailed(String message) {
    return new JobException(ExitCode.VERIFICATION_FAILED, "verification-failed", message);
  }

  public static JobException cancelled(String message) {
    return new JobException(ExitCode.CANCELLED, "cancelled", message);
  }
}
