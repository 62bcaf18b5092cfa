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
