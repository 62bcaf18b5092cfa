package io.dbrestore.runtime;

import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.log.Redactor;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** A failed run, classified: exit code, error kind for grouping, and a one-line message. */
record Failure(ExitCode code, String kind, String message, Throwable error) {

  /**
   * Classifies any throwable; never throws itself (the error path must always end in one line, an
   * exit code, SendTaskFailure and a report): a shape nobody foresaw becomes a generic fault.
   */
  static Failure classify(Throwable t, Cancellation cancellation) {
    try {
      return classifyOrThrow(t, cancellation);
    } catch (RuntimeException e) {
      return new Failure(
          ExitCode.FAULT,
          "unclassified",
          "unexpected "
              + name(t)
              + " (and classifying it failed with "
              + name(e)
              + "; a bug: re-run with -v for the stack trace)",
          t);
    }
  }

  private static Failure classifyOrThrow(Throwable t, Cancellation cancellation) {
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
      return new Failure(
          job.exitCode() == null ? ExitCode.FAULT : job.exitCode(),
          orDefault(job.kind(), "job-error"),
          orDefault(message(job), "failed without a message (a bug: re-run with -v)"),
          t);
    }
    AwsServiceException aws = find(t, AwsServiceException.class);
    if (aws != null) {
      AwsErrorDetails details = aws.awsErrorDetails();
      String code = details == null ? "" : orDefault(details.errorCode(), "");
      String service = details == null ? "AWS" : orDefault(details.serviceName(), "AWS");
      String detail =
          firstLine(
              details == null || details.errorMessage() == null
                  ? message(aws)
                  : details.errorMessage());
      String status = aws.statusCode() > 0 ? "HTTP " + aws.statusCode() : "no HTTP status";
      if (aws.statusCode() == 403
          || code.contains("AccessDenied")
          || code.contains("Unauthorized")) {
        return new Failure(
            ExitCode.FAULT,
            "aws-access-denied",
            service
                + " denied a call ("
                + (code.isEmpty() ? status : code)
                + "): grant it to the task role"
                + (detail.isEmpty() ? "" : "; " + detail),
            t);
      }
      return new Failure(
          ExitCode.FAULT,
          "aws-" + (code.isEmpty() ? "error" : code),
          service
              + " failed with "
              + (code.isEmpty() ? "no error code" : code)
              + " ("
              + status
              + ") after retries"
              + (detail.isEmpty() ? "" : ": " + detail)
              + "; re-run later, or with -v for details",
          t);
    }
    SdkClientException client = find(t, SdkClientException.class);
    if (client != null) {
      String m = orDefault(message(client), "");
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
      Throwable network = networkCause(client);
      if (network != null) {
        String host = endpoint(m, network);
        return new Failure(
            ExitCode.FAULT,
            "aws-unreachable",
            "could not reach "
                + host
                + " ("
                + describe(network)
                + "): "
                + (network instanceof UnknownHostException
                    ? "check DNS in the task's VPC and any AWS_ENDPOINT_URL_* override"
                    : "tasks in private subnets need a VPC endpoint or NAT for this service;"
                        + " check the security group's egress and any AWS_ENDPOINT_URL_*"
                        + " override"),
            t);
      }
      return new Failure(
          ExitCode.FAULT,
          "aws-client",
          "could not complete an AWS call"
              + (m.isEmpty() ? "" : ": " + firstLine(m))
              + "; check the network and endpoint",
          t);
    }
    Failure mongod = unreachableMongod(t);
    if (mongod != null) {
      return mongod;
    }
    Throwable network = networkCause(t);
    return new Failure(
        ExitCode.FAULT,
        name(t),
        "unexpected "
            + name(t)
            + ": "
            + firstLine(orDefault(message(t), "no message"))
            + (network != null && network != t ? " (" + describe(network) + ")" : "")
            + " (a bug or an outage; re-run with -v for the stack trace)",
        t);
  }

  private static final Pattern MONGO_ADDRESS = Pattern.compile("address=([^,}\\s]+)");
  private static final Pattern MONGO_CAUSE = Pattern.compile("caused by \\{([^}]*)}");
  private static final Pattern CONNECT_TO = Pattern.compile("Connect to ([^\\s\\[]+)");

  /**
   * The MongoDB driver's server-selection timeout (job-runtime does not depend on the driver: its
   * message identifies it), as one line naming the address and what to check.
   */
  private static Failure unreachableMongod(Throwable t) {
    Throwable current = t;
    for (int depth = 0; current != null && depth < 20; depth++, current = current.getCause()) {
      String m = message(current);
      if (m != null && m.contains("Client view of cluster state")) {
        Matcher address = MONGO_ADDRESS.matcher(m);
        Matcher cause = MONGO_CAUSE.matcher(m);
        String why = null;
        while (cause.find()) {
          why = cause.group(1);
        }
        return new Failure(
            ExitCode.FAULT,
            "mongod-unreachable",
            "could not reach mongod at "
                + (address.find() ? address.group(1) : "the URI's hosts")
                + (why == null ? "" : " (" + why.replaceFirst("^[\\w.]+\\.", "") + ")")
                + ": check that mongod runs there, that its security group allows the task on"
                + " that port, and the connection string",
            t);
      }
    }
    return null;
  }

  /** The first network failure in the cause chain (refused, timed out, unknown host). */
  private static Throwable networkCause(Throwable t) {
    Throwable current = t;
    for (int depth = 0; current != null && depth < 20; depth++, current = current.getCause()) {
      if (current instanceof java.net.SocketException
          || current instanceof java.net.SocketTimeoutException
          || current instanceof UnknownHostException) {
        return current;
      }
    }
    return null;
  }

  /** The host an SDK call was made to, from its message or the unknown host's name. */
  private static String endpoint(String message, Throwable network) {
    Matcher m = CONNECT_TO.matcher(message);
    if (m.find()) {
      return m.group(1);
    }
    if (network instanceof UnknownHostException && message(network) != null) {
      return message(network);
    }
    return "the AWS endpoint";
  }

  private static String describe(Throwable network) {
    String m = message(network);
    return name(network) + (m == null || m.isBlank() ? "" : ": " + firstLine(m));
  }

  private static String name(Throwable t) {
    return t == null
        ? "error"
        : t.getClass().getSimpleName().isEmpty()
            ? t.getClass().getName()
            : t.getClass().getSimpleName();
  }

  /** A throwable's message, or null, even when getMessage itself throws. */
  private static String message(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String orDefault(String s, String otherwise) {
    return s == null || s.isBlank() ? otherwise : s;
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
