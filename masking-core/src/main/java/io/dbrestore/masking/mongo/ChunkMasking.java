package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.Engine;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.PhaseProgress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.RunTotals;
import io.dbrestore.masking.engine.Workers;
import io.dbrestore.masking.rules.Rules;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masks collections chunk by chunk: documents are streamed in {@code _id} order (memory is bounded
 * by workers × batch size, not by collection size), masked on the client and written back as
 * unordered bulk updates by {@code _id} that set only the top-level fields that changed. Each batch
 * moves its chunk's checkpoint ({@link Checkpoints}), so a killed run resumes without masking a
 * document twice.
 */
final class ChunkMasking {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkMasking.class);

  /**
   * Tests only: runs after a batch is written and before its checkpoint is confirmed, the one
   * moment where a crash leaves a pending batch behind.
   */
  static volatile Runnable afterWriteHook;

  private final MongoClient client;
  private final RunOptions options;

  ChunkMasking(MongoClient client, RunOptions options) {
    this.client = client;
    this.options = options;
  }

  /**
   * The chunks of every masked collection that are not done: the saved ones of a resumed run, or
   * new ones (saved at once, so that a killed run resumes with the same chunks); adds what the done
   * and started chunks masked already to the totals.
   */
  Engine.Work<ChunkWork> split(List<CollectionTarget> targets, RunTotals totals) {
    return ChunkSteps.split(
        targets,
        t -> t.plan().mode() == Rules.Mode.MASK,
        t -> client.getDatabase(t.plan().database()).getCollection(t.plan().name()),
        this::checkpoints,
        options,
        totals);
  }

  private Checkpoints checkpoints(CollectionTarget t) {
    return new Checkpoints(client.getDatabase(t.plan().database()));
  }

  /**
   * Masks a chunk; when the connection fails mid-chunk, starts it again from its checkpoint, which
   * the pending-batch check makes safe.
   */
  void mask(ChunkWork w, RunTotals totals, PhaseProgress progress) {
    Checkpoints cp = checkpoints(w.target());
    ChunkSteps.withRestarts(w, cp, options, c -> maskChunk(c, cp, totals, progress));
  }

  private void maskChunk(ChunkWork w, Checkpoints cp, RunTotals totals, PhaseProgress progress) {
    CollectionPlan p = w.target().plan();
    MongoDatabase db = client.getDatabase(p.database());
    MongoCollection<RawBsonDocument> raw = db.getCollection(p.name(), RawBsonDocument.class);
    MongoCollection<Document> coll = db.getCollection(p.name());
    boolean validated = ChunkSteps.validated(db, p.name());
    DocumentMasker masker = new DocumentMasker(p.tree());
    Chunk chunk = w.chunk();
    long confirmed = w.state().getLong("confirmed");
    long masked = w.state().getLong("masked");
    Set<Object> alreadyMasked = alreadyMasked(raw, w.state().get("pending", Document.class));
    AtomicLong collectionMasked = totals.masked(w.target().name());

    List<WriteModel<Document>> models = new ArrayList<>(options.batchSize());
    List<Object> ids = new ArrayList<>(options.batchSize());
    List<Long> hashes = new ArrayList<>(options.batchSize());
    Set<String> paths = new LinkedHashSet<>();
    int inBatch = 0;
    for (RawBsonDocument rawDoc :
        raw.find(chunk.filter())
            .sort(Sorts.ascending("_id"))
            .skip((int) Math.min(Integer.MAX_VALUE, confirmed))
            .batchSize(options.batchSize())) {
      Workers.checkCancelled();
      Document doc = RawDocuments.decode(rawDoc);
      Object id = doc.get("_id");
      inBatch++;
      if (!alreadyMasked.isEmpty() && alreadyMasked.remove(id)) {
        masked++;
        collectionMasked.incrementAndGet();
      } else {
        paths.clear();
        DocumentMasker.Result r = masker.mask(doc, (path, n) -> paths.add(path));
        for (String path : paths) {
          totals.undeclared().add(p.qualifiedName(), path, 1);
        }
        if (r.changed()) {
          models.add(new UpdateOneModel<>(Filters.eq("_id", id), r.toUpdate()));
          ids.add(id);
          hashes.add(hash(rawDoc));
        }
      }
      if (inBatch >= options.batchSize()) {
        int written = flush(coll, validated, cp, chunk, models, ids, hashes, p);
        masked += written;
        collectionMasked.addAndGet(written);
        confirmed += inBatch;
        if (!options.dryRun()) {
          cp.confirm(chunk, confirmed, masked, false);
        }
        progress.add(inBatch);
        inBatch = 0;
      }
    }
    int written = flush(coll, validated, cp, chunk, models, ids, hashes, p);
    masked += written;
    collectionMasked.addAndGet(written);
    confirmed += inBatch;
    progress.add(inBatch);
    chunk.requireRead(p.qualifiedName(), confirmed);
    if (!options.dryRun()) {
      cp.confirm(chunk, confirmed, masked, true);
    }
  }

  /** Writes a batch; returns how many documents it masked. */
  private int flush(
      MongoCollection<Document> coll,
      boolean validated,
      Checkpoints cp,
      Chunk chunk,
      List<WriteModel<Document>> models,
      List<Object> ids,
      List<Long> hashes,
      CollectionPlan p) {
    int n = models.size();
    if (n == 0) {
      return 0;
    }
    if (!options.dryRun()) {
      cp.pending(chunk, new ArrayList<>(ids), new ArrayList<>(hashes));
      // The same updates again are harmless: nothing to undo before a retry.
      ChunkSteps.write(coll, models, ids, p.qualifiedName(), () -> {}, validated);
      Runnable hook = afterWriteHook;
      if (hook != null) {
        hook.run();
      }
    }
    models.clear();
    ids.clear();
    hashes.clear();
    return n;
  }

  /**
   * The pending batch of a chunk whose run was killed: the ids whose document changed since it was
   * read were written, so they must not be masked again.
   */
  private static Set<Object> alreadyMasked(MongoCollection<RawBsonDocument> raw, Document pending) {
    if (pending == null) {
      return new HashSet<>();
    }
    List<?> ids = pending.getList("ids", Object.class);
    List<?> hashes = pending.getList("hashes", Object.class);
    Map<Object, Long> expected = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      expected.put(ids.get(i), ((Number) hashes.get(i)).longValue());
    }
    Set<Object> masked = new HashSet<>();
    for (RawBsonDocument d : raw.find(Filters.in("_id", ids))) {
      Object id = RawDocuments.decode(d).get("_id");
      Long before = expected.get(id);
      if (before != null && before != hash(d)) {
        masked.add(id);
      }
    }
    LOG.info(
        "resumed a chunk: {} of {} pending documents were already masked",
        masked.size(),
        ids.size());
    return masked;
  }

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  /** The first 64 bits of the SHA-256 of a document's bytes as read. */
  static long hash(RawBsonDocument d) {
    ByteBuffer bytes = d.getByteBuffer().asNIO();
    MessageDigest md = SHA256.get();
    md.update(bytes);
    return ByteBuffer.wrap(md.digest()).getLong();
  }
}
