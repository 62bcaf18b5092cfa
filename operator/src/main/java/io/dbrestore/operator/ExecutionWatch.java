package io.dbrestore.operator;

import io.dbrestore.runtime.ExitCode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Follows an execution until it ends: polls DescribeExecution and the history, printing one line
 * per state entered, task succeeded or failed and the execution's end.
 */
final class ExecutionWatch {
  /** How an execution ended. */
  record Outcome(String status, String error, String cause) {
    /**
     * The exit code the run maps to: 0 succeeded; failed with an exit-code name (REFUSED, ...) as
     * its error: that code, else 1; aborted: 6; timed out: 4.
     */
    ExitCode exitCode() {
      return switch (status) {
        case "SUCCEEDED" -> ExitCode.DONE;
        case "ABORTED" -> ExitCode.CANCELLED;
        case "TIMED_OUT" -> ExitCode.TIMED_OUT;
        default ->
            Arrays.stream(ExitCode.values())
                .filter(c -> c != ExitCode.DONE && c.name().equals(error))
                .findFirst()
                .orElse(ExitCode.FAULT);
      };
    }
  }

  private final SfnClient sfn;
  private final Session session;
  private final PrintWriter lines;
  private final Duration interval;
  private final Map<Long, String> stateOf = new HashMap<>();
  private long lastEvent;

  /** {@code lines} null: print nothing (JSON output). */
  ExecutionWatch(SfnClient sfn, Session session, PrintWriter lines, Duration interval) {
    this.sfn = sfn;
    this.session = session;
    this.lines = lines;
    this.interval = interval;
  }

  Outcome watch(String executionArn) throws InterruptedException {
    while (true) {
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
      printNewEvents(executionArn);
      if (d.status() != ExecutionStatus.RUNNING && d.status() != ExecutionStatus.PENDING_REDRIVE) {
        return new Outcome(d.statusAsString(), d.error(), d.cause());
      }
      session.sleeper.sleep(interval);
    }
  }

  /** Pages through the history (nextToken) and prints the events not seen before. */
  private void printNewEvents(String executionArn) {
    String token = null;
    long newest = lastEvent;
    do {
      String next = token;
      GetExecutionHistoryResponse page =
          sfn.getExecutionHistory(
              b -> b.executionArn(executionArn).maxResults(1000).nextToken(next));
      for (HistoryEvent e : page.events()) {
        if (e.id() <= lastEvent) {
          continue;
        }
        newest = Math.max(newest, e.id());
        String state =
            e.stateEnteredEventDetails() != null
                ? e.stateEnteredEventDetails().name()
                : stateOf.get(e.previousEventId());
        if (state != null) {
          stateOf.put(e.id(), state);
        }
        String line = line(e, state);
        if (line != null && lines != null) {
          lines.println(Text.time(timestamp(e), session.clock.getZone(), "HH:mm:ss") + " " + line);
          lines.flush();
        }
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    lastEvent = newest;
  }

  private Instant timestamp(HistoryEvent e) {
    return e.timestamp() == null ? session.clock.instant() : e.timestamp();
  }

  private static String line(HistoryEvent e, String state) {
    String s = state == null ? "?" : state;
    return switch (e.type()) {
      case TASK_STATE_ENTERED -> "entered   " + s;
      case TASK_SUCCEEDED -> "succeeded " + s;
      case TASK_FAILED ->
          "failed    "
              + s
              + ": "
              + failure(e.taskFailedEventDetails().error(), e.taskFailedEventDetails().cause());
      case TASK_TIMED_OUT ->
          "timed out "
              + s
              + ": "
              + failure(e.taskTimedOutEventDetails().error(), e.taskTimedOutEventDetails().cause());
      case EXECUTION_SUCCEEDED -> "execution succeeded";
      case EXECUTION_FAILED ->
          "execution failed: "
              + failure(
                  e.executionFailedEventDetails().error(), e.executionFailedEventDetails().cause());
      case EXECUTION_ABORTED ->
          "execution aborted"
              + (e.executionAbortedEventDetails() == null
                  ? ""
                  : ": "
                      + failure(
                          e.executionAbortedEventDetails().error(),
                          e.executionAbortedEventDetails().cause()));
      case EXECUTION_TIMED_OUT -> "execution timed out";
      default -> null;
    };
  }

  private static String failure(String error, String cause) {
    String first = Text.firstLine(cause);
    String err = error == null ? "" : error;
    if (first.isEmpty()) {
      return err;
    }
    return err.isEmpty() ? first : err + ": " + first;
  }
}
