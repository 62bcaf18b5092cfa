package io.dbrestore.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.metrics.EmfSpec;
import io.dbrestore.runtime.testing.Emf;
import io.dbrestore.runtime.testing.FixtureJob;
import io.dbrestore.runtime.testing.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The EMF lines every run ends with, written by the runtime (docs/metrics.md). */
class JobMetricsTest {
  static Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put("DBRESTORE_LOG_FORMAT", "json");
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  static void assertMeetsTheSpecification(String metrics) {
    for (String line : metrics.split("\\R")) {
      assertThat(EmfSpec.problems(line)).as(line).isEmpty();
    }
  }

  @Test
  void success_emitsTheRunAndItsSteps_withTheJobsFigures() {
    Run run =
        Run.of(
            FixtureJob.entryPoint(), env("DBRESTORE_TARGET", "develop"), "succeed", "--refreshed");

    assertThat(run.exitCode()).isZero();
    assertMeetsTheSpecification(run.metrics());
    Emf emf = run.emf();
    assertThat(emf.dimension("Job")).isEqualTo("fixture");
    assertThat(emf.dimension("Target")).isEqualTo("develop");
    assertThat(emf.value("Succeeded")).isEqualTo(1);
    assertThat(emf.value("ExitCode")).isZero();
    assertThat(emf.value("RunSeconds")).isGreaterThanOrEqualTo(0);
    assertThat(emf.value("Refreshed")).isEqualTo(1);
    assertThat(emf.steps()).containsOnlyKeys("succeed");
  }

  @Test
  void failure_emitsSucceeded0AndTheExitCode_andTheFiguresRecordedBeforeIt() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "fail", "--code", "3", "--masked", "1200");

    assertThat(run.exitCode()).isEqualTo(3);
    assertMeetsTheSpecification(run.metrics());
    Emf emf = run.emf();
    assertThat(emf.dimension("Target")).isEqualTo("-");
    assertThat(emf.value("Succeeded")).isZero();
    assertThat(emf.value("ExitCode")).isEqualTo(3);
    assertThat(emf.value("MaskedItems")).isEqualTo(1200);
    assertThat(emf.value("MaskingSeconds")).isEqualTo(2);
    assertThat(emf.value("MaskedItemsPerSecond")).isEqualTo(600);
    assertThat(emf.has("VerificationPassed")).isFalse();
    assertThat(emf.steps()).containsOnlyKeys("mask", "check-snapshot");
    // The message stays the one line on stderr.
    assertThat(run.errLines()).containsExactly("fixture: " + FixtureJobMessages.TOO_OLD);
  }

  @Test
  void verificationFailure_isVerificationPassed0() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "fail", "--code", "5", "--kind", "x");

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.emf().value("VerificationPassed")).isZero();
    assertThat(run.emf().value("ExitCode")).isEqualTo(5);
  }

  @Test
  void dryRun_emitsNothing() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "succeed", "--refreshed", "--dry-run");

    assertThat(run.exitCode()).isZero();
    assertThat(run.metrics()).isEmpty();
  }

  @Test
  void aCommandThatIsNoPipelineRun_emitsNothing() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "tool");

    assertThat(run.exitCode()).isZero();
    assertThat(run.metrics()).isEmpty();
  }

  @Test
  void onATerminal_textLogs_emitNothing() {
    Map<String, String> env = env();
    env.put("DBRESTORE_LOG_FORMAT", "text");
    Run run = Run.of(FixtureJob.entryPoint(), env, "fail");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.metrics()).isEmpty();
  }

  @Test
  void aCommandLineThatDoesNotParse_startsNoRun_andEmitsNothing() {
    Run run = Run.of(FixtureJob.entryPoint(), env(), "succeed", "--no-such-flag");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.metrics()).isEmpty();
  }

  /**
   * As deployed: no separate sink, so the lines go to stderr, each whole on a line of its own after
   * the one-line message; stdout holds only the result JSON.
   */
  @Test
  void deployed_linesGoToStderr_whole_andStdoutIsTheResultAlone() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        FixtureJob.entryPoint()
            .run(
                env("DBRESTORE_TARGET", "edge"),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "succeed");

    assertThat(code).isZero();
    assertThat(out.toString().strip().split("\\R")).hasSize(1);
    assertThat(new ObjectMapper().readTree(out.toString()).path("job").asText())
        .isEqualTo("fixture");
    List<String> lines = List.of(err.toString().split("\\R"));
    assertThat(lines).hasSize(2); // the run, its one step
    lines.forEach(l -> assertThat(EmfSpec.problems(l)).as(l).isEmpty());
    assertThat(Emf.parse(lines).dimension("Target")).isEqualTo("edge");

    StringWriter failedErr = new StringWriter();
    FixtureJob.entryPoint()
        .run(env(), new PrintWriter(new StringWriter()), new PrintWriter(failedErr, true), "fail");
    List<String> failed = List.of(failedErr.toString().split("\\R"));
    assertThat(failed.get(0)).isEqualTo("fixture: " + FixtureJobMessages.TOO_OLD);
    assertThat(Emf.parse(failed.subList(1, failed.size())).value("ExitCode")).isEqualTo(3);
  }

  /**
   * A real process, as ECS runs it (JSON logs, stdout and stderr to files): stdout is the result
   * alone; every line on stderr is whole: a JSON log line, the one-line message, or an EMF object
   * that meets the specification.
   */
  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aRealProcess_writesWholeLines(@TempDir Path dir) throws Exception {
    for (String command : List.of("succeed", "fail")) {
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(
              javaBin,
              "-cp",
              System.getProperty("java.class.path"),
              FixtureJob.class.getName(),
              command);
      builder.environment().put("DBRESTORE_LOG_FORMAT", "json");
      builder.environment().put("DBRESTORE_TARGET", "develop");
      builder.environment().remove("DBRESTORE_TASK_TOKEN");
      builder.environment().remove("SENTRY_DSN");
      Path stdout = dir.resolve(command + ".out");
      Path stderr = dir.resolve(command + ".err");
      Process process =
          builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

      List<String> emf = new ArrayList<>();
      for (String line : Files.readAllLines(stderr)) {
        if (line.startsWith("fixture: ")) {
          continue; // the one-line message of a failure
        }
        JsonNode node = new ObjectMapper().readTree(line);
        assertThat(node.has("level") || node.has("_aws")).as(line).isTrue();
        if (node.has("_aws")) {
          assertThat(EmfSpec.problems(line)).as(line).isEmpty();
          emf.add(line);
        }
      }
      Emf metrics = Emf.parse(emf);
      assertThat(metrics.dimension("Target")).isEqualTo("develop");
      if (command.equals("succeed")) {
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readAllLines(stdout)).hasSize(1);
        assertThat(metrics.value("Succeeded")).isEqualTo(1);
      } else {
        assertThat(process.exitValue()).isEqualTo(3);
        assertThat(Files.readString(stdout)).isEmpty();
        assertThat(metrics.value("ExitCode")).isEqualTo(3);
      }
    }
  }

  static final class FixtureJobMessages {
    static final String TOO_OLD =
        "snapshot snap-1 is 3 days old (--max-age 1d); check the production job";
  }
}
