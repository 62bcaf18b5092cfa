package io.dbrestore.masking.report;

import io.dbrestore.masking.engine.CollectionReport;
import java.util.List;
import java.util.Locale;

/**
 * The table printed at the end of a masking run, the same for both engines: per collection (table)
 * its mode, the documents (rows) the copy holds, how many were masked, seconds and verification. An
 * emptied collection holds none, whether the engine copied it empty (MongoDB) or deleted its rows
 * (SQL).
 */
public final class SummaryTable {
  private SummaryTable() {}

  /** A MongoDB run's table: collections and documents. */
  public static String render(List<CollectionReport> reports, double seconds) {
    return render(reports, seconds, "collection", "documents");
  }

  /** A SQL run's table: tables and rows. */
  public static String renderTables(List<CollectionReport> reports, double seconds) {
    return render(reports, seconds, "table", "rows");
  }

  private static String render(
      List<CollectionReport> reports, double seconds, String collectionNoun, String documentNoun) {
    int width = collectionNoun.length();
    for (CollectionReport r : reports) {
      width = Math.max(width, r.collection().length());
    }
    String format = "%-" + width + "s  %-5s  %12s  %12s  %9s  %-12s%n";
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            format,
            collectionNoun,
            "mode",
            documentNoun,
            "masked",
            "seconds",
            "verification"));
    long documents = 0;
    long masked = 0;
    for (CollectionReport r : reports) {
      long held = "empty".equals(r.mode()) ? 0 : r.documents();
      s.append(
          String.format(
              Locale.ROOT,
              format,
              r.collection(),
              r.mode(),
              held,
              r.masked(),
              String.format(Locale.ROOT, "%.1f", r.seconds()),
              r.verification()));
      documents += held;
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
