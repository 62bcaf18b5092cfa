package io.dbrestore.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The live view of a run on a terminal: each branch (a Parallel state's branch, a Map state's item)
 * with its current step, the step's state and elapsed time, the run's total, and at the end the
 * outcome and exit code. A pure function of the execution's history events, the time and a spinner
 * tick: {@link #frame} is what {@code run --wait} redraws in place.
 *
 * <p>The history says nothing of branches directly; each event names the one before it ({@code
 * previousEventId}). An event whose previous event started a Parallel state begins a branch (named
 * after its first state, the branch's StartAt: Aurora, MongoDB, ...); a {@code MapIterationStarted}
 * begins a Map item ({@code Microservices[0]}, with the item's cluster when its first state's input
 * names one); every other event belongs to the branch of its previous event, except the end of a
 * Parallel or Map state, which belongs to the branch that entered it.
 */
final class ProgressView {
  static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  static final String DONE = "✓";
  static final String FAILED = "✗";

  private ProgressView() {}

  /** One state entered in a branch. */
  private static final class Step {
    final String name;
    final boolean task;
    final Instant entered;
    Instant exited;
    int attempts;
    String error;

    Step(String name, boolean task, Instant entered) {
      this.name = name;
      this.task = task;
      this.entered = entered;
    }
  }

  /** A Parallel or Map state while it runs: the branch that entered it and those it started. */
  private static final class Composite {
    final boolean map;
    final String name;
    final Lane lane;
    final List<Lane> children = new ArrayList<>();

    Composite(boolean map, String name, Lane lane) {
      this.map = map;
      this.name = name;
      this.lane = lane;
    }
  }

  /** The run itself, a branch of a Parallel state or an item of a Map state. */
  private static final class Lane {
    final String label;
    final Composite from;
    final List<Composite> composites = new ArrayList<>();
    Step last;
    Step lastTask;
    Step lastComposite;
    Step failedStep;
    Step pendingFailure;
    String itemName;
    boolean ended;
    boolean endedFailed;
    String endError;
    Instant start;
    Instant end;

    Lane(String label, Composite from) {
      this.label = label;
      this.from = from;
    }

    Step shown() {
      if (failedStep != null) {
        return failedStep;
      }
      if (lastTask != null) {
        return lastTask;
      }
      // A Parallel or Map state rather than the Pass and Choice states that sum it up after.
      return lastComposite != null ? lastComposite : last;
    }
  }

  /**
   * The frame for the events so far, at {@code now}: a heading, one row per branch, indented under
   * the step that started it, and once the execution ended, its outcome and exit code.
   *
   * @param title what the heading names, such as {@code dbrestore-release
   *     manual-alice-20261201-143000}
   * @param tick the spinner's position (one more per redraw)
   */
  static List<String> frame(String title, List<HistoryEvent> events, Instant now, int tick) {
    Lane main = new Lane(null, null);
    Map<Long, Lane> laneOf = new HashMap<>();
    Map<Long, Composite> parallelStarted = new HashMap<>();
    Map<String, Lane> items = new HashMap<>();
    Map<String, Composite> openMaps = new HashMap<>();
    Instant started = null;
    ExecutionWatch.Outcome outcome = null;
    Instant ended = null;
    for (HistoryEvent e : events) {
      Instant at = e.timestamp() == null ? now : e.timestamp();
      if (started == null) {
        started = at;
      }
      Lane prev = laneOf.getOrDefault(e.previousEventId(), main);
      Lane lane = prev;
      Composite parallel = parallelStarted.get(e.previousEventId());
      if (parallel != null && e.stateEnteredEventDetails() != null) {
        // The first state of a Parallel branch: a new branch, named after it.
        lane = new Lane(e.stateEnteredEventDetails().name(), parallel);
        lane.start = at;
        parallel.children.add(lane);
      }
      switch (e.type()) {
        case PARALLEL_STATE_STARTED -> {
          Composite c = new Composite(false, stateName(prev), prev);
          prev.composites.add(c);
          parallelStarted.put(e.id(), c);
        }
        case MAP_STATE_STARTED -> {
          Composite c = new Composite(true, stateName(prev), prev);
          prev.composites.add(c);
          openMaps.put(c.name, c);
        }
        case MAP_ITERATION_STARTED -> {
          String map = e.mapIterationStartedEventDetails().name();
          Integer index = e.mapIterationStartedEventDetails().index();
          Composite c = openMaps.get(map);
          if (c == null) {
            c = new Composite(true, map, prev);
            prev.composites.add(c);
            openMaps.put(map, c);
          }
          lane = new Lane(map + "[" + index + "]", c);
          lane.start = at;
          c.children.add(lane);
          items.put(map + "#" + index, lane);
        }
        case MAP_ITERATION_SUCCEEDED, MAP_ITERATION_FAILED, MAP_ITERATION_ABORTED -> {
          var d =
              e.mapIterationSucceededEventDetails() != null
                  ? e.mapIterationSucceededEventDetails()
                  : e.mapIterationFailedEventDetails() != null
                      ? e.mapIterationFailedEventDetails()
                      : e.mapIterationAbortedEventDetails();
          Lane item = d == null ? null : items.get(d.name() + "#" + d.index());
          if (item != null) {
            lane = item;
            item.ended = true;
            item.end = at;
            item.endedFailed = e.type() != HistoryEventType.MAP_ITERATION_SUCCEEDED;
            if (item.endedFailed && item.endError == null) {
              item.endError =
                  e.type() == HistoryEventType.MAP_ITERATION_ABORTED ? "aborted" : "failed";
            }
          }
        }
        case PARALLEL_STATE_SUCCEEDED,
            PARALLEL_STATE_FAILED,
            PARALLEL_STATE_ABORTED,
            MAP_STATE_SUCCEEDED,
            MAP_STATE_FAILED,
            MAP_STATE_ABORTED -> {
          boolean map =
              e.type() == HistoryEventType.MAP_STATE_SUCCEEDED
                  || e.type() == HistoryEventType.MAP_STATE_FAILED
                  || e.type() == HistoryEventType.MAP_STATE_ABORTED;
          Composite c = enclosing(prev, map);
          if (c != null) {
            lane = c.lane;
            for (Lane child : c.children) {
              if (!child.ended) {
                child.ended = true;
                child.end = at;
              }
            }
            if (map) {
              openMaps.remove(c.name);
            }
          }
        }
        case EXECUTION_SUCCEEDED -> {
          outcome = new ExecutionWatch.Outcome("SUCCEEDED", null, null);
          ended = at;
        }
        case EXECUTION_FAILED -> {
          outcome =
              new ExecutionWatch.Outcome(
                  "FAILED",
                  e.executionFailedEventDetails().error(),
                  e.executionFailedEventDetails().cause());
          ended = at;
        }
        case EXECUTION_ABORTED -> {
          outcome =
              new ExecutionWatch.Outcome(
                  "ABORTED",
                  e.executionAbortedEventDetails() == null
                      ? null
                      : e.executionAbortedEventDetails().error(),
                  e.executionAbortedEventDetails() == null
                      ? null
                      : e.executionAbortedEventDetails().cause());
          ended = at;
        }
        case EXECUTION_TIMED_OUT -> {
          outcome =
              new ExecutionWatch.Outcome(
                  "TIMED_OUT",
                  e.executionTimedOutEventDetails() == null
                      ? null
                      : e.executionTimedOutEventDetails().error(),
                  e.executionTimedOutEventDetails() == null
                      ? null
                      : e.executionTimedOutEventDetails().cause());
          ended = at;
        }
        default -> {}
      }
      laneOf.put(e.id(), lane);
      apply(e, lane, at);
    }
    return render(title, main, started, ended, outcome, now, tick);
  }

  /** What one event changes in its branch's steps. */
  private static void apply(HistoryEvent e, Lane lane, Instant at) {
    switch (e.type()) {
      case EXECUTION_SUCCEEDED, EXECUTION_FAILED, EXECUTION_ABORTED, EXECUTION_TIMED_OUT ->
          settleFailure(lane);
      default -> {}
    }
    if (e.stateEnteredEventDetails() != null) {
      settleFailure(lane);
      boolean task = e.type() == HistoryEventType.TASK_STATE_ENTERED;
      Step s = new Step(e.stateEnteredEventDetails().name(), task, at);
      if (lane.last == null && lane.from != null && lane.from.map) {
        String item = itemName(e.stateEnteredEventDetails().input());
        if (item != null) {
          lane.itemName = item;
        }
      }
      lane.last = s;
      if (task) {
        lane.lastTask = s;
      }
      if (e.type() == HistoryEventType.PARALLEL_STATE_ENTERED
          || e.type() == HistoryEventType.MAP_STATE_ENTERED) {
        lane.lastComposite = s;
      }
      if (lane.start == null) {
        lane.start = at;
      }
      return;
    }
    if (e.stateExitedEventDetails() != null) {
      settleFailure(lane);
      if (lane.last != null && lane.last.name.equals(e.stateExitedEventDetails().name())) {
        lane.last.exited = at;
      }
      for (Step s : new Step[] {lane.lastTask, lane.lastComposite}) {
        if (s != null && s.exited == null && s.name.equals(e.stateExitedEventDetails().name())) {
          s.exited = at;
        }
      }
      return;
    }
    Step task = lane.lastTask;
    if (task == null) {
      return;
    }
    switch (e.type()) {
      case TASK_SCHEDULED -> {
        task.attempts++;
        task.error = null;
        task.exited = null;
        lane.pendingFailure = null;
      }
      case TASK_SUCCEEDED -> {
        if (task.exited == null) {
          task.exited = at;
        }
      }
      case TASK_FAILED -> taskFailed(lane, task, e.taskFailedEventDetails().error(), at);
      case TASK_TIMED_OUT -> taskFailed(lane, task, e.taskTimedOutEventDetails().error(), at);
      default -> {}
    }
  }

  /** A task failure followed by anything but a retry is the step's end. */
  private static void settleFailure(Lane lane) {
    if (lane.pendingFailure != null) {
      lane.failedStep = lane.pendingFailure;
      lane.pendingFailure = null;
    }
  }

  private static void taskFailed(Lane lane, Step task, String error, Instant at) {
    task.error = error == null || error.isBlank() ? "failed" : error;
    task.exited = at;
    // Final unless the state retries it (a TaskScheduled of the same state comes next): the
    // state's catcher enters another state, which marks it below.
    lane.pendingFailure = task;
  }

  /** The Parallel (or Map) state a branch ends in: the nearest one enclosing {@code lane}. */
  private static Composite enclosing(Lane lane, boolean map) {
    for (Lane l = lane; l != null && l.from != null; l = l.from.lane) {
      if (l.from.map == map) {
        return l.from;
      }
    }
    // Ended before any branch started: the newest one the lane entered.
    for (int i = lane.composites.size() - 1; i >= 0; i--) {
      if (lane.composites.get(i).map == map) {
        return lane.composites.get(i);
      }
    }
    return null;
  }

  private static String stateName(Lane lane) {
    return lane.last == null ? "?" : lane.last.name;
  }

  /** A Map item's name: {@code cluster.cluster} (or {@code cluster}) of its input, if a name. */
  static String itemName(String input) {
    JsonNode in = Text.json(input);
    JsonNode cluster = in.path("cluster");
    JsonNode name = cluster.isObject() ? cluster.path("cluster") : cluster;
    if (name.isTextual() && name.asText().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      return name.asText();
    }
    return null;
  }

  private static List<String> render(
      String title,
      Lane main,
      Instant started,
      Instant ended,
      ExecutionWatch.Outcome outcome,
      Instant now,
      int tick) {
    List<String> out = new ArrayList<>();
    String spinner = SPINNER[Math.floorMod(tick, SPINNER.length)];
    Duration total =
        started == null ? Duration.ZERO : Duration.between(started, ended == null ? now : ended);
    String state =
        outcome == null
            ? spinner + " running"
            : (outcome.status().equals("SUCCEEDED") ? DONE : FAILED)
                + " "
                + outcome.status().toLowerCase(Locale.ROOT).replace('_', ' ');
    out.add(title + "  " + state + "  " + Text.duration(total));
    List<String[]> rows = new ArrayList<>();
    rows(main, 1, ended, outcome, now, spinner, rows);
    int width = 0;
    for (String[] r : rows) {
      width = Math.max(width, r[0].length());
    }
    for (String[] r : rows) {
      out.add(pad(r[0], width) + "  " + r[1]);
    }
    if (outcome != null) {
      String why =
          (outcome.error() == null ? "" : " (" + outcome.error() + ")")
              + (outcome.cause() == null || outcome.cause().isBlank()
                  ? ""
                  : ": " + Text.firstLine(outcome.cause()));
      out.add(
          "execution "
              + outcome.status()
              + why
              + " after "
              + Text.duration(total)
              + "; exit "
              + outcome.exitCode().code()
              + " ("
              + outcome.exitCode().name()
              + ")");
    }
    return out;
  }

  private static void rows(
      Lane lane,
      int depth,
      Instant ended,
      ExecutionWatch.Outcome outcome,
      Instant now,
      String spinner,
      List<String[]> rows) {
    Step step = lane.shown();
    if (lane.label != null || step != null) {
      String name;
      if (lane.label == null) {
        name = step.name;
      } else {
        String label = lane.itemName == null ? lane.label : lane.label + " " + lane.itemName;
        name = step == null || step.name.equals(lane.label) ? label : label + " › " + step.name;
      }
      rows.add(
          new String[] {
            "  ".repeat(depth) + name, status(lane, step, ended, outcome, now, spinner)
          });
    }
    for (Composite c : lane.composites) {
      for (Lane child : c.children) {
        rows(child, depth + 1, ended, outcome, now, spinner, rows);
      }
    }
  }

  private static String status(
      Lane lane,
      Step step,
      Instant ended,
      ExecutionWatch.Outcome outcome,
      Instant now,
      String spinner) {
    if (step == null) {
      return lane.ended ? DONE : spinner;
    }
    Instant end = step.exited != null ? step.exited : lane.end != null ? lane.end : ended;
    boolean finished = outcome != null || lane.ended || lastExited(lane);
    Duration took = Duration.between(step.entered, end == null ? now : end);
    if (lane.failedStep != null) {
      return FAILED + " " + Text.duration(took) + "  " + lane.failedStep.error;
    }
    if (lane.endedFailed) {
      return FAILED + " " + Text.duration(took) + "  " + lane.endError;
    }
    if (lane.label == null && outcome != null && !outcome.status().equals("SUCCEEDED")) {
      return FAILED
          + " "
          + Text.duration(took)
          + "  "
          + (outcome.error() == null ? outcome.status() : outcome.error());
    }
    if (finished) {
      return DONE + " " + Text.duration(took);
    }
    String s = spinner + " " + Text.duration(took);
    if (step.error != null) {
      s += "  retrying after " + step.error;
    } else if (step.attempts > 1) {
      s += "  attempt " + step.attempts;
    }
    return s;
  }

  /** The branch's last state has exited and none came after: it reached its end. */
  private static boolean lastExited(Lane lane) {
    return lane.label != null && lane.last != null && lane.last.exited != null;
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
