package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import io.dbrestore.masking.engine.DocumentVerifier;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.PhaseProgress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.VerificationFindings;
import io.dbrestore.masking.engine.Workers;
import io.dbrestore.masking.rules.Rules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * Reads a masked MongoDB copy again: the document counts the manifest records, the unique indexes
 * the run started with, every chunk done, and every document of every collection, with every
 * declared field of a masked collection in masked form and no undeclared field.
 *
 * <p>It does not share the masking pass's blind spots: each collection is read whole, with a plain
 * {@code find()} and no {@code _id} filter (collections in parallel), and the documents it sees
 * must be as many as {@code countDocuments()} counts, which must be what the manifest records. A
 * chunk filter that leaves documents out of the masking pass cannot leave them out here.
 */
final class MongoVerification {
  private final MongoClient client;
  private final RunOptions options;
  private final MongoInventory inventory;

  MongoVerification(MongoClient client, RunOptions options, MongoInventory inventory) {
    this.client = client;
    this.options = options;
    this.inventory = inventory;
  }

  void verify(
      List<CollectionTarget> targets, Map<String, Long> manifest, VerificationFindings findings) {
    List<CollectionScan> work = new ArrayList<>();
    long total = 0;
    Map<String, MaskingRecord.Run> runs = new LinkedHashMap<>();
    for (CollectionTarget t : targets) {
      String db = t.plan().database();
      if (!runs.containsKey(db)) {
        runs.put(db, MaskingRecord.read(client.getDatabase(db)).orElse(null));
      }
    }
    for (CollectionTarget t : targets) {
      MongoCollection<Document> coll = collection(t.plan(), Document.class);
      long now = coll.countDocuments();
      Long before = manifest.get(t.name());
      long expected = t.plan().mode() == Rules.Mode.EMPTY ? 0 : before == null ? now : before;
      if (now != expected) {
        findings.problem(t.name() + " holds " + now + " documents, expected " + expected);
      }
      if (t.plan().mode() == Rules.Mode.EMPTY) {
        manifest.put(t.name(), now);
      }
      MaskingRecord.Run run = runs.get(t.plan().database());
      List<String> recorded = run == null ? null : run.uniqueIndexes().get(t.name());
      if (recorded != null) {
        List<String> current = inventory.uniqueIndexes(t.plan());
        for (String index : recorded) {
          if (!current.contains(index)) {
            findings.problem(t.name() + " lost its unique index " + index.split(" ")[0]);
          }
        }
      }
      if (t.plan().mode() == Rules.Mode.MASK) {
        Checkpoints cp = new Checkpoints(client.getDatabase(t.plan().database()));
        for (Document c : cp.chunks(t.plan().name())) {
          if (!c.getBoolean("done")) {
            findings.problem(
                t.name() + " was not completely masked (chunk " + c.getInteger("index") + ")");
          }
        }
      }
      work.add(new CollectionScan(t, now));
      total += now;
    }
    PhaseProgress progress = new PhaseProgress(options.progress(), "verify", total);
    Workers.runLargestFirst(
        work, options.parallelism(), "masking-worker", w -> scan(w, findings, progress));
  }

  /**
   * Reads every document of a collection: a masked collection's whole documents, the others' ids
   * only (there is nothing in them to check but that they are all there).
   */
  private void scan(CollectionScan w, VerificationFindings findings, PhaseProgress progress) {
    CollectionPlan p = w.target().plan();
    boolean masked = p.mode() == Rules.Mode.MASK;
    DocumentVerifier verifier = new DocumentVerifier(p.tree());
    Set<String> bad = new LinkedHashSet<>();
    Set<String> paths = new LinkedHashSet<>();
    long n = 0;
    var find = collection(p, RawBsonDocument.class).find().batchSize(options.batchSize());
    if (!masked) {
      find = find.projection(Projections.include("_id"));
    }
    for (RawBsonDocument rawDoc : find) {
      Workers.checkCancelled();
      if (masked) {
        Document doc = RawDocuments.decode(rawDoc);
        bad.clear();
        paths.clear();
        verifier.verify(doc, bad::add, (path, k) -> paths.add(path));
        bad.forEach(f -> findings.notMasked().add(p.qualifiedName(), f, 1));
        paths.forEach(f -> findings.undeclared().add(p.qualifiedName(), f, 1));
      }
      if (++n % options.batchSize() == 0) {
        progress.add(options.batchSize());
      }
    }
    progress.add(n % options.batchSize());
    if (n != w.documents()) {
      findings.problem(p.qualifiedName() + ": read " + n + " documents, counted " + w.documents());
    }
  }

  private <D> MongoCollection<D> collection(CollectionPlan p, Class<D> type) {
    return client.getDatabase(p.database()).getCollection(p.name(), type);
  }
}
