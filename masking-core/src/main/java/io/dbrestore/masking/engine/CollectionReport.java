package io.dbrestore.masking.engine;

/**
 * What happened to one collection (or table): for the summary table, the JSON report and the
 * snapshot manifest.
 *
 * @param mode mask, keep or empty
 * @param documents documents before masking
 * @param masked documents changed by masking (this run and resumed runs)
 * @param seconds time spent masking it
 * @param verification {@code passed}, {@code failed}, or {@code not-run}
 * @param finishingSeconds time spent finishing it after masking (SQL: rewriting it and rebuilding
 *     its statistics); 0 when nothing was finished
 */
public record CollectionReport(
    String collection,
    String mode,
    long documents,
    long masked,
    double seconds,
    String verification,
    double finishingSeconds) {

  /** A report without finishing (0 seconds). */
  public CollectionReport(
      String collection,
      String mode,
      long documents,
      long masked,
      double seconds,
      String verification) {
    this(collection, mode, documents, masked, seconds, verification, 0.0);
  }
}
