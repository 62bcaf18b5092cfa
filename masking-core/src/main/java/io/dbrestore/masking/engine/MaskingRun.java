package io.dbrestore.masking.engine;

import io.dbrestore.masking.rules.Rules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A masking run, whatever the database: inventory (fail closed before any write) → start or resume
 * the run record → empty the collections the rules empty → mask the rest in parallel → the
 * undeclared-field policy → the verification gate → a {@link MaskingResult}. The {@link Engine}
 * does the reading and writing; this class holds the order of the steps and the decisions between
 * them.
 */
public final class MaskingRun<T extends Target, U extends WorkUnit, X extends Exception> {
  private static final Logger LOG = LoggerFactory.getLogger(MaskingRun.class);
  private static final int PROBLEMS_SHOWN = 20;

  private final Engine<T, U, X> engine;
  private final Engine.Conventions conventions;
  private final MaskingPlan plan;
  private final RunOptions options;

  public MaskingRun(Engine<T, U, X> engine, MaskingPlan plan, RunOptions options) {
    this.engine = engine;
    this.conventions = engine.conventions();
    this.plan = plan;
    this.options = options;
  }

  /** Masks every declared collection, then runs the verification gate (not in a dry run). */
  public MaskingResult run() throws X {
    long start = System.nanoTime();
    Engine.Start<T> started = engine.start();
    List<T> targets = started.targets();
    Map<String, Long> manifest = new LinkedHashMap<>(started.manifest());
    RunTotals totals = new RunTotals();
    if (!started.verified()) {
      empty(targets);
      mask(targets, totals);
    }
    refuseOrWarnUndeclared(targets, totals.undeclared());
    if (options.dryRun()) {
      return result(targets, manifest, totals, Map.of(), false, start, Map.of());
    }
    if (conventions.recordsMasked()) {
      engine.record(targets, MaskingRecord.State.MASKED);
    }
    Map<String, Double> finishing = engine.finish(targets);
    Map<String, String> verification = verify(targets, manifest);
    return result(targets, manifest, totals, verification, true, start, finishing);
  }

  /** Runs only the verification gate on a copy masked earlier with these rules. */
  public MaskingResult verifyOnly() throws X {
    long start = System.nanoTime();
    List<T> targets = engine.inventory();
    Map<String, Long> manifest = new LinkedHashMap<>(engine.recordedManifest(targets));
    Map<String, String> verification = verify(targets, manifest);
    return result(targets, manifest, new RunTotals(), verification, true, start, Map.of());
  }

  private void empty(List<T> targets) throws X {
    for (T t : targets) {
      if (t.plan().mode() != Rules.Mode.EMPTY) {
        continue;
      }
      if (options.dryRun()) {
        LOG.info(
            "dry run: would delete the {} {} of {}",
            t.documents(),
            conventions.document() + "s",
            t.name());
        continue;
      }
      engine.empty(t);
    }
  }

  private void mask(List<T> targets, RunTotals totals) throws X {
    for (T t : targets) {
      if (t.plan().mode() == Rules.Mode.MASK) {
        totals.counting(t.name());
      }
    }
    Engine.Work<U> work = engine.split(targets, totals);
    PhaseProgress progress = new PhaseProgress(options.progress(), "mask", work.documents());
    Workers.runLargestFirst(
        work.units(),
        options.parallelism(),
        conventions.workerThread(),
        u -> {
          if (conventions.timesCollections()) {
            totals.timed(u.target().name(), () -> engine.mask(u, totals, progress));
          } else {
            engine.mask(u, totals, progress);
          }
        });
  }

  /**
   * Fields the rules do not declare, found while masking: the policy either refuses the copy (it is
   * never verified, and must be restored fresh once the rules declare them) or leaves them.
   */
  private void refuseOrWarnUndeclared(List<T> targets, PathCounts undeclared) throws X {
    if (undeclared.isEmpty()) {
      return;
    }
    String list = undeclared.describe(20);
    if (plan.rules().policy().undeclaredFields() == Rules.Action.FAIL) {
      if (!options.dryRun()) {
        engine.record(targets, MaskingRecord.State.DRIFT);
      }
      throw new MaskingException(
          MaskingException.Kind.REFUSED,
          "undeclared-fields",
          "fields the rules do not declare: "
              + list
              + "; declare each one (a masking strategy or keep) and run again on a fresh copy");
    }
    LOG.warn(
        "fields the rules do not declare were left as they are (values of another shape than"
            + " declared were set to null): {}",
        list);
  }

  /** The verification gate: the engine reads the copy again; any problem fails the run. */
  private Map<String, String> verify(List<T> targets, Map<String, Long> manifest) throws X {
    VerificationFindings findings = new VerificationFindings();
    engine.verify(targets, manifest, findings);
    List<String> problems = findings.problems();
    findings
        .notMasked()
        .snapshot()
        .forEach(
            (collection, fields) ->
                fields.forEach(
                    (field, n) ->
                        problems.add(
                            collection
                                + ": "
                                + conventions.field()
                                + " "
                                + field
                                + " is not in masked form in "
                                + n
                                + " "
                                + conventions.document()
                                + (n == 1 ? "" : "s"))));
    if (!findings.undeclared().isEmpty()
        && plan.rules().policy().undeclaredFields() == Rules.Action.FAIL) {
      problems.add("fields the rules do not declare: " + findings.undeclared().describe(20));
    }
    if (!problems.isEmpty()) {
      engine.record(targets, MaskingRecord.State.VERIFICATION_FAILED);
      int hidden = problems.size() - PROBLEMS_SHOWN;
      throw new MaskingException(
          MaskingException.Kind.VERIFICATION_FAILED,
          "verification-failed",
          "verification failed: "
              + String.join("; ", problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())))
              + (hidden > 0 && conventions.countsUnshownProblems()
                  ? "; and " + hidden + " more"
                  : ""));
    }
    engine.recordVerified(targets, manifest);
    Map<String, String> result = new TreeMap<>();
    targets.forEach(t -> result.put(t.name(), "passed"));
    return result;
  }

  private MaskingResult result(
      List<T> targets,
      Map<String, Long> manifest,
      RunTotals totals,
      Map<String, String> verification,
      boolean verified,
      long start,
      Map<String, Double> finishing) {
    return new MaskingResult(
        reports(targets, manifest, totals, verification, finishing),
        manifest,
        verified,
        totals.documentsMasked(),
        elapsed(start),
        totals.undeclared().snapshot());
  }

  private List<CollectionReport> reports(
      List<T> targets,
      Map<String, Long> manifest,
      RunTotals totals,
      Map<String, String> verification,
      Map<String, Double> finishing) {
    List<CollectionReport> reports = new ArrayList<>();
    for (T t : targets) {
      var masked = totals.masked(t.name());
      reports.add(
          new CollectionReport(
              t.name(),
              t.plan().mode().name().toLowerCase(Locale.ROOT),
              conventions.reportsManifestCounts()
                  ? manifest.getOrDefault(t.name(), t.documents())
                  : t.documents(),
              masked == null ? 0 : masked.get(),
              totals.seconds(t.name()),
              verification.getOrDefault(t.name(), "not-run"),
              finishing.getOrDefault(t.name(), 0.0)));
    }
    return reports;
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
