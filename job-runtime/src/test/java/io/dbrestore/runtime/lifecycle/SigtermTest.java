package io.dbrestore.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.FixtureJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM, as ECS sends it, on a real child process running a job. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class SigtermTest {
  @Test
  void sigterm_cancelsTheJobWhichCleansUpAndExits6(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("cleanup-marker");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            FixtureJob.class.getName(),
            "wait-forever",
            "--marker",
            marker.toString());
    builder.environment().put("DBRESTORE_LOG_FORMAT", "json");
    builder.environment().remove("DBRESTORE_TASK_TOKEN");
    builder.environment().remove("SENTRY_DSN");
    builder.redirectOutput(dir.resolve("stdout").toFile());
    Path stderrFile = dir.resolve("stderr");
    builder.redirectError(stderrFile.toFile());
    Process process = builder.start();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(stderrFile).contains("waiting for something that never happens")) {
        assertThat(System.nanoTime() < until && process.isAlive())
            .as("the job started waiting; stderr: %s", Files.readString(stderrFile))
            .isTrue();
        Thread.sleep(50);
      }

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
    } finally {
      process.destroyForcibly();
    }
  }
}
