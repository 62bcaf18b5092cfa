package io.dbrestore.demo;

import io.dbrestore.masking.cli.rules.RulesCommand;
import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/**
 * A job with the {@code rules} command among its subcommands, as a production image has it ({@code
 * <image> rules diff …}): the job runtime around it, the result as JSON on stdout.
 */
@Command(name = "app-job", subcommands = RulesCommand.class)
public final class RulesJob extends JobGroup {
  static JobMain entryPoint() {
    return new JobMain("app-job", RulesJob::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
