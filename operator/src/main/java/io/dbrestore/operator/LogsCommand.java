package io.dbrestore.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.cli.DurationConverter;
import io.dbrestore.runtime.error.JobException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/** {@code logs <execution-arn>}: the CloudWatch log lines of a run's ECS tasks, failed first. */
@Command(
    name = "logs",
    description = {
      "The CloudWatch log lines of an execution's ECS tasks, failed steps first, each headed by its"
          + " state and outcome; JSON lines are shown as 'HH:mm:ss LEVEL step message'.",
      "The log stream of each task comes from the log link the job put in its result (logLink)"
          + " or failure cause (' | logs: <link>'); for a task still running or timed out, from"
          + " the ECS task the state started (log group /<prefix without its hyphen>/jobs/<job>,"
          + " stream job/<job>/<task id>).",
      "Exit 0; 2 for an execution that does not exist."
    })
final class LogsCommand extends OperatorCommand {
  private static final String LINK_MARK = " | logs: ";
  private static final String LINK_PATH = "#logsV2:log-groups/log-group/";
  private static final String LINK_EVENTS = "/log-events/";

  @Parameters(
      index = "0",
      paramLabel = "<execution-arn>",
      description = "The execution, as 'run' printed it or 'status --json' gives it.")
  String executionArn;

  @Option(
      names = "--step",
      paramLabel = "<state>",
      description = "Only this state's tasks (its name in the state machine: 'Restore Aurora').")
  String step;

  @Option(
      names = "--follow",
      description = "Keep reading new lines until the execution has ended and no more come.")
  boolean follow;

  @Option(
      names = "--poll-interval",
      hidden = true,
      defaultValue = "5s",
      converter = DurationConverter.class)
  Duration pollInterval;

  /** One attempt of a task state: its ECS task, outcome and where its log lines are. */
  private static final class TaskRun {
    final String state;
    final long order;
    String outcome = "running";
    String why;
    String logGroup;
    String logStream;
    boolean fromLink;
    String token;
    String shownOutcome;
    final List<ObjectNode> lines = new ArrayList<>();

    TaskRun(String state, long order) {
      this.state = state;
      this.order = order;
    }

    boolean failed() {
      return outcome.equals("failed") || outcome.equals("timed out");
    }

    String heading() {
      return "== "
          + state
          + ": "
          + outcome
          + (why == null || why.isEmpty() ? "" : ": " + why)
          + (logGroup == null ? " (no log stream known)" : "");
    }
  }

  private final Map<Long, TaskRun> runOfEvent = new HashMap<>();
  private final Map<Long, String> stateOfEvent = new HashMap<>();
  private final Set<TaskRun> runs = new LinkedHashSet<>();
  private final Set<String> states = new LinkedHashSet<>();
  private long lastEvent;
  private boolean printed;

  @Override
  protected int execute(Session session) throws Exception {
    String region = StopCommand.region(options, executionArn);
    SfnClient sfn = session.sfn(region);
    CloudWatchLogsClient logs = session.logs(region);
    DescribeExecutionResponse execution = StopCommand.describe(sfn, executionArn);
    while (true) {
      readHistory(sfn);
      boolean ended =
          execution.status() != ExecutionStatus.RUNNING
              && execution.status() != ExecutionStatus.PENDING_REDRIVE;
      if (step != null && !states.contains(step) && (!follow || ended)) {
        throw JobException.invalidInput(
            "no task state '"
                + step
                + "' ran in execution "
                + execution.name()
                + (states.isEmpty() ? "" : "; its task states: " + String.join(", ", states)));
      }
      int added = 0;
      for (TaskRun run : shown()) {
        added += readLines(session, logs, run);
      }
      if (!follow || (ended && added == 0)) {
        break;
      }
      session.sleeper.sleep(pollInterval);
      execution = sfn.describeExecution(b -> b.executionArn(executionArn));
    }
    if (options.json) {
      printJson(session, execution);
    } else if (shown().isEmpty()) {
      session.out.println(
          "no ECS task ran in execution "
              + execution.name()
              + " ("
              + execution.statusAsString()
              + ")");
    }
    session.out.flush();
    return ExitCode.DONE.code();
  }

  /** The task runs to show: failed first, then in the order they started; --step only its own. */
  private List<TaskRun> shown() {
    return runs.stream()
        .filter(r -> step == null || r.state.equals(step))
        .sorted(Comparator.comparing((TaskRun r) -> !r.failed()).thenComparingLong(r -> r.order))
        .toList();
  }

  /** Pages through the history (nextToken), taking in the events not seen before. */
  private void readHistory(SfnClient sfn) {
    String token = null;
    long newest = lastEvent;
    do {
      String next = token;
      GetExecutionHistoryResponse page =
          sfn.getExecutionHistory(
              b -> b.executionArn(executionArn).maxResults(1000).nextToken(next));
      for (HistoryEvent e : page.events()) {
        if (e.id() > lastEvent) {
          newest = Math.max(newest, e.id());
          take(e);
        }
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    lastEvent = newest;
  }

  private void take(HistoryEvent e) {
    String state =
        e.stateEnteredEventDetails() != null
            ? e.stateEnteredEventDetails().name()
            : stateOfEvent.get(e.previousEventId());
    if (state != null) {
      stateOfEvent.put(e.id(), state);
    }
    TaskRun run = runOfEvent.get(e.previousEventId());
    switch (e.type()) {
      case TASK_SCHEDULED -> {
        // Each attempt (a Retry schedules the task again) is its own ECS task and log stream.
        if (state != null && "ecs".equals(e.taskScheduledEventDetails().resourceType())) {
          run = new TaskRun(state, e.id());
          states.add(state);
          runs.add(run);
        } else {
          run = null;
        }
      }
      case TASK_SUBMITTED -> {
        if (run != null && run.logGroup == null) {
          fromTask(run, e.taskSubmittedEventDetails().output());
        }
      }
      case TASK_SUCCEEDED -> {
        if (run != null) {
          run.outcome = "succeeded";
          fromLink(run, Text.json(e.taskSucceededEventDetails().output()).path("logLink").asText());
        }
      }
      case TASK_FAILED -> {
        if (run != null) {
          String cause = e.taskFailedEventDetails().cause();
          run.outcome = "failed";
          run.why = failure(e.taskFailedEventDetails().error(), cause);
          if (cause != null && cause.contains(LINK_MARK)) {
            fromLink(run, cause.substring(cause.lastIndexOf(LINK_MARK) + LINK_MARK.length()));
          }
        }
      }
      case TASK_TIMED_OUT -> {
        if (run != null) {
          run.outcome = "timed out";
          run.why =
              failure(e.taskTimedOutEventDetails().error(), e.taskTimedOutEventDetails().cause());
        }
      }
      default -> {}
    }
    if (run != null) {
      runOfEvent.put(e.id(), run);
    }
  }

  private static String failure(String error, String cause) {
    String c = cause == null ? "" : cause;
    int mark = c.lastIndexOf(LINK_MARK);
    String first = Text.firstLine(mark < 0 ? c : c.substring(0, mark));
    String err = error == null ? "" : error;
    if (first.isEmpty()) {
      return err;
    }
    return err.isEmpty() ? first : err + ": " + first;
  }

  /**
   * The log group and stream a job's log link names (TaskMetadata.logLink: the console's fragment,
   * URL-encoded twice with {@code %} written as {@code $}). Exact, so it wins over the ECS task.
   */
  private static void fromLink(TaskRun run, String link) {
    String l = link == null ? "" : link.trim();
    int path = l.indexOf(LINK_PATH);
    int events = l.indexOf(LINK_EVENTS, path + 1);
    if (path < 0 || events < 0) {
      return;
    }
    String group = consoleUnescape(l.substring(path + LINK_PATH.length(), events));
    String stream = consoleUnescape(l.substring(events + LINK_EVENTS.length()).split("\\s")[0]);
    if (!run.fromLink
        && (!Objects.equals(group, run.logGroup) || !Objects.equals(stream, run.logStream))) {
      run.token = null;
    }
    run.logGroup = group;
    run.logStream = stream;
    run.fromLink = true;
  }

  static String consoleUnescape(String value) {
    String once = URLDecoder.decode(value.replace("$", "%"), StandardCharsets.UTF_8);
    return URLDecoder.decode(once.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * The ECS task the state started (TaskSubmitted's output is the RunTask response): the ecs-job
   * module's awslogs options make its stream job/<container>/<task id> in /<name
   * prefix>/jobs/<job>, the container named after the job and the state machines after {@code <name
   * prefix>-}.
   */
  private void fromTask(TaskRun run, String output) {
    JsonNode task = Text.json(output).path("Tasks").path(0);
    String arn = task.path("TaskArn").asText("");
    String container = task.path("Containers").path(0).path("Name").asText("");
    if (arn.isEmpty() || container.isEmpty()) {
      return;
    }
    String prefix = options.prefix.replaceAll("-+$", "");
    run.logGroup = "/" + prefix + "/jobs/" + container;
    run.logStream = "job/" + container + "/" + arn.substring(arn.lastIndexOf('/') + 1);
  }

  /** Reads the run's new log events (nextForwardToken until it repeats); prints them. */
  private int readLines(Session session, CloudWatchLogsClient logs, TaskRun run) {
    if (!options.json && !run.outcome.equals(run.shownOutcome)) {
      if (printed) {
        session.out.println();
      }
      printed = true;
      session.out.println(run.heading());
      if (run.logGroup != null && run.shownOutcome == null) {
        session.out.println("   " + run.logGroup + " " + run.logStream);
      }
      run.shownOutcome = run.outcome;
    }
    if (run.logGroup == null) {
      return 0;
    }
    int added = 0;
    while (true) {
      String token = run.token;
      GetLogEventsResponse page;
      try {
        page =
            logs.getLogEvents(
                b ->
                    b.logGroupName(run.logGroup)
                        .logStreamName(run.logStream)
                        .startFromHead(true)
                        .nextToken(token));
      } catch (ResourceNotFoundException e) {
        // The task has not written its first line yet (or the logs expired).
        return added;
      }
      for (OutputLogEvent event : page.events()) {
        ObjectNode line = line(event);
        run.lines.add(line);
        added++;
        if (!options.json) {
          session.out.println(render(line, session));
        }
      }
      String next = page.nextForwardToken();
      if (next == null || next.equals(token)) {
        break;
      }
      run.token = next;
    }
    session.out.flush();
    return added;
  }

  /** A log event as JSON: the job's own fields when the line is JSON, else its text. */
  private static ObjectNode line(OutputLogEvent event) {
    JsonNode parsed = Text.json(event.message());
    ObjectNode line = Session.JSON.createObjectNode();
    if (event.timestamp() != null) {
      line.put("timestamp", Instant.ofEpochMilli(event.timestamp()).toString());
    }
    if (parsed.isObject() && parsed.has("message")) {
      line.setAll((ObjectNode) parsed);
    } else {
      line.put("text", event.message() == null ? "" : event.message().stripTrailing());
    }
    return line;
  }

  /** {@code HH:mm:ss LEVEL step message}; a line that was not JSON as it is. */
  private static String render(ObjectNode line, Session session) {
    if (line.has("text")) {
      return line.get("text").asText();
    }
    Instant at = instant(line.path("time").asText(line.path("timestamp").asText("")));
    String step = line.path("step").asText("");
    String error = line.path("error").asText("");
    return (at == null ? "--:--:--" : Text.time(at, session.clock.getZone(), "HH:mm:ss"))
        + " "
        + String.format(Locale.ROOT, "%-5s", line.path("level").asText(""))
        + (step.isEmpty() ? "" : " " + step)
        + " "
        + line.path("message").asText("")
        + (error.isEmpty() ? "" : System.lineSeparator() + "         " + error);
  }

  private static Instant instant(String s) {
    try {
      return s.isEmpty() ? null : Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private void printJson(Session session, DescribeExecutionResponse execution) throws Exception {
    ObjectNode result = Session.JSON.createObjectNode();
    result.put("executionArn", executionArn);
    result.put("status", execution.statusAsString());
    ArrayNode steps = result.putArray("steps");
    for (TaskRun run : shown()) {
      ObjectNode s = steps.addObject();
      s.put("state", run.state);
      s.put("outcome", run.outcome);
      if (run.why != null) {
        s.put("error", run.why);
      }
      s.put("logGroup", run.logGroup);
      s.put("logStream", run.logStream);
      s.putArray("lines").addAll(run.lines);
    }
    session.out.println(Session.JSON.writeValueAsString(result));
  }
}
