package io.dbrestore.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.FixtureJob;
import io.dbrestore.runtime.testing.Run;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobMainTest {
  private static final JobMain FIXTURE = FixtureJob.entryPoint();

  @Test
  void help_whenAsked_listsEveryExitCodeAndExitsZero() {
    Run run = Run.of(FIXTURE, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Exit codes:");
    for (ExitCode code : ExitCode.values()) {
      assertThat(run.out()).contains(code.code() + "   " + code.name());
    }
  }

  @Test
  void subcommandHelp_listsExitCodesAndEnvironmentVariables() {
    Run run = Run.of(FIXTURE, "delete-volume", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Exit codes:", "REFUSED", "Env: DBRESTORE_TARGET_ALLOWLIST", "--dry-run");
  }

  @Test
  void version_printsJobAndVersion() {
    Run run = Run.of(FIXTURE, "--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("fixture ").contains("(dbrestore)");
  }

  @Test
  void result_carriesSecondsPerStepInOrder() throws Exception {
    Run run = Run.of(FIXTURE, "succeed");

    assertThat(run.exitCode()).isZero();
    var result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
    assertThat(result.path("stepSeconds").has("succeed")).isTrue();
    assertThat(result.path("stepSeconds").has("start")).isFalse();
    assertThat(result.path("stepSeconds").path("succeed").isNumber()).isTrue();
  }

  @Test
  void unknownFlag_exits2WithOneLine() {
    Run run = Run.of(FIXTURE, "succeed", "--no-such-flag");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("fixture: unknown option '--no-such-flag'").contains("--help");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void mistypedCommand_isNamed_withTheClosestOne() {
    Run run = Run.of(FIXTURE, "succed", "--value", "v1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .startsWith("fixture: unknown command 'succed'; did you mean succeed?; choose one of");
  }

  @Test
  void mistypedOption_isNamed_withTheClosestOne() {
    Run run = Run.of(FIXTURE, "succeed", "--valeu", "v1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("fixture: unknown option '--valeu'; did you mean --value?");
  }

  @Test
  void mistypedRequiredOption_saysBothAtOnce_theTypoAndWhatIsMissing() {
    Run run = Run.of(FIXTURE, "delete-volume", "--volume-i", "vol-1", "--target-allowlist", "x");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .contains("unknown option '--volume-i'; did you mean --volume-id?")
        .contains("Missing required option: '--volume-id=<id>'");
  }

  @Test
  void badValueFromTheEnvironment_namesTheVariable() {
    Run run = Run.of(FIXTURE, Map.of("DBRESTORE_TIMEOUT", "soon"), "succeed");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("'--timeout' (from DBRESTORE_TIMEOUT)")
        .contains("'soon' is not a duration");
  }

  @Test
  void badValueOnTheCommandLine_doesNotBlameTheEnvironment() {
    Run run = Run.of(FIXTURE, Map.of("DBRESTORE_TIMEOUT", "1h"), "succeed", "--timeout", "soon");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'soon' is not a duration").doesNotContain("DBRESTORE_TIMEOUT");
  }

  @Test
  void verbose_isAcceptedBeforeOrAfterTheCommand() {
    assertThat(Run.of(FIXTURE, "-v", "succeed").exitCode()).isZero();
    assertThat(Run.of(FIXTURE, "succeed", "-v").exitCode()).isZero();
  }

  @Test
  void missingCommand_exits2() {
    Run run = Run.of(FIXTURE);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("missing command: choose one of").contains("succeed");
  }

  @Test
  void badDuration_exits2AndSaysHowToWriteIt() {
    Run run = Run.of(FIXTURE, "succeed", "--timeout", "soon");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("'soon' is not a duration").contains("45m");
  }

  @Test
  void badAllowlistFromEnvironment_exits2() {
    Run run = Run.of(FIXTURE, Map.of("DBRESTORE_TARGET_ALLOWLIST", "dev-("), "succeed");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "--target-allowlist (from DBRESTORE_TARGET_ALLOWLIST) 'dev-(' is not a valid regular"
                + " expression");
  }

  @Test
  void badProtectedAccount_exits2() {
    Run run = Run.of(FIXTURE, "succeed", "--protected-account", "12345");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'12345' is not a 12-digit AWS account id");
  }

  @Test
  void success_printsResultJsonWithJobAndTarget() {
    Run run = Run.of(FIXTURE, Map.of("DBRESTORE_TARGET", "develop"), "succeed", "--value", "v1");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out().strip())
        .startsWith("{")
        .contains(
            "\"job\":\"fixture\"",
            "\"target\":\"develop\"",
            "\"status\":\"DONE\"",
            "\"value\":\"v1\"",
            "\"count\":42");
  }

  @Test
  void optionOnCommandLine_winsOverEnvironment() {
    Run run =
        Run.of(FIXTURE, Map.of("DBRESTORE_TARGET", "develop"), "succeed", "--target", "release");

    assertThat(run.out()).contains("\"target\":\"release\"");
  }

  @Test
  void jobException_mapsToItsExitCodeWithOneLine() {
    for (ExitCode code : ExitCode.values()) {
      if (code == ExitCode.DONE) {
        continue;
      }
      Run run =
          Run.of(FIXTURE, "fail", "--code", String.valueOf(code.code()), "--message", "it broke");

      assertThat(run.exitCode()).as(code.name()).isEqualTo(code.code());
      assertThat(run.errLines()).as(code.name()).containsExactly("fixture: it broke");
    }
  }

  @Test
  void unexpectedException_exits1WithRedactedOneLine() {
    Run run = Run.of(FIXTURE, "leak");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .startsWith("fixture: unexpected IllegalStateException")
        .contains("-v")
        .doesNotContain("hunter2secret")
        .doesNotContain("jane.doe@example.com");
  }

  @Test
  void verbose_addsTheStackTraceStillRedacted() {
    Run run = Run.of(FIXTURE, "leak", "-v");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines().length).isGreaterThan(3);
    assertThat(run.err())
        .contains("at io.dbrestore.runtime.testing.FixtureJob$Leak.execute")
        .doesNotContain("hunter2secret")
        .doesNotContain("jane.doe@example.com");
  }

  @Test
  void jobTimeout_exits4(@TempDir Path dir) {
    Path marker = dir.resolve("marker");

    Run run = Run.of(FIXTURE, "wait-forever", "--marker", marker.toString(), "--timeout", "1s");

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("--timeout");
    assertThat(marker).hasContent("cleanup ran");
  }

  @Test
  void awsJobWithoutRegion_exits2AndSaysHowToSetIt() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
        "the environment sets a region");
    System.setProperty("aws.configFile", "/nonexistent/dbrestore-test-config");
    try {
      Run run = Run.of(FIXTURE, "delete-volume", "--volume-id", "vol-1", "--target-allowlist", "x");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.errLines())
          .containsExactly(
              "fixture: no AWS region configured: set AWS_REGION (or a profile's region)");
    } finally {
      System.clearProperty("aws.configFile");
    }
  }
}
