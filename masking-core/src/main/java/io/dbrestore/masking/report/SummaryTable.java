package io.dbrestore.masking.report;

import io.dbrestore.masking.engine.CollectionReport;
import java.util.List;
import java.util.Locale;

/** The table printed at the end of a masking run. */
public final class SummaryTable {
  private SummaryTable() {}

  public static String render(List<CollectionReport> reports, double seconds) {
    int width = "collection".length();
    for (CollectionReport r : reports) {
      width = Math.max(width, r.collection().length());
    }
    String format = "%-" + width + "s  %-5s  %12s  %12s  %9s  %-12s%n";
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            format,
            "collection",
            "mode",
            "documents",
            "masked",
            "seconds",
            "verification"));
    long documents = 0;
    long masked = 0;
    for (CollectionReport r : reports) {
      s.append(
          String.format(
              Locale.ROOT,
              format,
              r.collection(),
              r.mode(),
              r.documents(),
              r.masked(),
              String.format(Locale.ROOT, "%.1f", r.seconds()),
              r.verification()));
      documents += r.documents();
      masked += r.masked();
    }
    s.append(
        String.format(
            Locale.ROOT,
            format,
            "total",
            "",
            documents,
            masked,
            String.format(Locale.ROOT, "%.1f", seconds),
            ""));
    return s.toString();
  }
}
