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
      phaseStart = now;
    }
    if (!finished && now - last < everyNanos) {
      return;
    }
    last = now;
    double seconds = Math.max(1e-9, (now - phaseStart) / 1e9);
    double pct = total == 0 ? 100 : 100.0 * done / total;
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
      lines.accept(
          String.format(
              Locale.ROOT,
              "%s: %,d of %,d documents (%.1f%%), %,.0f documents/s",
              phase,
              done,
              total,
              pct,
              done / seconds));
    }
  }
}
