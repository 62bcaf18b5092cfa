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
 */
public record CollectionReport(
    String collection,
    String mode,
    long documents,
    long masked,
    double seconds,
    String verification) {}
