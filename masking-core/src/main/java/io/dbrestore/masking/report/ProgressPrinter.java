package io.dbrestore.masking.report;

import io.dbrestore.masking.engine.Progress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Renders progress: a bar redrawn in place on a terminal, or a line at most every {@code every}
 * milliseconds otherwise (for CloudWatch), with the rate.
 */
public final class ProgressPrinter implements Progress {
  private final PrintStream terminal;
  private final Consumer<String> lines;
  private final long everyNanos;
  private long phaseStart = System.nanoTime();
  private long phaseStartDone;
  private long last;
  private String lastPhase;

  private ProgressPrinter(PrintStream terminal, Consumer<String> lines, long everyMillis) {
    this.terminal = terminal;
    this.lines = lines;
    this.everyNanos = everyMillis * 1_000_000L;
  }

  /** A bar on a terminal. */
  public static ProgressPrinter bar(PrintStream terminal) {
    return new ProgressPrinter(terminal, null, 200);
  }

  /** Log lines, at most one every {@code everyMillis}. */
  public static ProgressPrinter lines(Consumer<String> lines, long everyMillis) {
    return new ProgressPrinter(null, lines, everyMillis);
  }

  @Override
  public synchronized void update(String phase, long done, long total) {
    long now = System.nanoTime();
    boolean finished = done >= total;
    if (!phase.equals(lastPhase)) {
      lastPhase = phase;
      last = 0;
      // The first report comes after a batch: the rate counts what was done after it.
      phaseStart = now;
      phaseStartDone = done;
    }
    if (!finished && now - last < everyNanos) {
      return;
    }
    last = now;
    double seconds = (now - phaseStart) / 1e9;
    // More done than counted (rows added under the run, or counted again) never reads above 100%.
    double pct = total == 0 ? 100 : Math.min(100.0, 100.0 * done / total);
    if (terminal != null) {
      int width = 30;
      int filled = (int) Math.round(width * Math.min(1.0, pct / 100));
      terminal.printf(
          Locale.ROOT,
          "\r%-6s [%s%s] %5.1f%% %,d/%,d docs%s",
          phase,
          "#".repeat(filled),
          " ".repeat(width - filled),
          pct,
          done,
          total,
          finished ? "\n" : "");
      terminal.flush();
    } else {
      String line =
          String.format(Locale.ROOT, "%s: %,d of %,d documents (%.1f%%)", phase, done, total, pct);
      if (done > phaseStartDone && seconds > 0) {
        line +=
            String.format(Locale.ROOT, ", %,.0f documents/s", (done - phaseStartDone) / seconds);
      }
      lines.accept(line);
    }
  }
}
