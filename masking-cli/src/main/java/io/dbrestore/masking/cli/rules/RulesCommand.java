package io.dbrestore.masking.cli.rules;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.LocalOnly;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code rules check|diff}: the masking rules' own tooling. {@code check} validates a rules file
 * offline; {@code diff} compares the rules with a database, read-only, and prints the YAML patch
 * that declares what they miss.
 */
@Command(
    name = "rules",
    subcommands = {RulesCheckCommand.class, RulesDiffCommand.class},
    description = {
      "Check a rules file offline (check), or compare it with a database and print the patch that"
          + " declares what it misses (diff). See docs/rules.md."
    })
public final class RulesCommand extends JobGroup implements LocalOnly {
  /**
   * Runs {@code rules …} outside a job's runtime (tests, tools): parses {@code args} (without the
   * leading {@code rules}), runs the command with {@code host}, and maps a failure to its exit code
   * and one line on the host's stderr.
   */
  public static int runStandalone(RulesHost host, String... args) {
    CommandLine cli = new CommandLine(new RulesCommand());
    hideJobOptions(cli);
    cli.setOut(host.out());
    cli.setErr(host.err());
    cli.setExecutionStrategy(
        parsed -> {
          Integer help = CommandLine.executeHelpRequest(parsed);
          if (help != null) {
            return help;
          }
          ParseResult leaf = parsed;
          while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
          }
          Object command = leaf.commandSpec().userObject();
          try {
            if (command instanceof RulesHost.Standalone s) {
              return s.run(host);
            }
            return ((Callable<?>) command).call() instanceof Integer i ? i : 0;
          } catch (JobException e) {
            host.err().println(leaf.commandSpec().qualifiedName() + ": " + e.getMessage());
            host.err().flush();
            return e.exitCode().code();
          } catch (CommandLine.ParameterException e) {
            throw e;
          } catch (Exception e) {
            host.err()
                .println(
                    leaf.commandSpec().qualifiedName()
                        + ": unexpected "
                        + e.getClass().getSimpleName()
                        + ": "
                        + Redactor.redact(String.valueOf(e.getMessage())));
            host.err().flush();
            return ExitCode.FAULT.code();
          }
        });
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          host.err()
              .println(
                  ex.getCommandLine().getCommandSpec().qualifiedName()
                      + ": "
                      + ex.getMessage().replaceAll("[\\r\\n]+", " "));
          host.err().flush();
          return ExitCode.INVALID_INPUT.code();
        });
    return cli.execute(args);
  }

  /**
   * Hides the job runtime's options that mean nothing to a local command (as {@link
   * io.dbrestore.runtime.JobMain} does for {@link LocalOnly} commands).
   */
  public static void hideJobOptions(CommandLine cli) {
    var spec = cli.getCommandSpec();
    if (cli.getCommand() instanceof LocalOnly) {
      for (OptionSpec option : spec.options().toArray(new OptionSpec[0])) {
        if (LocalOnly.HIDDEN_OPTIONS.contains(option.longestName())
            || option.longestName().equals("--timeout")) {
          spec.remove(option);
          spec.addOption(option.toBuilder().hidden(true).build());
        }
      }
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      hideJobOptions(sub);
    }
  }
}
