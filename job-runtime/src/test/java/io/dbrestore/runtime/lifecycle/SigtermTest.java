package io.dbrestore.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.Emf;
import io.dbrestore.runtime.testing.FixtureJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM, as ECS sends it, on a real child process running a job. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class SigtermTest {
  private static ProcessBuilder child(String... args) {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBin, "-cp", System.getProperty("java.class.path"), FixtureJob.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static void awaitLine(Process process, Path stderrFile, String line) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(stderrFile).contains(line)) {
      assertThat(System.nanoTime() < until && process.isAlive())
          .as("the job got going; stderr: %s", Files.readString(stderrFile))
          .isTrue();
      Thread.sleep(50);
    }
  }

  @Test
  void sigterm_cancelsTheJobWhichCleansUpAndExits6(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("cleanup-marker");
    ProcessBuilder builder = child("wait-forever", "--marker", marker.toString());
    builder.environment().put("DBRESTORE_LOG_FORMAT", "json");
    builder.environment().remove("DBRESTORE_TASK_TOKEN");
    builder.environment().remove("SENTRY_DSN");
    builder.redirectOutput(dir.resolve("stdout").toFile());
    Path stderrFile = dir.resolve("stderr");
    builder.redirectError(stderrFile.toFile());
    Process process = builder.start();
    try {
      awaitLine(process, stderrFile, "waiting for something that never happens");

      long sent = System.nanoTime();
      process.destroy(); // SIGTERM
      boolean exited = process.waitFor(25, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - sent);

      assertThat(exited)
          .as("exited within 25 s of SIGTERM; stderr: %s", Files.readString(stderrFile))
          .isTrue();
      assertThat(process.exitValue()).as("stderr: %s", Files.readString(stderrFile)).isEqualTo(6);
      assertThat(marker).hasContent("cleanup ran");
      assertThat(took).isLessThan(Duration.ofSeconds(25));
      assertThat(Files.readString(stderrFile)).contains("fixture: stopped by SIGTERM");
      // The cancelled run still ends with its metrics (docs/metrics.md).
      List<String> emf =
          Files.readAllLines(stderrFile).stream().filter(l -> l.startsWith("{\"_aws\"")).toList();
      assertThat(Emf.parse(emf).value("ExitCode")).isEqualTo(6);
      assertThat(Emf.parse(emf).steps()).containsKey("wait");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void jobThatIgnoresCancellation_isEndedByTheGraceWatchdogWithExit6(@TempDir Path dir)
      throws Exception {
    ProcessBuilder builder = child("stubborn");
    builder.environment().put("DBRESTORE_LOG_FORMAT", "json");
    builder.environment().put("DBRESTORE_CANCEL_GRACE_SECONDS", "1");
    Path stderrFile = dir.resolve("stderr");
    builder.redirectOutput(dir.resolve("stdout").toFile()).redirectError(stderrFile.toFile());
    Process process = builder.start();
    try {
      awaitLine(process, stderrFile, "busy and not listening");

      process.destroy(); // SIGTERM
      boolean exited = process.waitFor(15, TimeUnit.SECONDS);

      assertThat(exited).as("stderr: %s", Files.readString(stderrFile)).isTrue();
      assertThat(process.exitValue()).isEqualTo(6);
      assertThat(Files.readString(stderrFile))
          .contains("fixture: did not reach a safe point within 1s of being cancelled");
    } finally {
      process.destroyForcibly();
    }
  }
}
