package io.dbrestore.operator;

import io.dbrestore.masking.cli.rules.RulesCommand;
import io.dbrestore.runtime.JobGroup;
import picocli.CommandLine.Command;

/** The operator's command line: {@code ./dbrestore run|status|logs|stop|temp|rules}. */
@Command(
    name = "dbrestore",
    subcommands = {
      RunCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      StopCommand.class,
      TempCommand.class,
      RulesCommand.class
    },
    description = {
      "Start, watch, read the logs of and stop the pipelines' runs (Step Functions executions and"
          + " their ECS tasks), and manage temporary databases, with your own AWS credentials.",
      "",
      "'run' starts a pipeline with typed, validated input; 'status' shows the last runs; 'logs'"
          + " shows a run's log lines; 'stop' stops a run and confirms its tasks stopped; 'temp'"
          + " creates, lists, extends and deletes temporary databases; 'rules' checks a rules file"
          + " and compares it with a database (the patch declaring what it misses)."
    })
public final class Operator extends JobGroup {
  public static OperatorMain entryPoint() {
    return new OperatorMain();
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
