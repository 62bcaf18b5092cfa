package io.dbrestore.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The benchmarks' command line. Each suite prints its progress on stderr and one JSON object, its
 * result, as the last line of stdout.
 */
@Command(
    name = "benchmarks",
    mixinStandardHelpOptions = true,
    description = "On-demand benchmarks of the masking engine (not part of the test suite).",
    subcommands = {MongoMaskingSuite.class, SqlMaskingSuite.class, MaskerCpuSuite.class})
public final class Benchmarks implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A fixed key: the benchmarks mask made-up data; the key's value does not change the cost. */
  static final String KEY = "dbrestore-benchmark-key-not-secret-0123456789abcdef";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Benchmarks()).execute(args));
  }

  /** Runs a command line with the given writers; returns the exit code. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new Benchmarks()).setOut(out).setErr(err).execute(args);
  }

  /** The result line. */
  static String json(Map<String, Object> result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static double round3(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  static double seconds(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e9;
  }
}
