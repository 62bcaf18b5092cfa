package io.dbrestore.masking.engine;

import java.util.List;
import java.util.Map;

/**
 * The database-specific half of a masking run, which {@link MaskingRun} drives: an engine reads and
 * writes its database, the run decides what happens next. One implementation per database family
 * (MongoDB, SQL). Every method but {@link #mask} runs on the caller's thread.
 *
 * @param <T> the collections (tables) it works on
 * @param <U> the units its workers mask
 * @param <X> the checked exception its I/O throws ({@code RuntimeException} for none)
 */
public interface Engine<T extends Target, U extends WorkUnit, X extends Exception> {

  /**
   * How this engine's messages, logs and reports read where the two engines differ. They were
   * written apart; the shared run keeps each one's output as it was, and these are the differences
   * it keeps, each a candidate for unifying.
   *
   * @param document what messages call one document: {@code document} or {@code row} (plural with
   *     an {@code s})
   * @param field what messages call a field: {@code field} or {@code column}
   * @param workerThread the name of the masking worker threads
   * @param recordsMasked whether the run record passes through {@code MASKED} before verification
   * @param timesCollections whether reports show the seconds spent masking each collection (else 0)
   * @param reportsManifestCounts whether a report's documents are the manifest's (recorded when the
   *     run started; 0 for an emptied collection once verified) rather than the inventory's count
   * @param countsUnshownProblems whether a failed verification's message says how many problems
   *     past the first 20 it does not show
   */
  record Conventions(
      String document,
      String field,
      String workerThread,
      boolean recordsMasked,
      boolean timesCollections,
      boolean reportsManifestCounts,
      boolean countsUnshownProblems) {}

  /**
   * Where a run starts.
   *
   * @param targets the inventory: every collection the run works on
   * @param verified an earlier run with these rules verified every database: nothing to mask
   * @param manifest documents (rows) per collection ({@code db.collection}): what the copy holds
   *     once masked
   */
  record Start<T>(List<T> targets, boolean verified, Map<String, Long> manifest) {}

  /**
   * The units a run's workers mask.
   *
   * @param documents what the mask phase's progress counts to
   */
  record Work<U>(List<U> units, long documents) {}

  Conventions conventions();

  /**
   * Every collection the run works on, checked against the rules before anything is written: it
   * refuses undeclared collections (as the rules' policy says) and rules the database cannot
   * honour.
   */
  List<T> inventory() throws X;

  /**
   * Takes the {@link #inventory} and starts the run record in every database (schema) of its
   * targets, or resumes it; refuses a copy masked, even partly, with other rules. A dry run writes
   * nothing. One step, so that an engine may do both on one connection.
   */
  Start<T> start() throws X;

  /** The manifest that verifying an already masked copy checks it against. */
  Map<String, Long> recordedManifest(List<T> targets) throws X;

  /** Deletes every document of a collection the rules empty. Not called in a dry run. */
  void empty(T target) throws X;

  /**
   * Cuts the masked collections into units (what is left of them, when resuming) and adds to {@code
   * totals} what earlier runs masked.
   */
  Work<U> split(List<T> targets, RunTotals totals) throws X;

  /**
   * Masks one unit, on a worker thread; adds to {@code totals} and {@code progress} as its batches
   * are written.
   */
  void mask(U unit, RunTotals totals, PhaseProgress progress);

  /**
   * Finishes the copy after masking and before verification: removes what a snapshot would carry
   * beyond the masked rows (old row versions, statistics of original values, derived copies). Runs
   * on every run that is not a dry run, so that a resumed run finishes too. Returns the seconds
   * spent per collection; none by default.
   */
  default Map<String, Double> finish(List<T> targets) throws X {
    return Map.of();
  }

  /** Records a state of the run in every database (schema) of the targets. */
  void record(List<T> targets, MaskingRecord.State state) throws X;

  /** Records that the run was verified, with the manifest it verified. */
  void recordVerified(List<T> targets, Map<String, Long> manifest) throws X;

  /**
   * Reads the whole copy again and adds to {@code findings} what does not hold. It may set the
   * manifest's entry of an emptied collection to what it holds now.
   */
  void verify(List<T> targets, Map<String, Long> manifest, VerificationFindings findings) throws X;
}
