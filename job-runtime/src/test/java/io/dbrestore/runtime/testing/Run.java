package io.dbrestore.runtime.testing;

import io.dbrestore.runtime.JobMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * Runs a job in-process through its real entry point and keeps what it printed: stdout, stderr and,
 * apart from stderr (where a deployed job writes them), the run's EMF metric lines.
 */
public record Run(int exitCode, String out, String err, String metrics) {
  public static Run of(JobMain main, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    StringWriter metrics = new StringWriter();
    int code =
        main.metricsTo(new PrintWriter(metrics, true))
            .run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString(), metrics.toString());
  }

  public static Run of(JobMain main, String... args) {
    return of(main, Map.of(), args);
  }

  public String[] errLines() {
    return err.isEmpty() ? new String[0] : err.split("\\R");
  }

  /** The run's EMF lines (docs/metrics.md), read. */
  public Emf emf() {
    return Emf.parse(metrics);
  }
}
