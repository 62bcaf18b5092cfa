package io.dbrestore.operator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbrestore.runtime.ExitCode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/** {@code status [<pipeline>]}: the last runs of each pipeline and why the failed ones failed. */
@Command(
    name = "status",
    description = {
      "The last runs of every pipeline (state machines named <prefix>*), or of one: name,"
          + " outcome, start, duration, and for a run that failed, timed out or was aborted its"
          + " error and the first line of its cause.",
      "For a restore pipeline, the snapshot each target (branch, microservice cluster) is on and"
          + " its age: from the newest of the last 20 runs that restored it (dry runs skipped),"
          + " the snapshot its job's result names, and when that snapshot was taken (the result,"
          + " RDS or EC2); unknown, with the reason, when that cannot be told."
    })
final class StatusCommand extends OperatorCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<pipeline>",
      description = "Only this pipeline (release, temporary, ...).")
  String pipeline;

  @Option(
      names = "--last",
      paramLabel = "<n>",
      defaultValue = "5",
      description = "How many runs of each pipeline. Default: 5.")
  int last;

  @Override
  protected int execute(Session session) throws Exception {
    if (last < 1 || last > 1000) {
      throw io.dbrestore.runtime.error.JobException.invalidInput(
          "--last must be between 1 and 1000, got " + last);
    }
    SfnClient sfn = session.sfn(options.region);
    List<StateMachineListItem> machines =
        pipeline == null
            ? Pipelines.list(sfn, options.prefix)
            : List.of(Pipelines.find(sfn, options.prefix, pipeline));
    ArrayNode all = Session.JSON.createArrayNode();
    Map<String, DescribeExecutionResponse> described = new HashMap<>();
    SnapshotAges ages =
        new SnapshotAges(
            sfn,
            () -> session.rds(options.region),
            () -> session.ec2(options.region),
            session.clock.instant(),
            described);
    if (machines.isEmpty() && !options.json) {
      session.out.println(
          "no state machine named "
              + options.prefix
              + "* in "
              + sfn.serviceClientConfiguration().region().id());
    }
    for (StateMachineListItem machine : machines) {
      ObjectNode m = all.addObject();
      m.put("pipeline", Pipelines.name(machine, options.prefix));
      m.put("stateMachineArn", machine.stateMachineArn());
      ArrayNode runs = m.putArray("executions");
      List<ExecutionListItem> executions =
          sfn.listExecutions(b -> b.stateMachineArn(machine.stateMachineArn()).maxResults(last))
              .executions();
      if (!options.json) {
        session.out.println(Pipelines.name(machine, options.prefix) + " (" + machine.name() + ")");
        if (executions.isEmpty()) {
          session.out.println("  no runs");
        }
      }
      for (ExecutionListItem e : executions) {
        ObjectNode r = runs.addObject();
        Instant end = e.stopDate() == null ? session.clock.instant() : e.stopDate();
        Duration took = Duration.between(e.startDate(), end);
        r.put("name", e.name());
        r.put("executionArn", e.executionArn());
        r.put("status", e.statusAsString());
        r.put("startDate", e.startDate().toString());
        if (e.stopDate() != null) {
          r.put("stopDate", e.stopDate().toString());
        }
        r.put("durationSeconds", took.toSeconds());
        String why = null;
        if (e.status() == ExecutionStatus.FAILED
            || e.status() == ExecutionStatus.TIMED_OUT
            || e.status() == ExecutionStatus.ABORTED) {
          DescribeExecutionResponse d =
              described.computeIfAbsent(
                  e.executionArn(), arn -> sfn.describeExecution(b -> b.executionArn(arn)));
          if (d.error() != null) {
            r.put("error", d.error());
          }
          if (d.cause() != null) {
            r.put("cause", Text.firstLine(d.cause()));
          }
          why =
              (d.error() == null ? "" : d.error())
                  + (d.cause() == null || d.cause().isBlank()
                      ? ""
                      : (d.error() == null ? "" : ": ") + Text.firstLine(d.cause()));
        }
        if (!options.json) {
          session.out.println(
              String.format(
                  Locale.ROOT,
                  "  %-10s %s  %-8s %s",
                  e.statusAsString(),
                  Text.time(e.startDate(), session.clock.getZone(), "yyyy-MM-dd HH:mm"),
                  Text.duration(took) + (e.stopDate() == null ? "+" : ""),
                  e.name()));
          if (why != null && !why.isEmpty()) {
            session.out.println("             " + why);
          }
        }
      }
      if (Pipelines.workflow(Pipelines.name(machine, options.prefix)).equals("restore")) {
        targets(session, m, ages.of(machine.stateMachineArn()));
      }
    }
    if (options.json) {
      session.out.println(Session.JSON.writeValueAsString(all));
    }
    return ExitCode.DONE.code();
  }

  /** The snapshot each target is on and its age, in the pipeline's object and as lines. */
  private void targets(Session session, ObjectNode pipeline, List<SnapshotAges.Target> targets) {
    ArrayNode json = pipeline.putArray("targets");
    for (SnapshotAges.Target t : targets) {
      ObjectNode n = json.addObject();
      n.put("target", t.target());
      n.put("branch", t.branch());
      n.put("snapshot", t.snapshot());
      n.put(
          "snapshotCreatedAt",
          t.snapshotCreatedAt() == null ? null : t.snapshotCreatedAt().toString());
      if (t.age() == null) {
        n.putNull("snapshotAgeSeconds");
      } else {
        n.put("snapshotAgeSeconds", t.age().toSeconds());
      }
      n.put("restoredBy", t.restoredBy());
      n.put("restoredAt", t.restoredAt() == null ? null : t.restoredAt().toString());
      n.put("unknown", t.unknown());
    }
    if (options.json) {
      return;
    }
    if (targets.isEmpty()) {
      session.out.println(
          "  snapshot age: unknown (none of the last "
              + SnapshotAges.RUNS
              + " runs restored a target)");
      return;
    }
    int width = targets.stream().mapToInt(t -> t.target().length()).max().orElse(0);
    session.out.println("  snapshot each target is on:");
    for (SnapshotAges.Target t : targets) {
      String what;
      if (t.age() != null) {
        what =
            String.format(Locale.ROOT, "%-9s", Text.duration(t.age()) + " old")
                + " "
                + t.snapshot()
                + " (taken "
                + Text.time(t.snapshotCreatedAt(), session.clock.getZone(), "yyyy-MM-dd HH:mm")
                + ", restored by "
                + t.restoredBy()
                + ")";
      } else {
        what =
            "unknown   "
                + t.unknown()
                + (t.snapshot() == null ? "" : " (snapshot " + t.snapshot() + ")");
      }
      session.out.println(
          "    " + String.format(Locale.ROOT, "%-" + width + "s", t.target()) + "  " + what);
    }
  }
}
