package io.dbrestore.runtime;

import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.log.Redactor;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** A failed run, classified: exit code, error kind for grouping, and a one-line message. */
record Failure(ExitCode code, String kind, String message, Throwable error) {

  static Failure classify(Throwable t, Cancellation cancellation) {
    if (cancellation.isCancelled()) {
      Cancellation.Request r = cancellation.request();
      return new Failure(
          r.reason().exitCode(),
          r.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          r.message()
              + "; stopped at a safe point (the log says what was left and what the next run does)",
          t);
    }
    JobException job = find(t, JobException.class);
    if (job != null) {
      return new Failure(job.exitCode(), job.kind(), job.getMessage(), t);
    }
    AwsServiceException aws = find(t, AwsServiceException.class);
    if (aws != null) {
      String code = aws.awsErrorDetails() == null ? "" : aws.awsErrorDetails().errorCode();
      String service = aws.awsErrorDetails() == null ? "AWS" : aws.awsErrorDetails().serviceName();
      if (aws.statusCode() == 403
          || code.contains("AccessDenied")
          || code.contains("Unauthorized")) {
        return new Failure(
            ExitCode.FAULT,
            "aws-access-denied",
            service
                + " denied a call ("
                + code
                + "): grant it to the task role; "
                + firstLine(
                    aws.awsErrorDetails() == null
                        ? aws.getMessage()
                        : aws.awsErrorDetails().errorMessage()),
            t);
      }
      return new Failure(
          ExitCode.FAULT,
          "aws-" + (code.isEmpty() ? "error" : code),
          service
              + " failed with "
              + code
              + " (HTTP "
              + aws.statusCode()
              + ") after retries: "
              + firstLine(
                  aws.awsErrorDetails() == null
                      ? aws.getMessage()
                      : aws.awsErrorDetails().errorMessage())
              + "; re-run later, or with -v for details",
          t);
    }
    SdkClientException client = find(t, SdkClientException.class);
    if (client != null) {
      String m = String.valueOf(client.getMessage());
      if (m.contains("Unable to load region")) {
        return new Failure(
            ExitCode.INVALID_INPUT,
            "no-region",
            "no AWS region configured: set AWS_REGION (or a profile's region)",
            t);
      }
      if (m.contains("Unable to load credentials")) {
        return new Failure(
            ExitCode.INVALID_INPUT,
            "no-credentials",
            "no AWS credentials found: run in a task with a task role, or set AWS_PROFILE or"
                + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
            t);
      }
      return new Failure(
          ExitCode.FAULT,
          "aws-client",
          "could not complete an AWS call: " + firstLine(m) + "; check the network and endpoint",
          t);
    }
    return new Failure(
        ExitCode.FAULT,
        t.getClass().getSimpleName(),
        "unexpected "
            + t.getClass().getSimpleName()
            + ": "
            + firstLine(String.valueOf(t.getMessage()))
            + " (a bug or an outage; re-run with -v for the stack trace)",
        t);
  }

  String redactedMessage() {
    return Redactor.redact(message);
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    Throwable current = t;
    int depth = 0;
    while (current != null && depth++ < 20) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      current = current.getCause();
    }
    return null;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() <= 300 ? line : line.substring(0, 299) + "…";
  }
}
