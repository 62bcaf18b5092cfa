package io.dbrestore.masking.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the log lines of progress say. */
class ProgressPrinterTest {
  /**
   * The first report of a phase arrives with a batch already done and no time measured since the
   * phase started: it must not claim a rate (it used to divide by a nanosecond).
   */
  @Test
  void firstLineOfAPhase_showsNoRate() {
    List<String> lines = new ArrayList<>();
    ProgressPrinter printer = ProgressPrinter.lines(lines::add, 0);

    printer.update("mask", 1_000, 8_000);

    assertThat(lines)
        .singleElement()
        .asString()
        .isEqualTo("mask: 1,000 of 8,000 documents (12.5%)");
  }

  @Test
  void laterLines_rateOfWhatWasDoneSinceTheFirstReport() throws Exception {
    List<String> lines = new ArrayList<>();
    ProgressPrinter printer = ProgressPrinter.lines(lines::add, 0);

    printer.update("mask", 1_000, 8_000);
    Thread.sleep(200);
    printer.update("mask", 2_000, 8_000);

    // 1,000 documents in at least 0.2 s: at most 5,000 documents/s.
    assertThat(lines.get(1)).startsWith("mask: 2,000 of 8,000 documents (25.0%), ");
    long rate =
        Long.parseLong(
            lines.get(1).replaceAll(".*\\), ([0-9,]+) documents/s$", "$1").replace(",", ""));
    assertThat(rate).isBetween(1L, 5_000L);
  }

  /** More done than counted (rows added under the run) is shown as such, never above 100%. */
  @Test
  void moreThanTheTotal_isNotShownAsMoreThanAHundredPercent() {
    List<String> lines = new ArrayList<>();
    ProgressPrinter printer = ProgressPrinter.lines(lines::add, 0);

    printer.update("mask", 10_077, 8_000);

    assertThat(lines.get(0)).doesNotContain("125").contains("100.0%");
  }
}
