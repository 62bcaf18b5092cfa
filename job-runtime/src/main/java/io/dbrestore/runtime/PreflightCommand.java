package io.dbrestore.runtime;

import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.preflight.Preflight;
import io.dbrestore.runtime.preflight.PreflightOptions;
import io.dbrestore.runtime.preflight.Preflighted;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code <job> preflight [<command> <its options>]}: checks, changing nothing, what a run needs.
 * Alone: which AWS account this is, what the safety guard allows in it, and whether Sentry, the
 * task token and the log link are set up. With one of the job's commands and that command's own
 * options ({@code aurora-restore preflight restore --cluster develop-app …}): also the permissions
 * of the calls that command makes, its targets and its inputs ({@link Preflighted}). Prints a
 * checklist on a terminal, JSON otherwise; exit 3 ({@code preflight-failed}) when a check failed.
 * Every job has it.
 */
@Command(
    name = "preflight",
    description = {
      "Check this deployment's configuration and AWS access; changes nothing.",
      "Alone: the AWS account, what the safety guard allows in it, and whether Sentry, the Step"
          + " Functions task token and the log link are set up. Followed by a command and that"
          + " command's options (e.g. 'preflight restore --cluster …'): also the permissions of"
          + " the calls the command makes, its targets and inputs.",
      "Prints a checklist on a terminal, JSON otherwise (--json, --text). Exit 0 when every check"
          + " passed or warned, 3 when one failed."
    })
public final class PreflightCommand extends JobCommand {
  @Mixin PreflightOptions options = new PreflightOptions();

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofMinutes(5);
  }

  @Override
  protected boolean emitsMetrics() {
    return false;
  }

  @Override
  protected Object execute(JobContext context) {
    return run(context, options, null, null);
  }

  static Object run(
      JobContext context, PreflightOptions options, String command, Preflighted checks) {
    context.step("preflight");
    try (Preflight preflight = Preflight.start(context, options, command)) {
      if (checks != null) {
        try {
          checks.preflight(preflight);
        } catch (JobException e) {
          if (e.exitCode() == ExitCode.INVALID_INPUT || e.exitCode() == ExitCode.FAULT) {
            // Options the command would reject: exit 2, as the command's own; a bug: exit 1.
            throw e;
          }
          preflight.failed("preflight of " + command, e.getMessage());
        } catch (Exception e) {
          preflight.check(
              "preflight of " + command,
              () -> {
                throw e;
              });
        }
      }
      return preflight.finish(context.run().job());
    }
  }

  /**
   * The {@code preflight} command of a job's command tree: for each of the job's commands that is
   * {@link Preflighted}, a subcommand of the same name with the same options that runs the
   * command's checks instead of the command.
   */
  static CommandLine commandLine(CommandLine job) {
    CommandLine preflight = new CommandLine(new PreflightCommand());
    for (Map.Entry<String, CommandLine> e : job.getSubcommands().entrySet()) {
      Object command = e.getValue().getCommandSpec().userObject();
      if (command instanceof JobCommand && command instanceof Preflighted) {
        preflight.addSubcommand(e.getKey(), new CommandLine(of(e.getKey(), command.getClass())));
      }
    }
    return preflight;
  }

  /** A fresh instance of the command, its options parsed into it, run as its preflight. */
  private static CommandSpec of(String name, Class<?> type) {
    Object fresh;
    try {
      fresh = CommandLine.defaultFactory().create(type);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a " + type.getName(), e);
    }
    JobCommand command = (JobCommand) fresh;
    CommandSpec original = CommandSpec.forAnnotatedObject(fresh);
    Of wrapper = new Of(name, command, (Preflighted) fresh);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(wrapper);
    for (OptionSpec option : original.options()) {
      spec.addOption(option.toBuilder().build());
    }
    for (PositionalParamSpec p : original.positionalParameters()) {
      spec.addPositional(p.toBuilder().build());
    }
    spec.addMixin("preflight", CommandSpec.forAnnotatedObject(wrapper.options));
    spec.usageMessage()
        .description(
            "Check, changing nothing, what '"
                + name
                + "' with these options needs: the"
                + " permissions of the calls it makes (iam:SimulatePrincipalPolicy, EC2 DryRun),"
                + " its targets and the managed tag, its inputs. Takes "
                + name
                + "'s options.",
            "Prints a checklist on a terminal, JSON otherwise. Exit 0 when every check passed or"
                + " warned, 3 (preflight-failed) when one failed.");
    return spec;
  }

  /** The preflight of one command: the command's options, its checks instead of its run. */
  static final class Of extends JobCommand {
    final String name;
    final Preflighted checks;
    final PreflightOptions options = new PreflightOptions();

    Of(String name, JobCommand command, Preflighted checks) {
      this.name = name;
      this.checks = checks;
      // The runtime reads the common options (allowlist, target, …) the command's parser fills.
      this.common = command.common;
    }

    @Override
    protected Duration defaultTimeout() {
      return Duration.ofMinutes(5);
    }

    @Override
    protected Object execute(JobContext context) {
      return run(context, options, name, checks);
    }
  }
}
