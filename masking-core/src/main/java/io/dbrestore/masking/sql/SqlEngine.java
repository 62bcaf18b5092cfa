package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.Engine;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.PhaseProgress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.RunTotals;
import io.dbrestore.masking.engine.VerificationFindings;
import io.dbrestore.masking.rules.Rules;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL side of a {@link io.dbrestore.masking.engine.MaskingRun}: each schema a run masks has its
 * own run record and checkpoints ({@link SqlCheckpoints}). Every step opens its own connections;
 * sessions that write are relaxed ({@link SqlDialect#relaxSession}).
 */
final class SqlEngine implements Engine<TableTarget, Range, SQLException> {
  private static final Conventions CONVENTIONS =
      new Conventions("row", "column", "sql-masking-worker", false, false, false, false);

  private final SqlMasking.Connections connections;
  private final SqlDialect dialect;
  private final MaskingPlan plan;
  private final RunOptions options;
  private final SqlInventory inventory;
  private final SqlCheckpoints checkpoints;
  private final RangeMasking ranges;
  private final SqlVerification verification;
  private final SqlFinishing finishing;

  SqlEngine(
      SqlMasking.Connections connections,
      SqlDialect dialect,
      MaskingPlan plan,
      RunOptions options) {
    this.connections = connections;
    this.dialect = dialect;
    this.plan = plan;
    this.options = options;
    this.inventory = new SqlInventory(dialect, plan);
    this.checkpoints = new SqlCheckpoints(dialect);
    this.ranges = new RangeMasking(connections, dialect, options, checkpoints);
    this.verification = new SqlVerification(connections, dialect, checkpoints);
    this.finishing = new SqlFinishing(connections, dialect, plan);
  }

  @Override
  public Conventions conventions() {
    return CONVENTIONS;
  }

  @Override
  public List<TableTarget> inventory() throws SQLException {
    try (Connection c = connections.open()) {
      return inventory.targets(c);
    }
  }

  /** The inventory and the run record's start share one connection, whose session is relaxed. */
  @Override
  public Start<TableTarget> start() throws SQLException {
    List<TableTarget> targets;
    try (Connection c = connections.open()) {
      targets = inventory.targets(c);
      if (!options.dryRun()) {
        for (String schema : TableTarget.schemas(targets)) {
          checkpoints.create(c, schema);
          String sha = checkpoints.rulesSha256(c, schema);
          if (sha != null && !sha.equals(plan.rules().sha256())) {
            throw new MaskingException(
                MaskingException.Kind.REFUSED,
                "rules-changed",
                "schema "
                    + schema
                    + " was masked (or partly masked) with other rules; masking it again would"
                    + " mask values twice: restore a fresh copy");
          }
          if (sha == null) {
            checkpoints.startRun(c, schema, plan.rules().sha256(), targets);
          }
          if (!c.getAutoCommit()) {
            c.commit();
          }
        }
      }
    }
    Map<String, Long> manifest = new LinkedHashMap<>();
    for (TableTarget t : targets) {
      manifest.put(t.name(), t.plan().mode() == Rules.Mode.EMPTY ? 0 : t.rows());
    }
    // Each range's checkpoint says where it stands; the run itself always masks (and verifies).
    return new Start<>(targets, false, manifest);
  }

  @Override
  public Map<String, Long> recordedManifest(List<TableTarget> targets) throws SQLException {
    try (Connection c = connections.open()) {
      for (String schema : TableTarget.schemas(targets)) {
        boolean recorded =
            dialect.tables(c, schema).stream()
                .anyMatch(t -> t.name().equals(MaskingRecord.COLLECTION));
        String sha = recorded ? checkpoints.rulesSha256(c, schema) : null;
        if (sha == null) {
          throw new MaskingException(
              MaskingException.Kind.VERIFICATION_FAILED,
              "not-masked",
              "schema "
                  + schema
                  + " has no masking record: dbrestore never masked this copy; mask it first");
        }
        if (!sha.equals(plan.rules().sha256())) {
          throw new MaskingException(
              MaskingException.Kind.VERIFICATION_FAILED,
              "not-masked",
              "schema "
                  + schema
                  + " was masked with other rules (sha256 "
                  + sha.substring(0, Math.min(12, sha.length()))
                  + ", these "
                  + plan.rules().sha256().substring(0, 12)
                  + "); verify it with the rules it was masked with");
        }
      }
    }
    Map<String, Long> manifest = new LinkedHashMap<>();
    for (TableTarget t : targets) {
      manifest.put(t.name(), t.rows());
    }
    return manifest;
  }

  @Override
  public void empty(TableTarget t) throws SQLException {
    try (Connection c = connections.open()) {
      dialect.relaxSession(c);
      try (Statement s = c.createStatement()) {
        // DELETE rather than TRUNCATE: it works under foreign keys with checks relaxed. The
        // inventory refused the table if a DELETE trigger or rule would fire.
        s.executeUpdate("DELETE FROM " + dialect.relation(t.table()));
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  @Override
  public Work<Range> split(List<TableTarget> targets, RunTotals totals) throws SQLException {
    return ranges.split(targets);
  }

  @Override
  public void mask(Range unit, RunTotals totals, PhaseProgress progress) {
    ranges.mask(unit, totals, progress);
  }

  /**
   * {@link SqlFinishing}: on every run, whatever the run record says, so a resumed run finishes.
   */
  @Override
  public Map<String, Double> finish(List<TableTarget> targets) throws SQLException {
    return finishing.finish(targets);
  }

  @Override
  public void record(List<TableTarget> targets, MaskingRecord.State state) throws SQLException {
    try (Connection c = connections.open()) {
      // Relaxed like every session that writes: only what the inventory checked can fire.
      dialect.relaxSession(c);
      checkpoints.state(c, TableTarget.schemas(targets), state);
    }
  }

  /** The SQL run record keeps the state only; the manifest is the caller's to keep. */
  @Override
  public void recordVerified(List<TableTarget> targets, Map<String, Long> manifest)
      throws SQLException {
    record(targets, MaskingRecord.State.VERIFIED);
  }

  @Override
  public void verify(
      List<TableTarget> targets, Map<String, Long> manifest, VerificationFindings findings)
      throws SQLException {
    verification.verify(targets, findings);
    finishing.verify(targets, findings);
  }
}
