package io.dbrestore.operator;

import io.dbrestore.runtime.JobGroup;
import picocli.CommandLine.Command;

/** The operator's command line: {@code ./dbrestore run|status|stop}. */
@Command(
    name = "dbrestore",
    subcommands = {RunCommand.class, StatusCommand.class, StopCommand.class},
    description = {
      "Start, watch and stop the pipelines' runs (Step Functions executions and their ECS tasks)"
          + " with your own AWS credentials.",
      "",
      "'run' starts a pipeline with typed, validated input; 'status' shows the last runs; 'stop'"
          + " stops a run and confirms its tasks stopped."
    })
public final class Operator extends JobGroup {
  public static OperatorMain entryPoint() {
    return new OperatorMain();
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
