package io.dbrestore.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobMain;
import org.junit.jupiter.api.Test;

/** What every job program must do on its command line; each job module runs it. */
public abstract class JobCliContract {
  protected abstract JobMain entryPoint();

  protected abstract String jobName();

  @Test
  void help_listsTheExitCodes() {
    Run run = Run.of(entryPoint(), "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: " + jobName()).contains("Exit codes:");
    for (ExitCode code : ExitCode.values()) {
      assertThat(run.out()).contains(code.name());
    }
  }

  @Test
  void everySubcommandsHelp_listsTheExitCodes() {
    Run top = Run.of(entryPoint(), "--help");
    String commands = top.out().substring(top.out().indexOf("Commands:"));
    assertThat(commands).contains("preflight");

    Run run = Run.of(entryPoint(), "preflight", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Exit codes:", "--dry-run", "--timeout", "--verbose");
  }

  @Test
  void thePreflightOfACommand_takesAllTheCommandsOptions() {
    Run top = Run.of(entryPoint(), "preflight", "--help");
    java.util.regex.Matcher commands =
        java.util.regex.Pattern.compile("(?m)^  ([a-z][a-z-]+)  ")
            .matcher(
                top.out().contains("Commands:")
                    ? top.out().substring(top.out().indexOf("Commands:"))
                    : "");
    while (commands.find()) {
      String command = commands.group(1);
      Run own = Run.of(entryPoint(), command, "--help");
      Run preflight = Run.of(entryPoint(), "preflight", command, "--help");

      assertThat(preflight.exitCode()).as(preflight.err()).isZero();
      assertThat(options(own.out())).as(command + " --help").contains("--target-allowlist");
      assertThat(options(preflight.out()))
          .as("preflight " + command + " --help")
          .containsAll(options(own.out()))
          .contains("--json", "--role-arn");
    }
  }

  private static java.util.Set<String> options(String help) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^\\s+(?:-\\w, )?(--[a-z][a-z-]*)").matcher(help);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void version_namesTheJob() {
    Run run = Run.of(entryPoint(), "--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith(jobName() + " ");
  }

  @Test
  void unknownFlag_exits2WithOneLine() {
    Run run = Run.of(entryPoint(), "--no-such-flag");

    assertThat(run.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith(jobName() + ": unknown option '--no-such-flag'");
  }

  @Test
  void noCommand_exits2() {
    Run run = Run.of(entryPoint());

    assertThat(run.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(run.err()).contains("missing command");
  }
}
