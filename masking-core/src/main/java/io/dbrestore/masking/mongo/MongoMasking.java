package io.dbrestore.masking.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import io.dbrestore.masking.engine.CollectionReport;
import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.DocumentVerifier;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.PathCounts;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.Sample;
import io.dbrestore.masking.engine.Workers;
import io.dbrestore.masking.rules.Rules;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masks a MongoDB copy in place with a {@link MaskingPlan}: fail closed on undeclared collections
 * (before any write) and undeclared fields (found in every document), parallel across and within
 * collections, resumable, then verified.
 *
 * <p>Documents are streamed (memory is bounded by workers × batch size, not by collection size),
 * masked on the client and written back as unordered bulk updates by {@code _id} that set only the
 * top-level fields that changed.
 */
public final class MongoMasking {
  private static final Logger LOG = LoggerFactory.getLogger(MongoMasking.class);
  private static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");
  private static final Codec<Document> DOCUMENT_CODEC =
      MongoClientSettings.getDefaultCodecRegistry().get(Document.class);
  private static final DecoderContext DECODER = DecoderContext.builder().build();
  private static final int WRITE_ATTEMPTS = 5;

  /** A collection the run works on. */
  private record Target(CollectionPlan plan, long documents) {
    String name() {
      return plan.qualifiedName();
    }
  }

  /**
   * Tests only: runs after a batch is written and before its checkpoint is confirmed, the one
   * moment where a crash leaves a pending batch behind.
   */
  static volatile Runnable afterWriteHook;

  private final MongoClient client;
  private final MaskingPlan plan;
  private final RunOptions options;

  public MongoMasking(MongoClient client, MaskingPlan plan, RunOptions options) {
    this.client = client;
    this.plan = plan;
    this.options = options;
  }

  /** 8 workers, batches of 1,000 documents, chunks of 50,000. */
  public static RunOptions defaultOptions() {
    return new RunOptions(8, 1000, 50_000, false, Progress.NONE);
  }

  /** Masks every declared collection, then runs the verification gate. */
  public MaskingResult run() {
    long start = System.nanoTime();
    List<Target> targets = inventory();
    Map<String, Checkpoints> checkpoints = new LinkedHashMap<>();
    Map<String, Long> manifest = new LinkedHashMap<>();
    boolean alreadyVerified = true;
    for (Map.Entry<String, List<Target>> db : byDatabase(targets).entrySet()) {
      Checkpoints cp = new Checkpoints(client.getDatabase(db.getKey()));
      checkpoints.put(db.getKey(), cp);
      Map<String, Long> counts = new LinkedHashMap<>();
      db.getValue().forEach(t -> counts.put(t.name(), t.documents()));
      MaskingRecord.Run run = cp.run().orElse(null);
      if (run == null) {
        alreadyVerified = false;
        if (!options.dryRun()) {
          Map<String, List<String>> indexes = new LinkedHashMap<>();
          db.getValue().forEach(t -> indexes.put(t.name(), uniqueIndexes(t.plan())));
          cp.record().start(plan.rules().sha256(), counts, indexes);
        }
      } else {
        String sha = run.rulesSha256();
        if (!plan.rules().sha256().equals(sha)) {
          throw new MaskingException(
              MaskingException.Kind.REFUSED,
              "rules-changed",
              "database "
                  + db.getKey()
                  + " was masked (or partly masked) with other rules (sha256 "
                  + abbreviate(sha)
                  + ", now "
                  + abbreviate(plan.rules().sha256())
                  + "); masking it again would mask values twice: restore a fresh copy");
        }
        counts.putAll(run.counts());
        alreadyVerified &= run.verified();
        LOG.info("resuming the masking of database {} (state {})", db.getKey(), run.state());
      }
      manifest.putAll(counts);
    }

    PathCounts drift = new PathCounts();
    Map<String, AtomicLong> masked = new ConcurrentHashMap<>();
    Map<String, Double> seconds = new ConcurrentHashMap<>();
    if (!alreadyVerified) {
      empty(targets, checkpoints);
      mask(targets, checkpoints, drift, masked, seconds);
    }
    Rules.Action policy = plan.rules().policy().undeclaredFields();
    if (!drift.isEmpty()) {
      String list = drift.describe(20);
      if (policy == Rules.Action.FAIL) {
        if (!options.dryRun()) {
          checkpoints.values().forEach(cp -> cp.record().state(MaskingRecord.State.DRIFT));
        }
        throw new MaskingException(
            MaskingException.Kind.REFUSED,
            "undeclared-fields",
            "fields the rules do not declare: "
                + list
                + "; declare each one (a masking strategy or keep) and run again on a fresh copy");
      }
      LOG.warn("fields the rules do not declare were left as they are: {}", list);
    }
    if (options.dryRun()) {
      return new MaskingResult(
          reports(targets, manifest, masked, seconds, Map.of()),
          manifest,
          false,
          total(masked),
          elapsed(start),
          drift.snapshot());
    }
    checkpoints.values().forEach(cp -> cp.record().state(MaskingRecord.State.MASKED));
    Map<String, String> verification = verify(targets, manifest, checkpoints);
    return new MaskingResult(
        reports(targets, manifest, masked, seconds, verification),
        manifest,
        true,
        total(masked),
        elapsed(start),
        drift.snapshot());
  }

  /**
   * Up to {@code perCollection} documents of each masked collection, masked in memory only: what a
   * dry run shows. Writes nothing.
   */
  public List<Sample> samples(int perCollection) {
    List<Sample> samples = new ArrayList<>();
    for (Map<String, CollectionPlan> db : plan.databases().values()) {
      for (CollectionPlan p : db.values()) {
        if (p.mode() != Rules.Mode.MASK) {
          continue;
        }
        DocumentMasker masker = new DocumentMasker(p.tree());
        for (Document d :
            client.getDatabase(p.database()).getCollection(p.name()).find().limit(perCollection)) {
          DocumentMasker.Result r = masker.mask(d, (path, n) -> {});
          Document after = new Document(d);
          after.putAll(r.set());
          r.unset().forEach(after::remove);
          samples.add(new Sample(p.qualifiedName(), d, after));
        }
      }
    }
    return samples;
  }

  /** Runs only the verification gate on an already masked copy. */
  public MaskingResult verifyOnly() {
    long start = System.nanoTime();
    List<Target> targets = inventory();
    Map<String, Checkpoints> checkpoints = new LinkedHashMap<>();
    Map<String, Long> manifest = new LinkedHashMap<>();
    for (Map.Entry<String, List<Target>> db : byDatabase(targets).entrySet()) {
      Checkpoints cp = new Checkpoints(client.getDatabase(db.getKey()));
      checkpoints.put(db.getKey(), cp);
      MaskingRecord.Run run = cp.run().orElse(null);
      if (run == null || !plan.rules().sha256().equals(run.rulesSha256())) {
        throw new MaskingException(
            MaskingException.Kind.VERIFICATION_FAILED,
            "not-masked",
            "database " + db.getKey() + " was not masked with these rules");
      }
      manifest.putAll(run.counts());
    }
    Map<String, String> verification = verify(targets, manifest, checkpoints);
    return new MaskingResult(
        reports(targets, manifest, Map.of(), Map.of(), verification),
        manifest,
        true,
        0,
        elapsed(start),
        Map.of());
  }

  // ---- inventory: before any write -------------------------------------------------------

  private List<Target> inventory() {
    List<String> undeclared = new ArrayList<>();
    List<Target> targets = new ArrayList<>();
    for (String dbName : client.listDatabaseNames()) {
      if (SYSTEM_DATABASES.contains(dbName)) {
        continue;
      }
      MongoDatabase db = client.getDatabase(dbName);
      for (Document info : db.listCollections()) {
        String name = info.getString("name");
        String type = info.getString("type");
        if (name.startsWith("system.")
            || name.equals(MaskingRecord.COLLECTION)
            || "view".equals(type)
            || "timeseries".equals(type) && name.startsWith("system.buckets.")) {
          continue;
        }
        var collectionPlan = plan.collection(dbName, name);
        if (collectionPlan.isEmpty()) {
          undeclared.add(dbName + "." + name);
          continue;
        }
        targets.add(new Target(collectionPlan.get(), db.getCollection(name).countDocuments()));
      }
    }
    if (!undeclared.isEmpty()) {
      String list = String.join(", ", undeclared);
      if (plan.rules().policy().undeclaredCollections() == Rules.Action.FAIL) {
        throw new MaskingException(
            MaskingException.Kind.REFUSED,
            "undeclared-collections",
            "collections the rules do not declare: "
                + list
                + "; declare each one (fields to mask, keep, or drop) and run again");
      }
      LOG.warn("collections the rules do not declare are left as they are: {}", list);
    }
    for (Target t : targets) {
      if (t.plan().mode() == Rules.Mode.MASK) {
        checkIndexes(t);
      }
    }
    return targets;
  }

  /**
   * Rejects, before any write, a non-unique strategy on a field that a unique index covers (the
   * bulk writes would fail half-way, or worse, succeed on a sparse index and merge people), and any
   * strategy but keep on {@code _id}, which cannot be updated.
   */
  private void checkIndexes(Target t) {
    CollectionPlan p = t.plan();
    for (MaskingPlan.CompiledField f : p.fields()) {
      if (f.rule().path().text().equals("_id") && !f.strategy().keeps()) {
        throw invalidRules(
            f.rule(),
            p,
            "_id cannot be masked in place (MongoDB never updates _id); declare it keep");
      }
    }
    MongoCollection<Document> coll = client.getDatabase(p.database()).getCollection(p.name());
    for (Document index : coll.listIndexes()) {
      if (!Boolean.TRUE.equals(index.getBoolean("unique"))) {
        continue;
      }
      Document key = index.get("key", Document.class);
      for (String indexed : key.keySet()) {
        for (MaskingPlan.CompiledField f : p.fields()) {
          String path = f.rule().path().text().replace("[]", "");
          boolean covers = indexed.equals(path) || indexed.startsWith(path + ".");
          if (covers && !f.strategy().keeps() && !f.strategy().unique()) {
            throw invalidRules(
                f.rule(),
                p,
                "unique index '"
                    + index.getString("name")
                    + "' covers this field but strategy '"
                    + f.strategy().name()
                    + "' is not unique; use a unique strategy (email, token) or keep");
          }
        }
      }
    }
  }

  /** The unique indexes of a collection, as {@code name key} strings, sorted. */
  private List<String> uniqueIndexes(CollectionPlan p) {
    List<String> result = new ArrayList<>();
    for (Document index : client.getDatabase(p.database()).getCollection(p.name()).listIndexes()) {
      if (Boolean.TRUE.equals(index.getBoolean("unique"))
          || "_id_".equals(index.getString("name"))) {
        result.add(index.getString("name") + " " + index.get("key", Document.class).toJson());
      }
    }
    result.sort(null);
    return result;
  }

  private MaskingException invalidRules(Rules.Field rule, CollectionPlan p, String problem) {
    return new MaskingException(
        MaskingException.Kind.INVALID_RULES,
        "invalid-rules",
        plan.rules().source()
            + ":"
            + rule.line()
            + ": "
            + p.qualifiedName()
            + "."
            + rule.path()
            + ": "
            + problem);
  }

  // ---- emptying and masking --------------------------------------------------------------

  private void empty(List<Target> targets, Map<String, Checkpoints> checkpoints) {
    for (Target t : targets) {
      if (t.plan().mode() != Rules.Mode.EMPTY) {
        continue;
      }
      Checkpoints cp = checkpoints.get(t.plan().database());
      if (options.dryRun()) {
        LOG.info("dry run: would delete the {} documents of {}", t.documents(), t.name());
        continue;
      }
      if (cp.emptied(t.plan().name())) {
        continue;
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
  }

  private record Work(Target target, Chunk chunk, Document state) {}

  private void mask(
      List<Target> targets,
      Map<String, Checkpoints> checkpoints,
      PathCounts drift,
      Map<String, AtomicLong> masked,
      Map<String, Double> seconds) {
    List<Work> work = new ArrayList<>();
    long total = 0;
    Chunker chunker = new Chunker(options.unitSize());
    for (Target t : targets) {
      if (t.plan().mode() != Rules.Mode.MASK) {
        continue;
      }
      masked.put(t.name(), new AtomicLong());
      Checkpoints cp = checkpoints.get(t.plan().database());
      MongoCollection<Document> coll =
          client.getDatabase(t.plan().database()).getCollection(t.plan().name());
      List<Document> saved = options.dryRun() ? List.of() : cp.chunks(t.plan().name());
      if (saved.isEmpty()) {
        List<Chunk> chunks = chunker.split(t.plan().name(), coll, t.documents());
        if (!options.dryRun()) {
          cp.saveChunks(chunks);
          saved = cp.chunks(t.plan().name());
        } else {
          for (Chunk c : chunks) {
            work.add(new Work(t, c, new Document("confirmed", 0L).append("masked", 0L)));
            total += c.documents();
          }
          continue;
        }
      }
      for (Document s : saved) {
        Chunk c =
            new Chunk(
                s.getString("collection"),
                s.getInteger("index"),
                s.get("filter", Document.class),
                s.getLong("documents"));
        masked.get(t.name()).addAndGet(s.getLong("masked"));
        if (!s.getBoolean("done")) {
          work.add(new Work(t, c, s));
          total += Math.max(0, c.documents() - s.getLong("confirmed"));
        }
      }
    }
    // Largest first: the longest chunks start early, so no worker is left with one at the end.
    work.sort(Comparator.comparingLong((Work w) -> w.chunk().documents()).reversed());
    AtomicLong done = new AtomicLong();
    long grandTotal = total;
    Map<String, long[]> timing = new ConcurrentHashMap<>();
    Workers.runAll(
        work,
        options.parallelism(),
        "masking-worker",
        w -> {
          long t0 = System.nanoTime();
          maskChunkRetrying(
              w, checkpoints.get(w.target().plan().database()), drift, masked, done, grandTotal);
          long t1 = System.nanoTime();
          timing.merge(
              w.target().name(),
              new long[] {t0, t1},
              (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        });
    timing.forEach((name, t) -> seconds.put(name, (t[1] - t[0]) / 1e9));
  }

  /**
   * Masks a chunk; when the connection fails mid-chunk (a failover, a dropped socket, a lost
   * cursor), starts the chunk again from its checkpoint, which the pending-batch check makes safe.
   */
  private void maskChunkRetrying(
      Work w,
      Checkpoints cp,
      PathCounts drift,
      Map<String, AtomicLong> masked,
      AtomicLong done,
      long total) {
    Work current = w;
    for (int attempt = 1; ; attempt++) {
      try {
        maskChunk(current, cp, drift, masked, done, total);
        return;
      } catch (MongoSocketException
          | MongoTimeoutException
          | com.mongodb.MongoNotPrimaryException
          | com.mongodb.MongoNodeIsRecoveringException
          | com.mongodb.MongoCursorNotFoundException e) {
        if (options.dryRun() || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
        LOG.warn(
            "{} chunk {}: {}; starting the chunk again from its checkpoint",
            w.target().name(),
            w.chunk().index(),
            e.getClass().getSimpleName());
        backoff(attempt);
        current = new Work(w.target(), w.chunk(), cp.chunk(w.chunk()));
      }
    }
  }

  private void maskChunk(
      Work w,
      Checkpoints cp,
      PathCounts drift,
      Map<String, AtomicLong> maskedByCollection,
      AtomicLong done,
      long total) {
    CollectionPlan p = w.target().plan();
    MongoDatabase db = client.getDatabase(p.database());
    MongoCollection<RawBsonDocument> raw = db.getCollection(p.name(), RawBsonDocument.class);
    MongoCollection<Document> coll = db.getCollection(p.name());
    DocumentMasker masker = new DocumentMasker(p.tree());
    Chunk chunk = w.chunk();
    long confirmed = w.state().getLong("confirmed");
    long masked = w.state().getLong("masked");
    Set<Object> alreadyMasked = alreadyMasked(raw, w.state().get("pending", Document.class));
    AtomicLong collectionMasked = maskedByCollection.get(w.target().name());

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
      Document doc = DOCUMENT_CODEC.decode(rawDoc.asBsonReader(), DECODER);
      Object id = doc.get("_id");
      inBatch++;
      if (!alreadyMasked.isEmpty() && alreadyMasked.remove(id)) {
        masked++;
        collectionMasked.incrementAndGet();
      } else {
        paths.clear();
        DocumentMasker.Result r = masker.mask(doc, (path, n) -> paths.add(path));
        for (String path : paths) {
          drift.add(p.qualifiedName(), path, 1);
        }
        if (r.changed()) {
          models.add(new UpdateOneModel<>(Filters.eq("_id", id), r.toUpdate()));
          ids.add(id);
          hashes.add(hash(rawDoc));
        }
      }
      if (inBatch >= options.batchSize()) {
        int written = flush(coll, cp, chunk, models, ids, hashes, p);
        masked += written;
        collectionMasked.addAndGet(written);
        confirmed += inBatch;
        if (!options.dryRun()) {
          cp.confirm(chunk, confirmed, masked, false);
        }
        options.progress().update("mask", done.addAndGet(inBatch), total);
        inBatch = 0;
      }
    }
    int written = flush(coll, cp, chunk, models, ids, hashes, p);
    masked += written;
    collectionMasked.addAndGet(written);
    confirmed += inBatch;
    if (!options.dryRun()) {
      cp.confirm(chunk, confirmed, masked, true);
    }
    options.progress().update("mask", done.addAndGet(inBatch), total);
  }

  /** Writes a batch; returns how many documents it masked. */
  private int flush(
      MongoCollection<Document> coll,
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
      write(coll, models, ids, p);
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

  /** Unordered bulk write, retried on transient errors; the same updates again are harmless. */
  private void write(
      MongoCollection<Document> coll,
      List<WriteModel<Document>> models,
      List<Object> ids,
      CollectionPlan p) {
    for (int attempt = 1; ; attempt++) {
      try {
        coll.bulkWrite(models, new BulkWriteOptions().ordered(false));
        return;
      } catch (MongoBulkWriteException e) {
        BulkWriteError first = e.getWriteErrors().isEmpty() ? null : e.getWriteErrors().get(0);
        if (first == null && attempt < WRITE_ATTEMPTS) {
          backoff(attempt);
          continue;
        }
        // The server's message can quote the values (a duplicate key); name the _id and code only.
        throw new IllegalStateException(
            "writing "
                + p.qualifiedName()
                + " failed for _id "
                + (first == null ? "?" : ids.get(first.getIndex()))
                + " (error "
                + (first == null ? e.getCode() : first.getCode())
                + ", "
                + e.getWriteErrors().size()
                + " of "
                + models.size()
                + " writes in the batch failed)");
      } catch (MongoSocketException | MongoTimeoutException e) {
        if (attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
        backoff(attempt);
      } catch (MongoException e) {
        boolean transientError =
            e.hasErrorLabel("RetryableWriteError") || e.hasErrorLabel("TransientTransactionError");
        if (!transientError || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
        backoff(attempt);
      }
    }
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(10_000L, 500L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a write", e);
    }
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
      Object id = DOCUMENT_CODEC.decode(d.asBsonReader(), DECODER).get("_id");
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

  // ---- verification ----------------------------------------------------------------------

  private Map<String, String> verify(
      List<Target> targets, Map<String, Long> manifest, Map<String, Checkpoints> checkpoints) {
    PathCounts notMasked = new PathCounts();
    PathCounts undeclared = new PathCounts();
    List<String> problems = new ArrayList<>();
    Map<String, String> result = new TreeMap<>();
    List<Work> work = new ArrayList<>();
    long total = 0;
    Chunker chunker = new Chunker(options.unitSize());
    Map<String, MaskingRecord.Run> runs = new LinkedHashMap<>();
    checkpoints.forEach((db, cp) -> runs.put(db, cp.run().orElse(null)));
    for (Target t : targets) {
      MongoCollection<Document> coll =
          client.getDatabase(t.plan().database()).getCollection(t.plan().name());
      long now = coll.countDocuments();
      Long before = manifest.get(t.name());
      long expected = t.plan().mode() == Rules.Mode.EMPTY ? 0 : before == null ? now : before;
      if (now != expected) {
        problems.add(t.name() + " holds " + now + " documents, expected " + expected);
        result.put(t.name(), "failed");
      }
      if (t.plan().mode() == Rules.Mode.EMPTY) {
        manifest.put(t.name(), now);
      }
      MaskingRecord.Run run = runs.get(t.plan().database());
      List<String> recorded = run == null ? null : run.uniqueIndexes().get(t.name());
      if (recorded != null) {
        List<String> current = uniqueIndexes(t.plan());
        for (String index : recorded) {
          if (!current.contains(index)) {
            problems.add(t.name() + " lost its unique index " + index.split(" ")[0]);
            result.put(t.name(), "failed");
          }
        }
      }
      if (t.plan().mode() == Rules.Mode.MASK) {
        Checkpoints cp = checkpoints.get(t.plan().database());
        for (Document c : cp.chunks(t.plan().name())) {
          if (!c.getBoolean("done")) {
            problems.add(
                t.name() + " was not completely masked (chunk " + c.getInteger("index") + ")");
            result.put(t.name(), "failed");
          }
        }
        for (Chunk c : chunker.split(t.plan().name(), coll, now)) {
          work.add(new Work(t, c, null));
          total += c.documents();
        }
      }
    }
    AtomicLong done = new AtomicLong();
    long grandTotal = total;
    work.sort(Comparator.comparingLong((Work w) -> w.chunk().documents()).reversed());
    Workers.runAll(
        work,
        options.parallelism(),
        "masking-worker",
        w -> verifyChunk(w, notMasked, undeclared, done, grandTotal));

    Map<String, Map<String, Long>> failures = notMasked.snapshot();
    failures.forEach(
        (collection, fields) -> {
          fields.forEach(
              (field, n) ->
                  problems.add(
                      collection
                          + ": field "
                          + field
                          + " is not in masked form in "
                          + n
                          + (n == 1 ? " document" : " documents")));
          result.put(collection, "failed");
        });
    if (!undeclared.isEmpty() && plan.rules().policy().undeclaredFields() == Rules.Action.FAIL) {
      problems.add("fields the rules do not declare: " + undeclared.describe(20));
      undeclared.snapshot().keySet().forEach(c -> result.put(c, "failed"));
    }
    for (Target t : targets) {
      result.putIfAbsent(t.name(), "passed");
    }
    if (!problems.isEmpty()) {
      checkpoints
          .values()
          .forEach(cp -> cp.record().state(MaskingRecord.State.VERIFICATION_FAILED));
      throw new MaskingException(
          MaskingException.Kind.VERIFICATION_FAILED,
          "verification-failed",
          "verification failed: "
              + String.join("; ", problems.subList(0, Math.min(20, problems.size())))
              + (problems.size() > 20 ? "; and " + (problems.size() - 20) + " more" : ""));
    }
    checkpoints.values().forEach(cp -> cp.record().verified(manifest));
    return result;
  }

  private void verifyChunk(
      Work w, PathCounts notMasked, PathCounts undeclared, AtomicLong done, long total) {
    CollectionPlan p = w.target().plan();
    MongoCollection<RawBsonDocument> raw =
        client.getDatabase(p.database()).getCollection(p.name(), RawBsonDocument.class);
    DocumentVerifier verifier = new DocumentVerifier(p.tree());
    Set<String> bad = new LinkedHashSet<>();
    Set<String> paths = new LinkedHashSet<>();
    long n = 0;
    for (RawBsonDocument rawDoc : raw.find(w.chunk().filter()).batchSize(options.batchSize())) {
      Workers.checkCancelled();
      Document doc = DOCUMENT_CODEC.decode(rawDoc.asBsonReader(), DECODER);
      bad.clear();
      paths.clear();
      verifier.verify(doc, bad::add, (path, k) -> paths.add(path));
      bad.forEach(f -> notMasked.add(p.qualifiedName(), f, 1));
      paths.forEach(f -> undeclared.add(p.qualifiedName(), f, 1));
      if (++n % options.batchSize() == 0) {
        options.progress().update("verify", done.addAndGet(options.batchSize()), total);
      }
    }
    options.progress().update("verify", done.addAndGet(n % options.batchSize()), total);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private static Map<String, List<Target>> byDatabase(List<Target> targets) {
    Map<String, List<Target>> result = new LinkedHashMap<>();
    for (Target t : targets) {
      result.computeIfAbsent(t.plan().database(), k -> new ArrayList<>()).add(t);
    }
    return result;
  }

  private static List<CollectionReport> reports(
      List<Target> targets,
      Map<String, Long> manifest,
      Map<String, AtomicLong> masked,
      Map<String, Double> seconds,
      Map<String, String> verification) {
    List<CollectionReport> reports = new ArrayList<>();
    for (Target t : targets) {
      AtomicLong m = masked.get(t.name());
      reports.add(
          new CollectionReport(
              t.name(),
              t.plan().mode().name().toLowerCase(java.util.Locale.ROOT),
              manifest.getOrDefault(t.name(), t.documents()),
              m == null ? 0 : m.get(),
              seconds.getOrDefault(t.name(), 0.0),
              verification.getOrDefault(t.name(), "not-run")));
    }
    return reports;
  }

  private static long total(Map<String, AtomicLong> masked) {
    return masked.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private static double elapsed(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static String abbreviate(String sha) {
    return sha == null ? "none" : sha.substring(0, Math.min(12, sha.length()));
  }
}
