package io.dbrestore.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every job's executable jar must do, run as users and ECS run it: {@code java -jar
 * target/<job>.jar}. Catches what in-process tests cannot: a broken manifest, lost service files or
 * logging configuration in the shaded jar.
 */
public abstract class JobJarContract {
  protected abstract String jobName();

  /** A finished process: exit code, stdout, stderr. */
  protected record Result(int exitCode, String out, String err) {}

  protected Result java(String... args) throws IOException, InterruptedException {
    Path jar = Path.of("target", jobName() + ".jar");
    assertThat(jar).as("the executable jar is built by 'package'").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("job-out", ".txt");
    Path err = Files.createTempFile("job-err", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().remove("DBRESTORE_TASK_TOKEN");
      builder.environment().remove("SENTRY_DSN");
      Process process = builder.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void jar_answersHelpWithExitCodes() throws Exception {
    Result r = java("--help");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Usage: " + jobName()).contains("Exit codes:", "CANCELLED");
  }

  @Test
  void jar_answersVersion() throws Exception {
    Result r = java("--version");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith(jobName() + " ");
  }

  @Test
  void jar_unknownFlag_exits2WithOneLine() throws Exception {
    Result r = java("preflight", "--no-such-flag");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip().split("\\R")).hasSize(1);
    assertThat(r.err()).startsWith(jobName() + ": unknown option '--no-such-flag'");
  }
}
