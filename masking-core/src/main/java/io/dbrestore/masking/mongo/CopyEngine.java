package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Sorts;
import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.Engine;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.PhaseProgress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.RunTotals;
import io.dbrestore.masking.engine.VerificationFindings;
import io.dbrestore.masking.engine.Workers;
import io.dbrestore.masking.rules.Rules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MongoDB side of a {@link io.dbrestore.masking.engine.MaskingRun} that masks into another
 * server ({@link MongoCopy}): the inventory, the chunks and every document are read from the
 * source, which is never written; collections, documents (masked, or as they are for {@code keep}),
 * indexes, views, the checkpoints and the run record are written into the destination.
 *
 * <p>A document is inserted once: before a batch is inserted, its {@code _id}s are recorded as the
 * chunk's pending batch; a resumed chunk deletes them from the destination and reads the source on
 * from the confirmed position (the source does not change, so {@code skip} in {@code _id} order
 * lands where it stopped).
 */
final class CopyEngine implements Engine<CollectionTarget, ChunkWork, RuntimeException> {
  private static final Logger LOG = LoggerFactory.getLogger(CopyEngine.class);

  /**
   * Tests only: runs after a batch is inserted and before its checkpoint is confirmed, the one
   * moment where a crash leaves a pending batch behind.
   */
  static volatile Runnable afterWriteHook;

  private final MongoClient source;
  private final MongoClient destination;
  private final MaskingPlan plan;
  private final RunOptions options;
  private final MongoInventory inventory;
  private final CopySchema schema;
  private final MongoVerification verification;

  CopyEngine(MongoClient source, MongoClient destination, MaskingPlan plan, RunOptions options) {
    this.source = source;
    this.destination = destination;
    this.plan = plan;
    this.options = options;
    this.inventory = new MongoInventory(source, plan);
    this.schema = new CopySchema(source, destination);
    this.verification =
        new MongoVerification(destination, options, new MongoInventory(destination, plan));
  }

  @Override
  public Conventions conventions() {
    return MongoEngine.CONVENTIONS;
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
    for (Map.Entry<String, List<CollectionTarget>> db :
        MongoEngine.byDatabase(targets).entrySet()) {
      Checkpoints cp = checkpoints(db.getKey());
      Map<String, Long> counts = new LinkedHashMap<>();
      db.getValue().forEach(t -> counts.put(t.name(), t.documents()));
      MaskingRecord.Run run = cp.run().orElse(null);
      boolean done;
      if (run == null) {
        done = false;
        if (!options.dryRun()) {
          requireBlank(db.getKey());
          Map<String, List<String>> indexes = new LinkedHashMap<>();
          db.getValue().forEach(t -> indexes.put(t.name(), inventory.uniqueIndexes(t.plan())));
          cp.record().start(plan.rules().sha256(), counts, indexes);
        }
      } else {
        MongoEngine.requireSameRules(db.getKey(), run, plan);
        counts.putAll(run.counts());
        done = run.verified();
        LOG.info("resuming the copy of database {} (state {})", db.getKey(), run.state());
      }
      if (!done && !options.dryRun()) {
        Set<String> names = new LinkedHashSet<>();
        db.getValue().forEach(t -> names.add(t.plan().name()));
        schema.createCollections(db.getKey(), names);
      }
      verified &= done;
      manifest.putAll(counts);
    }
    return new Start<>(targets, verified, manifest);
  }

  /** Refuses to write into a database of the destination that holds collections of another run. */
  private void requireBlank(String database) {
    List<String> names =
        destination.getDatabase(database).listCollectionNames().into(new ArrayList<>());
    if (!names.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED,
          "destination-not-blank",
          "database "
              + database
              + " of the destination holds collections but no run record: copy into a blank"
              + " server");
    }
  }

  @Override
  public Map<String, Long> recordedManifest(List<CollectionTarget> targets) {
    return MongoEngine.recordedManifest(destination, plan, targets);
  }

  /** Nothing to delete: the collection was created empty, and nothing is copied into it. */
  @Override
  public void empty(CollectionTarget t) {
    LOG.info("{} is created empty ({} documents left behind)", t.name(), t.documents());
  }

  @Override
  public Work<ChunkWork> split(List<CollectionTarget> targets, RunTotals totals) {
    return ChunkSteps.split(
        targets,
        t -> t.plan().mode() != Rules.Mode.EMPTY,
        t -> source.getDatabase(t.plan().database()).getCollection(t.plan().name()),
        t -> checkpoints(t.plan().database()),
        options,
        totals);
  }

  @Override
  public void mask(ChunkWork unit, RunTotals totals, PhaseProgress progress) {
    Checkpoints cp = checkpoints(unit.target().plan().database());
    ChunkSteps.withRestarts(unit, cp, options, w -> copyChunk(w, cp, totals, progress));
  }

  private void copyChunk(ChunkWork w, Checkpoints cp, RunTotals totals, PhaseProgress progress) {
    CollectionPlan p = w.target().plan();
    MongoCollection<RawBsonDocument> from =
        source.getDatabase(p.database()).getCollection(p.name(), RawBsonDocument.class);
    MongoCollection<RawBsonDocument> to =
        destination.getDatabase(p.database()).getCollection(p.name(), RawBsonDocument.class);
    boolean masking = p.mode() == Rules.Mode.MASK;
    DocumentMasker masker = new DocumentMasker(p.tree());
    // Under the fail policy a document with an undeclared field is not written: the run refuses.
    boolean withhold = plan.rules().policy().undeclaredFields() == Rules.Action.FAIL;
    Chunk chunk = w.chunk();
    long confirmed = w.state().getLong("confirmed");
    long masked = w.state().getLong("masked");
    Document pending = w.state().get("pending", Document.class);
    if (pending != null && !options.dryRun()) {
      List<Object> ids = pending.getList("ids", Object.class);
      long deleted = to.deleteMany(Filters.in("_id", ids)).getDeletedCount();
      LOG.info(
          "resumed {} chunk {}: deleted {} of the {} documents of its pending batch",
          p.qualifiedName(),
          chunk.index(),
          deleted,
          ids.size());
    }
    AtomicLong collectionMasked = totals.masked(w.target().name());
    Batch batch =
        new Batch(
            options.batchSize(),
            ChunkSteps.validated(destination.getDatabase(p.database()), p.name()));
    Set<String> paths = new LinkedHashSet<>();
    int inBatch = 0;
    for (RawBsonDocument raw :
        from.find(chunk.filter())
            .sort(Sorts.ascending("_id"))
            .skip((int) Math.min(Integer.MAX_VALUE, confirmed))
            .batchSize(options.batchSize())) {
      Workers.checkCancelled();
      inBatch++;
      RawBsonDocument out = raw;
      if (masking) {
        Document doc = RawDocuments.decode(raw);
        paths.clear();
        DocumentMasker.Result r = masker.mask(doc, (path, n) -> paths.add(path));
        for (String path : paths) {
          totals.undeclared().add(p.qualifiedName(), path, 1);
        }
        if (withhold && !paths.isEmpty()) {
          out = null;
        } else if (r.changed()) {
          out = RawDocuments.encode(RawDocuments.applyMasking(doc, r));
          batch.changed++;
        }
      }
      if (out != null) {
        batch.add(raw.get("_id"), out);
      }
      if (inBatch >= options.batchSize()) {
        masked += flush(to, cp, chunk, batch, p, collectionMasked);
        confirmed += inBatch;
        if (!options.dryRun()) {
          cp.confirm(chunk, confirmed, masked, false);
        }
        progress.add(inBatch);
        inBatch = 0;
      }
    }
    masked += flush(to, cp, chunk, batch, p, collectionMasked);
    confirmed += inBatch;
    progress.add(inBatch);
    chunk.requireRead(p.qualifiedName(), confirmed);
    if (!options.dryRun()) {
      cp.confirm(chunk, confirmed, masked, true);
    }
  }

  /** A batch of inserts, with the {@code _id} of each and how many of them masking changed. */
  private static final class Batch {
    final List<InsertOneModel<RawBsonDocument>> inserts;
    final List<BsonValue> ids;

    /** Whether the destination collection has a validator (written past: see ChunkSteps.write). */
    final boolean validated;

    int changed;

    Batch(int size, boolean validated) {
      inserts = new ArrayList<>(size);
      ids = new ArrayList<>(size);
      this.validated = validated;
    }

    void add(BsonValue id, RawBsonDocument document) {
      ids.add(id);
      inserts.add(new InsertOneModel<>(document));
    }
  }

  /** Inserts a batch (its {@code _id}s recorded as pending first); returns how many it masked. */
  private int flush(
      MongoCollection<RawBsonDocument> to,
      Checkpoints cp,
      Chunk chunk,
      Batch batch,
      CollectionPlan p,
      AtomicLong collectionMasked) {
    int changed = batch.changed;
    if (!batch.inserts.isEmpty() && !options.dryRun()) {
      List<BsonValue> ids = new ArrayList<>(batch.ids);
      cp.pending(chunk, new ArrayList<>(ids), List.of());
      // A retried insert after a half-applied attempt would hit its own documents: delete first.
      ChunkSteps.write(
          to,
          batch.inserts,
          ids,
          p.qualifiedName(),
          () -> to.deleteMany(Filters.in("_id", ids)),
          batch.validated);
      Runnable hook = afterWriteHook;
      if (hook != null) {
        hook.run();
      }
    }
    batch.inserts.clear();
    batch.ids.clear();
    batch.changed = 0;
    if (collectionMasked != null) {
      collectionMasked.addAndGet(changed);
    }
    return changed;
  }

  /**
   * Records a state in every database of the targets. {@code MASKED} comes once every document is
   * in: the indexes are built then (faster than maintaining them while inserting), then the views.
   * {@code DRIFT} (fields the rules do not declare, under the fail policy) drops what the run wrote
   * into the destination: a refused copy leaves nothing behind.
   */
  @Override
  public void record(List<CollectionTarget> targets, MaskingRecord.State state) {
    Map<String, List<CollectionTarget>> byDatabase = MongoEngine.byDatabase(targets);
    if (state == MaskingRecord.State.DRIFT) {
      for (String db : byDatabase.keySet()) {
        destination.getDatabase(db).drop();
        LOG.warn("dropped database {} of the destination: the copy was refused", db);
      }
      return;
    }
    if (state == MaskingRecord.State.MASKED) {
      for (Map.Entry<String, List<CollectionTarget>> db : byDatabase.entrySet()) {
        for (CollectionTarget t : db.getValue()) {
          schema.createIndexes(db.getKey(), t.plan().name());
        }
        schema.createViews(db.getKey());
      }
    }
    byDatabase.keySet().forEach(db -> checkpoints(db).record().state(state));
  }

  /** Records the verified manifest and deletes the checkpoints: the run record stays alone. */
  @Override
  public void recordVerified(List<CollectionTarget> targets, Map<String, Long> manifest) {
    for (String db : MongoEngine.byDatabase(targets).keySet()) {
      Checkpoints cp = checkpoints(db);
      cp.record().verified(manifest);
      cp.clearProgress();
    }
  }

  /**
   * The verification of the destination ({@link MongoVerification}: every document read whole, no
   * chunk filters), plus what only a copy can check: the manifest is what the source holds now, and
   * the destination holds no database or collection that the rules do not copy.
   */
  @Override
  public void verify(
      List<CollectionTarget> targets, Map<String, Long> manifest, VerificationFindings findings) {
    Set<String> expected = new HashSet<>();
    for (CollectionTarget t : targets) {
      expected.add(t.name());
      Long recorded = manifest.get(t.name());
      if (t.plan().mode() != Rules.Mode.EMPTY && recorded != null && recorded != t.documents()) {
        findings.problem(
            t.name()
                + ": the source holds "
                + t.documents()
                + " documents, the manifest "
                + recorded);
      }
    }
    Map<String, List<CollectionTarget>> byDatabase = MongoEngine.byDatabase(targets);
    for (String db : destination.listDatabaseNames()) {
      if (MaskingRecord.SYSTEM_DATABASES.contains(db)) {
        continue;
      }
      if (!byDatabase.containsKey(db)) {
        findings.problem("the destination holds database " + db + ", which the rules do not copy");
        continue;
      }
      for (Document info : destination.getDatabase(db).listCollections()) {
        String name = info.getString("name");
        if (!expected.contains(db + "." + name)
            && !name.equals(MaskingRecord.COLLECTION)
            && !name.startsWith("system.")
            && !"view".equals(info.getString("type"))) {
          findings.problem(
              "the destination holds " + db + "." + name + ", which the rules do not copy");
        }
      }
    }
    verification.verify(targets, manifest, findings);
  }

  private Checkpoints checkpoints(String database) {
    return new Checkpoints(destination.getDatabase(database));
  }
}
