package io.dbrestore.operator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.cli.DurationConverter;
import io.dbrestore.runtime.error.JobException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** {@code stop <execution-arn>}: stops a run and confirms that its ECS tasks stopped. */
@Command(
    name = "stop",
    description = {
      "Stop an execution (StopExecution; one that already ended is left as it is) and confirm that"
          + " every ECS task it started has stopped: the pipelines start their tasks with"
          + " startedBy = the MD5 of the execution ARN, and the stop-tasks state machine stops them"
          + " (ECS sends SIGTERM; the job stops at its next safe point).",
      "Exit 0 when none is left running; 4 naming those still running (at once without --wait,"
          + " after the timeout with it)."
    })
final class StopCommand extends OperatorCommand {
  static final Pattern EXECUTION_ARN =
      Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:execution:[^:]+:[^:]+");

  /** The region of an execution (--region, else the ARN's); exit 2 for what is not an ARN. */
  static String region(OperatorOptions options, String executionArn) {
    if (!EXECUTION_ARN.matcher(executionArn).matches()) {
      throw JobException.invalidInput(
          "'"
              + executionArn
              + "' is not an execution ARN"
              + " (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)");
    }
    return options.region != null ? options.region : Text.region(executionArn);
  }

  /** The execution; exit 2 when this account and region have none of that ARN. */
  static DescribeExecutionResponse describe(SfnClient sfn, String executionArn) {
    try {
      return sfn.describeExecution(b -> b.executionArn(executionArn));
    } catch (ExecutionDoesNotExistException e) {
      throw JobException.invalidInput(
          "no execution " + executionArn + " (check the ARN, your AWS account and --region)");
    }
  }

  @Parameters(
      index = "0",
      paramLabel = "<execution-arn>",
      description = "The execution, as 'run' printed it or the console shows it.")
  String executionArn;

  @Option(names = "--wait", description = "Wait until the execution's tasks have stopped.")
  boolean wait;

  @Option(
      names = "--cluster",
      paramLabel = "<cluster>",
      defaultValue = "dbrestore",
      description =
          "The ECS cluster (name or ARN) the pipelines run their tasks in. Default:"
              + " dbrestore.")
  String cluster;

  @Option(
      names = "--timeout",
      hidden = true,
      defaultValue = "10m",
      converter = DurationConverter.class)
  Duration timeout;

  @Option(
      names = "--poll-interval",
      hidden = true,
      defaultValue = "5s",
      converter = DurationConverter.class)
  Duration pollInterval;

  @Override
  protected int execute(Session session) throws Exception {
    String region = region(options, executionArn);
    SfnClient sfn = session.sfn(region);
    DescribeExecutionResponse before = describe(sfn, executionArn);
    boolean stopped = false;
    if (before.status() == ExecutionStatus.RUNNING
        || before.status() == ExecutionStatus.PENDING_REDRIVE) {
      sfn.stopExecution(
          b ->
              b.executionArn(executionArn)
                  .error("dbrestore.Stopped")
                  .cause("stopped by " + session.user() + " with dbrestore stop"));
      stopped = true;
      say(session, "stopped execution " + before.name());
    } else {
      say(
          session,
          "execution "
              + before.name()
              + " already ended: "
              + before.statusAsString()
              + (before.stopDate() == null ? "" : " at " + before.stopDate()));
    }

    EcsClient ecs = session.ecs(region);
    String startedBy = startedBy(executionArn);
    Map<String, Task> tasks = new LinkedHashMap<>();
    Instant deadline = session.clock.instant().plus(timeout);
    while (true) {
      try {
        poll(session, ecs, startedBy, tasks);
      } catch (ClusterNotFoundException e) {
        throw JobException.invalidInput(
            "no ECS cluster "
                + cluster
                + " in "
                + region
                + ": pass the one the pipelines run their tasks in with --cluster");
      }
      List<Task> running =
          tasks.values().stream().filter(t -> !"STOPPED".equals(t.lastStatus())).toList();
      if (running.isEmpty()) {
        say(
            session,
            tasks.isEmpty()
                ? "no ECS task of this execution is running in cluster " + cluster
                : "all " + tasks.size() + " ECS task(s) of this execution have stopped");
        printJson(session, before, stopped, startedBy, tasks);
        return ExitCode.DONE.code();
      }
      boolean late = !session.clock.instant().isBefore(deadline);
      if (!wait || late) {
        printJson(session, before, stopped, startedBy, tasks);
        String names =
            String.join(
                ", ", running.stream().map(t -> id(t) + " (" + t.lastStatus() + ")").toList());
        throw JobException.timedOut(
            wait
                ? "ECS task(s) still running after "
                    + Text.duration(timeout)
                    + ": "
                    + names
                    + " in cluster "
                    + cluster
                : "ECS task(s) still running: "
                    + names
                    + " in cluster "
                    + cluster
                    + "; add --wait to wait until they stop");
      }
      session.sleeper.sleep(pollInterval);
    }
  }

  /**
   * Lists the execution's tasks ECS still counts as running or pending, and describes every task
   * seen so far that has not been seen STOPPED (a stopping task leaves the list before it stops).
   */
  private void poll(Session session, EcsClient ecs, String startedBy, Map<String, Task> tasks) {
    Set<String> check = new LinkedHashSet<>();
    ecs.listTasksPaginator(b -> b.cluster(cluster).startedBy(startedBy))
        .taskArns()
        .forEach(check::add);
    tasks.values().stream()
        .filter(t -> !"STOPPED".equals(t.lastStatus()))
        .forEach(t -> check.add(t.taskArn()));
    List<String> arns = new ArrayList<>(check);
    for (int i = 0; i < arns.size(); i += 100) {
      List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 100));
      DescribeTasksResponse described = ecs.describeTasks(b -> b.cluster(cluster).tasks(chunk));
      for (Task t : described.tasks()) {
        Task previous = tasks.put(t.taskArn(), t);
        if (previous == null || !Objects.equals(previous.lastStatus(), t.lastStatus())) {
          say(
              session,
              "task "
                  + id(t)
                  + (t.group() == null ? "" : " (" + t.group() + ")")
                  + ": "
                  + t.lastStatus()
                  + (t.stoppedReason() == null ? "" : " - " + t.stoppedReason()));
        }
      }
      // A task ECS no longer knows has long stopped.
      for (Failure f : described.failures()) {
        Task gone = Task.builder().taskArn(f.arn()).lastStatus("STOPPED").build();
        Task previous = tasks.put(f.arn(), gone);
        if (previous == null || !"STOPPED".equals(previous.lastStatus())) {
          say(session, "task " + id(gone) + ": gone (" + f.reason() + ")");
        }
      }
    }
  }

  private void printJson(
      Session session,
      DescribeExecutionResponse before,
      boolean stopped,
      String startedBy,
      Map<String, Task> tasks)
      throws Exception {
    if (!options.json) {
      return;
    }
    ObjectNode result = Session.JSON.createObjectNode();
    result.put("executionArn", executionArn);
    result.put("statusBefore", before.statusAsString());
    result.put("stopped", stopped);
    result.put("cluster", cluster);
    result.put("startedBy", startedBy);
    ArrayNode list = result.putArray("tasks");
    for (Task t : tasks.values()) {
      ObjectNode n = list.addObject();
      n.put("taskArn", t.taskArn());
      n.put("lastStatus", t.lastStatus());
      if (t.stoppedReason() != null) {
        n.put("stoppedReason", t.stoppedReason());
      }
    }
    session.out.println(Session.JSON.writeValueAsString(result));
  }

  private void say(Session session, String line) {
    if (!options.json) {
      session.out.println(line);
      session.out.flush();
    }
  }

  private static String id(Task t) {
    String arn = t.taskArn();
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  /** The tasks' startedBy: the lower-case hex MD5 of the execution ARN, as the pipelines set it. */
  static String startedBy(String executionArn) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(executionArn.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no MD5 in this Java runtime", e);
    }
  }
}
