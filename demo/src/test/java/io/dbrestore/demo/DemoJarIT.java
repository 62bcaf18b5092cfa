package io.dbrestore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command runs this jar ({@code ./dbrestore demo}): it must start from the
 * shaded jar alone. A dependency declared test-scoped in the POM leaves the shaded jar without it
 * while every in-process test still passes (the test classpath has it).
 */
class DemoJarIT {
  @Test
  void theShadedJarStartsAndAnswersHelp() throws Exception {
    Path jar = Path.of("target", "demo.jar");
    assertThat(jar).as("built by 'package'").exists();
    Path out = Files.createTempFile("demo-out", ".txt");
    Path err = Files.createTempFile("demo-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "--help")
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(stderr).isZero();
      assertThat(stdout).startsWith("Usage: demo");
      assertThat(stderr).doesNotContain("NoClassDefFoundError");
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
