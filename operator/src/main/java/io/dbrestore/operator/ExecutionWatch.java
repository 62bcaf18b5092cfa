package io.dbrestore.operator;

import io.dbrestore.runtime.ExitCode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
  private final List<HistoryEvent> history = new ArrayList<>();
  private long lastEvent;
  private LiveView live;

  /** {@code lines} null: print nothing (JSON output). */
  ExecutionWatch(SfnClient sfn, Session session, PrintWriter lines, Duration interval) {
    this.sfn = sfn;
    this.session = session;
    this.lines = lines;
    this.interval = interval;
  }

  /**
   * Instead of a line per event, a view of each branch redrawn in place on {@code terminal} (see
   * {@link ProgressView}), at least every second between polls.
   */
  ExecutionWatch live(PrintWriter terminal, String title, int columns) {
    this.live = new LiveView(terminal, title, columns);
    return this;
  }

  Outcome watch(String executionArn) throws InterruptedException {
    while (true) {
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
      printNewEvents(executionArn);
      boolean ended =
          d.status() != ExecutionStatus.RUNNING && d.status() != ExecutionStatus.PENDING_REDRIVE;
      if (live != null) {
        live.draw(history, session.clock.instant());
      }
      if (ended) {
        return new Outcome(d.statusAsString(), d.error(), d.cause());
      }
      if (live == null) {
        session.sleeper.sleep(interval);
        continue;
      }
      // Redraw between polls: the spinner turns and the times count up.
      Duration left = interval;
      Duration tick = Duration.ofSeconds(1);
      while (left.compareTo(tick) > 0) {
        session.sleeper.sleep(tick);
        left = left.minus(tick);
        live.draw(history, session.clock.instant());
      }
      session.sleeper.sleep(left);
    }
  }

  /** A frame redrawn in place: the cursor goes back up over the last one, each line is cleared. */
  static final class LiveView {
    private final PrintWriter out;
    private final String title;
    private final int columns;
    private int drawn;
    private int tick;

    LiveView(PrintWriter out, String title, int columns) {
      this.out = out;
      this.title = title;
      this.columns = Math.max(20, columns);
    }

    void draw(List<HistoryEvent> events, Instant now) {
      List<String> frame = ProgressView.frame(title, events, now, tick++);
      StringBuilder b = new StringBuilder();
      if (drawn > 0) {
        b.append("\033[").append(drawn).append('A');
      }
      for (String line : frame) {
        // Longer than the terminal, a line would wrap and the cursor go back up too few lines.
        String shown = line.length() >= columns ? line.substring(0, columns - 2) + "…" : line;
        b.append('\r').append("\033[2K").append(shown).append('\n');
      }
      b.append("\033[J");
      out.print(b);
      out.flush();
      drawn = frame.size();
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
        history.add(e);
        String state =
            e.stateEnteredEventDetails() != null
                ? e.stateEnteredEventDetails().name()
                : stateOf.get(e.previousEventId());
        if (state != null) {
          stateOf.put(e.id(), state);
        }
        String line = line(e, state);
        if (line != null && lines != null && live == null) {
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
