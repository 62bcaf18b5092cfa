package io.dbrestore.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.cli.DurationConverter;
import io.dbrestore.runtime.error.JobException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/** {@code run <pipeline>}: starts a pipeline with validated input and, with --wait, follows it. */
@Command(
    name = "run",
    description = {
      "Start a pipeline's state machine (<prefix><pipeline>) with input built from the typed"
          + " flags and --input-json, validated first against the same schema the state machine"
          + " enforces (terraform/modules/pipeline/inputs): every problem is listed and nothing"
          + " starts. Prints the execution ARN and its console link.",
      "Pipelines: develop, edge, report, release (and any other restore target) take the restore"
          + " input; temporary, teardown and masked-snapshots their own. Each typed flag says"
          + " which workflows take it.",
      "With --wait: on a terminal, a live view of each branch (Parallel branch, Map item): its"
          + " current step, running, done or failed with its error, and the time of each step and"
          + " of the run; otherwise (or with --plain) one line per step entered, succeeded or"
          + " failed. Then the run's exit code"
          + " (0 succeeded; a failed run's error when it is an exit-code name such as REFUSED,"
          + " else 1; 6 aborted; 4 timed out)."
    })
final class RunCommand extends OperatorCommand {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "<pipeline>",
      description = "develop, edge, report, release, temporary, teardown, masked-snapshots, ...")
  String pipeline;

  @Option(
      names = "--input-json",
      paramLabel = "<json>",
      description = "The input as a JSON object; typed flags override its keys.")
  String inputJson;

  @Mixin Follow follow = new Follow();

  /** --wait and its poll interval: run, and the temp commands that start a pipeline. */
  static final class Follow {
    @Option(names = "--wait", description = "Follow the execution until it ends.")
    boolean wait;

    @Option(
        names = "--plain",
        description =
            "With --wait on a terminal: one line per step entered, succeeded or failed (as when"
                + " the output is not a terminal) instead of the live view of each branch.")
    boolean plain;

    @Option(
        names = "--poll-interval",
        hidden = true,
        defaultValue = "5s",
        converter = DurationConverter.class)
    Duration pollInterval;
  }

  @Override
  protected int execute(Session session) throws Exception {
    InputSchema schema = InputSchema.load(Pipelines.workflow(pipeline));
    ObjectNode input = input(schema, session);
    return start(session, options, pipeline, input, follow);
  }

  /**
   * Starts {@code pipeline} with {@code input}, already validated, prints the execution and its
   * console link and, with {@code wait}, follows it to its exit code: {@code run}, and the commands
   * that run a pipeline for the operator ({@code temp create}, {@code temp delete}).
   */
  static int start(
      Session session, OperatorOptions options, String pipeline, ObjectNode input, Follow follow)
      throws Exception {
    String workflow = Pipelines.workflow(pipeline);
    SfnClient sfn = session.sfn(options.region);
    StateMachineListItem machine = Pipelines.find(sfn, options.prefix, pipeline);
    String name =
        "manual-"
            + session.user()
            + "-"
            + Text.time(session.clock.instant(), java.time.ZoneOffset.UTC, "yyyyMMdd-HHmmss");
    String body = Session.JSON.writeValueAsString(input);
    StartExecutionResponse started =
        sfn.startExecution(
            b -> b.stateMachineArn(machine.stateMachineArn()).name(name).input(body));
    String arn = started.executionArn();
    String link = Text.consoleLink(arn);
    ObjectNode result = Session.JSON.createObjectNode();
    result.put("pipeline", pipeline);
    result.put("workflow", workflow);
    result.put("stateMachineArn", machine.stateMachineArn());
    result.put("executionArn", arn);
    result.put("name", name);
    result.put("consoleUrl", link);
    result.set("input", input);
    if (!options.json) {
      session.out.println("started " + machine.name() + " (" + workflow + "): " + name);
      session.out.println("  execution: " + arn);
      session.out.println("  console:   " + link);
      session.out.flush();
    }
    if (!follow.wait) {
      if (options.json) {
        session.out.println(Session.JSON.writeValueAsString(result));
      }
      return ExitCode.DONE.code();
    }
    ExecutionWatch watch =
        new ExecutionWatch(sfn, session, options.json ? null : session.out, follow.pollInterval);
    if (session.terminal && !options.json && !follow.plain) {
      watch.live(session.out, machine.name() + " " + name, session.columns());
    }
    ExecutionWatch.Outcome outcome = watch.watch(arn);
    ExitCode code = outcome.exitCode();
    if (options.json) {
      result.put("status", outcome.status());
      result.put("exitCode", code.code());
      if (outcome.error() != null) {
        result.put("error", outcome.error());
      }
      if (outcome.cause() != null) {
        result.put("cause", Text.firstLine(outcome.cause()));
      }
      session.out.println(Session.JSON.writeValueAsString(result));
    }
    if (code == ExitCode.DONE) {
      return code.code();
    }
    throw new JobException(
        code,
        "execution-" + outcome.status().toLowerCase(java.util.Locale.ROOT),
        "execution "
            + name
            + " "
            + outcome.status()
            + (outcome.error() == null ? "" : " (" + outcome.error() + ")")
            + (outcome.cause() == null || outcome.cause().isBlank()
                ? ""
                : ": " + Text.firstLine(outcome.cause()))
            + " | "
            + link);
  }

  /** The run input from --input-json and the typed flags; exit 2 listing every problem. */
  private ObjectNode input(InputSchema schema, Session session) {
    List<String> problems = new ArrayList<>();
    Map<String, String> labels = new HashMap<>();
    ObjectNode input = Session.JSON.createObjectNode();
    if (inputJson != null) {
      JsonNode given;
      try {
        given = Session.JSON.readTree(inputJson);
      } catch (JsonProcessingException e) {
        throw JobException.invalidInput(
            "--input-json is not JSON: " + Text.firstLine(e.getOriginalMessage()));
      }
      if (given == null || !given.isObject()) {
        throw JobException.invalidInput(
            "--input-json must be a JSON object such as '{\"dryRun\": true}', got "
                + (given == null ? "nothing" : given.getNodeType().name().toLowerCase()));
      }
      input.setAll((ObjectNode) given);
    }
    input.setAll(
        InputFlags.read(
            spec.commandLine().getParseResult(),
            pipeline,
            schema,
            InputSchema.all(),
            problems,
            labels));
    problems.addAll(schema.validate(input, labels));
    if (!problems.isEmpty()) {
      throw JobException.invalidInput(String.join("\n", problems));
    }
    return input;
  }
}
