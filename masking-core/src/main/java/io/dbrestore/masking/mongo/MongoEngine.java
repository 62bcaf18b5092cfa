package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import io.dbrestore.masking.engine.Engine;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.PhaseProgress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.RunTotals;
import io.dbrestore.masking.engine.VerificationFindings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MongoDB side of a {@link io.dbrestore.masking.engine.MaskingRun}: each database a run masks
 * has its own run record and checkpoints ({@link Checkpoints}).
 */
final class MongoEngine implements Engine<CollectionTarget, ChunkWork, RuntimeException> {
  private static final Logger LOG = LoggerFactory.getLogger(MongoEngine.class);

  /** Shared with {@link CopyEngine}: the two MongoDB engines read alike. */
  static final Conventions CONVENTIONS =
      new Conventions("document", "field", "masking-worker", true, true, true, true);

  private final MongoClient client;
  private final MaskingPlan plan;
  private final RunOptions options;
  private final MongoInventory inventory;
  private final ChunkMasking chunks;
  private final MongoVerification verification;

  MongoEngine(MongoClient client, MaskingPlan plan, RunOptions options) {
    this.client = client;
    this.plan = plan;
    this.options = options;
    this.inventory = new MongoInventory(client, plan);
    this.chunks = new ChunkMasking(client, options);
    this.verification = new MongoVerification(client, options, inventory);
  }

  @Override
  public Conventions conventions() {
    return CONVENTIONS;
  }

  @Override
  public List<CollectionTarget> inventory() {
    return inventory.targets();
  }

  @Override
  public Start<CollectionTarget> start() {
    List<CollectionTarget> targets = inventory();
    Map<String, Long> manifest = new LinkedHashMap<>();
    boolean verified = true;
    for (Map.Entry<String, List<CollectionTarget>> db : byDatabase(targets).entrySet()) {
      Checkpoints cp = checkpoints(db.getKey());
      Map<String, Long> counts = new LinkedHashMap<>();
      db.getValue().forEach(t -> counts.put(t.name(), t.documents()));
      MaskingRecord.Run run = cp.run().orElse(null);
      if (run == null) {
        verified = false;
        if (!options.dryRun()) {
          Map<String, List<String>> indexes = new LinkedHashMap<>();
          db.getValue().forEach(t -> indexes.put(t.name(), inventory.uniqueIndexes(t.plan())));
          cp.record().start(plan.rules().sha256(), counts, indexes);
        }
      } else {
        requireSameRules(db.getKey(), run, plan);
        counts.putAll(run.counts());
        verified &= run.verified();
        LOG.info("resuming the masking of database {} (state {})", db.getKey(), run.state());
      }
      manifest.putAll(counts);
    }
    return new Start<>(targets, verified, manifest);
  }

  /**
   * Refuses a database (of the copy, or of the destination) masked, even partly, with other rules:
   * masking it again would mask values twice.
   */
  static void requireSameRules(String database, MaskingRecord.Run run, MaskingPlan plan) {
    String sha = run.rulesSha256();
    if (!plan.rules().sha256().equals(sha)) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED,
          "rules-changed",
          "database "
              + database
              + " was masked (or partly masked) with other rules (sha256 "
              + abbreviate(sha)
              + ", now "
              + abbreviate(plan.rules().sha256())
              + "); masking it again would mask values twice: restore a fresh copy");
    }
  }

  @Override
  public Map<String, Long> recordedManifest(List<CollectionTarget> targets) {
    return recordedManifest(client, plan, targets);
  }

  /** The counts recorded by the run records of the targets' databases in {@code client}. */
  static Map<String, Long> recordedManifest(
      MongoClient client, MaskingPlan plan, List<CollectionTarget> targets) {
    Map<String, Long> manifest = new LinkedHashMap<>();
    for (String db : byDatabase(targets).keySet()) {
      MaskingRecord.Run run = MaskingRecord.read(client.getDatabase(db)).orElse(null);
      if (run == null || !plan.rules().sha256().equals(run.rulesSha256())) {
        throw new MaskingException(
            MaskingException.Kind.VERIFICATION_FAILED,
            "not-masked",
            "database " + db + " was not masked with these rules");
      }
      manifest.putAll(run.counts());
    }
    return manifest;
  }

  @Override
  public void empty(CollectionTarget t) {
    Checkpoints cp = checkpoints(t.plan().database());
    if (cp.emptied(t.plan().name())) {
      return;
    }
    long deleted =
        client
            .getDatabase(t.plan().database())
            .getCollection(t.plan().name())
            .deleteMany(new Document())
            .getDeletedCount();
    cp.markEmptied(t.plan().name());
    LOG.info("emptied {} ({} documents)", t.name(), deleted);
  }

  @Override
  public Work<ChunkWork> split(List<CollectionTarget> targets, RunTotals totals) {
    return chunks.split(targets, totals);
  }

  @Override
  public void mask(ChunkWork unit, RunTotals totals, PhaseProgress progress) {
    chunks.mask(unit, totals, progress);
  }

  @Override
  public void record(List<CollectionTarget> targets, MaskingRecord.State state) {
    byDatabase(targets).keySet().forEach(db -> checkpoints(db).record().state(state));
  }

  @Override
  public void recordVerified(List<CollectionTarget> targets, Map<String, Long> manifest) {
    byDatabase(targets).keySet().forEach(db -> checkpoints(db).record().verified(manifest));
  }

  @Override
  public void verify(
      List<CollectionTarget> targets, Map<String, Long> manifest, VerificationFindings findings) {
    verification.verify(targets, manifest, findings);
  }

  private Checkpoints checkpoints(String database) {
    return new Checkpoints(client.getDatabase(database));
  }

  static Map<String, List<CollectionTarget>> byDatabase(List<CollectionTarget> targets) {
    Map<String, List<CollectionTarget>> result = new LinkedHashMap<>();
    for (CollectionTarget t : targets) {
      result.computeIfAbsent(t.plan().database(), k -> new ArrayList<>()).add(t);
    }
    return result;
  }

  private static String abbreviate(String sha) {
    return sha == null ? "none" : sha.substring(0, Math.min(12, sha.length()));
  }
}
