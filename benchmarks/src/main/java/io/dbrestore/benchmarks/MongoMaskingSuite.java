package io.dbrestore.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import io.dbrestore.masking.engine.CollectionReport;
import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.mongo.MongoCopy;
import io.dbrestore.masking.mongo.MongoMasking;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.testsupport.InProcessMongo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mongo-masking}: masking throughput against an in-process MongoDB behind a proxy that adds
 * a network round trip, for four ways of masking in place, each on a fresh copy of the same data,
 * and two of copying that data into a fresh server (behind its own proxy): masked ({@link
 * MongoCopy}) and not masked (the copy's ceiling).
 */
@Command(
    name = "mongo-masking",
    mixinStandardHelpOptions = true,
    description = {
      "Masking throughput through a round-trip-delaying proxy, each variant on fresh data:",
      "naive (one updateOne per document), collection_parallel (a thread per collection, bulk",
      "updates of 1000), ours (MongoMasking) and ceiling (read everything, write constant",
      "updates of the same shape, no masking); then, into a fresh server: ours_copy (MongoCopy)",
      "and copy_ceiling (read raw, insert as is in batches of 1000, build the indexes)."
    })
final class MongoMaskingSuite implements Callable<Integer> {
  private static final int BATCH = 1000;

  @Spec CommandSpec spec;

  @Option(names = "--docs", defaultValue = "300000", description = "Documents in the data set.")
  int docs;

  @Option(
      names = "--rtt-ms",
      defaultValue = "0.5",
      description = "Round-trip time the proxy adds (to server→client bytes), in ms.")
  double rttMs;

  @Option(
      names = "--parallelism",
      defaultValue = "8",
      description = "Workers of ours and of ceiling.")
  int parallelism;

  @Option(
      names = "--chunk-documents",
      defaultValue = "50000",
      description = "Chunk size of ours and of ceiling (the engine's default).")
  int chunkDocuments;

  @Option(
      names = "--naive-prefix",
      defaultValue = "20000",
      description = "Documents naive masks (spread over the collections in proportion).")
  int naivePrefix;

  @Option(names = "--seed", defaultValue = "1", description = "Data set seed.")
  long seed;

  private PrintWriter err;
  private MaskingPlan plan;
  private Map<String, Integer> sizes;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    if (docs < BenchData.SHARES.size() || naivePrefix < 1 || parallelism < 1) {
      throw new IllegalArgumentException(
          "need --docs >= 6, --naive-prefix >= 1, --parallelism >= 1");
    }
    long delay = LatencyProxy.nanosOfMillis(rttMs);
    plan =
        MaskingPlan.compile(
            RulesLoader.parse("benchmark-rules.yaml", BenchData.RULES),
            MaskingKey.of(Benchmarks.KEY));
    sizes = BenchData.sizes(docs);
    err.printf("mongo-masking: %,d documents in %s%n", docs, sizes);
    warmUp();

    Map<String, Object> result = new LinkedHashMap<>();
    try (InProcessMongo server = InProcessMongo.start();
        MongoClient direct = MongoClients.create(server.uri());
        LatencyProxy proxy = LatencyProxy.start(server.port(), delay)) {
      String proxied =
          "mongodb://127.0.0.1:" + proxy.port() + "/?retryWrites=false&directConnection=true";
      err.printf(
          "in-process MongoDB on 127.0.0.1:%d, proxy on 127.0.0.1:%d adding %.3f ms per round"
              + " trip%n",
          server.port(), proxy.port(), rttMs);

      Map<String, Double> rates = new LinkedHashMap<>();
      double[] oursSeconds = new double[2];
      long naiveDocs = 0;
      double[] pings = new double[2];
      for (String variant : List.of("naive", "collection_parallel", "ours", "ceiling")) {
        fresh(direct);
        MongoDatabase db;
        long[] counted = new long[1];
        double seconds;
        try (MongoClient client = MongoClients.create(proxied)) {
          if (variant.equals("naive")) {
            pings[0] = ping(direct);
            pings[1] = ping(client);
            err.printf(
                "ping: median %.3f ms direct, %.3f ms through the proxy%n", pings[0], pings[1]);
          }
          db = client.getDatabase(BenchData.DATABASE);
          err.printf("%s: masking …%n", variant);
          err.flush();
          long t0 = System.nanoTime();
          switch (variant) {
            case "naive" -> counted[0] = naive(db);
            case "collection_parallel" -> counted[0] = collectionParallel(db);
            case "ours" -> {
              oursSeconds = ours(client);
              counted[0] = docs;
            }
            default -> counted[0] = ceiling(db);
          }
          seconds = Benchmarks.seconds(t0, System.nanoTime());
        }
        if (variant.equals("ours")) {
          seconds = oursSeconds[0];
        }
        if (variant.equals("naive")) {
          naiveDocs = counted[0];
        }
        check(direct, variant);
        double rate = counted[0] / seconds;
        rates.put(variant, rate);
        err.printf(
            "%s: %,d documents in %.2f s = %,.0f docs/s%n", variant, counted[0], seconds, rate);
        if (variant.equals("ours")) {
          err.printf(
              "ours: run() including inventory, checkpoints and verification took %.2f s"
                  + " (%,.0f docs/s)%n",
              oursSeconds[1], docs / oursSeconds[1]);
        }
        direct.getDatabase(BenchData.DATABASE).drop();
      }
      err.printf("the proxy served %d connections%n", proxy.connectionsAccepted());

      // Masking into a fresh server: the source (this server, behind its proxy) is only read.
      fresh(direct);
      double[] copySeconds = new double[2];
      for (String variant : List.of("ours_copy", "copy_ceiling")) {
        try (InProcessMongo target = InProcessMongo.start();
            MongoClient targetDirect = MongoClients.create(target.uri());
            LatencyProxy targetProxy = LatencyProxy.start(target.port(), delay);
            MongoClient from = MongoClients.create(proxied);
            MongoClient to =
                MongoClients.create(
                    "mongodb://127.0.0.1:"
                        + targetProxy.port()
                        + "/?retryWrites=false&directConnection=true")) {
          err.printf("%s: copying into a fresh server …%n", variant);
          err.flush();
          long t0 = System.nanoTime();
          double seconds;
          if (variant.equals("ours_copy")) {
            copySeconds = oursCopy(from, to);
            seconds = copySeconds[0];
          } else {
            copyCeiling(from.getDatabase(BenchData.DATABASE), to.getDatabase(BenchData.DATABASE));
            seconds = Benchmarks.seconds(t0, System.nanoTime());
          }
          checkCopy(direct, targetDirect, variant);
          double rate = docs / seconds;
          rates.put(variant, rate);
          err.printf("%s: %,d documents in %.2f s = %,.0f docs/s%n", variant, docs, seconds, rate);
          if (variant.equals("ours_copy")) {
            err.printf(
                "ours_copy: run() including inventory, checkpoints and verification took %.2f s"
                    + " (%,.0f docs/s)%n",
                copySeconds[1], docs / copySeconds[1]);
          }
        }
      }
      direct.getDatabase(BenchData.DATABASE).drop();

      result.put("suite", "mongo-masking");
      result.put("docs", docs);
      result.put("rtt_ms", rttMs);
      result.put("naive_docs_per_s", Math.round(rates.get("naive")));
      result.put("collection_parallel_docs_per_s", Math.round(rates.get("collection_parallel")));
      result.put("ours_docs_per_s", Math.round(rates.get("ours")));
      result.put("ceiling_docs_per_s", Math.round(rates.get("ceiling")));
      result.put("ours_with_verification_docs_per_s", Math.round(docs / oursSeconds[1]));
      result.put("ours_copy_docs_per_s", Math.round(rates.get("ours_copy")));
      result.put("copy_ceiling_docs_per_s", Math.round(rates.get("copy_ceiling")));
      result.put("ours_copy_with_verification_docs_per_s", Math.round(docs / copySeconds[1]));
      result.put("naive_docs", naiveDocs);
      result.put("parallelism", parallelism);
      result.put("chunk_documents", chunkDocuments);
      result.put("ping_direct_ms", Benchmarks.round3(pings[0]));
      result.put("ping_proxied_ms", Benchmarks.round3(pings[1]));
      result.put("ours_vs_naive", Benchmarks.round2(rates.get("ours") / rates.get("naive")));
      result.put(
          "ours_vs_collection_parallel",
          Benchmarks.round2(rates.get("ours") / rates.get("collection_parallel")));
      result.put("ours_vs_ceiling", Benchmarks.round2(rates.get("ours") / rates.get("ceiling")));
      result.put(
          "ours_copy_vs_copy_ceiling",
          Benchmarks.round2(rates.get("ours_copy") / rates.get("copy_ceiling")));
      result.put(
          "ours_copy_vs_ours", Benchmarks.round2(rates.get("ours_copy") / rates.get("ours")));
    }
    out.println(Benchmarks.json(result));
    out.flush();
    return 0;
  }

  // ---- setup -----------------------------------------------------------------------------

  /** Warms the masker's code up in memory, so the first variant does not pay for the JIT. */
  private void warmUp() {
    long t0 = System.nanoTime();
    int n = Math.min(docs, 30_000);
    for (int round = 0; round < 3; round++) {
      for (BenchData.Item item : BenchData.documents(n, seed + 1)) {
        Document doc = Codecs.decode(Codecs.encode(item.document()));
        Codecs.encode(Codecs.update(masker(item.collection()).mask(doc, failOnUndeclared())));
      }
    }
    err.printf("warmed the masker up in %.1f s%n", Benchmarks.seconds(t0, System.nanoTime()));
  }

  /** Writes a fresh, unmasked copy of the data set, directly (not through the proxy). */
  private void fresh(MongoClient direct) {
    System.gc();
    long t0 = System.nanoTime();
    BenchData.generate(direct.getDatabase(BenchData.DATABASE), docs, seed);
    err.printf(
        "generated %,d documents in batches of 1000 in %.1f s%n",
        docs, Benchmarks.seconds(t0, System.nanoTime()));
  }

  /** The median time of a ping command, in ms. */
  private static double ping(MongoClient client) {
    MongoDatabase admin = client.getDatabase("admin");
    admin.runCommand(new Document("ping", 1));
    double[] ms = new double[50];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      admin.runCommand(new Document("ping", 1));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return MaskerCpuSuite.median(ms);
  }

  private DocumentMasker masker(String collection) {
    return new DocumentMasker(plan.collection(BenchData.DATABASE, collection).orElseThrow().tree());
  }

  private static BiConsumer<String, Integer> failOnUndeclared() {
    return (path, n) -> {
      throw new IllegalStateException("the benchmark rules do not declare " + path);
    };
  }

  /**
   * Fails unless the variant left no unmasked e-mail address (naive: exactly as many as it did not
   * reach). The ceiling writes a masked sample's values, so it passes too: it wrote every document.
   */
  private void check(MongoClient direct, String variant) {
    MongoDatabase db = direct.getDatabase(BenchData.DATABASE);
    Pattern original = Pattern.compile(Pattern.quote(BenchData.ORIGINAL_EMAIL_DOMAIN) + "$");
    long left = 0;
    for (Map.Entry<String, String> probe : BenchData.PROBES.entrySet()) {
      left +=
          db.getCollection(probe.getKey())
              .countDocuments(Filters.regex(probe.getValue(), original));
    }
    long expected = variant.equals("naive") ? docs - naiveTotal() : 0;
    if (left != expected) {
      throw new IllegalStateException(
          variant + " left " + left + " documents unmasked, expected " + expected);
    }
  }

  // ---- naive -----------------------------------------------------------------------------

  private Map<String, Integer> naivePrefixes() {
    Map<String, Integer> prefixes = new LinkedHashMap<>();
    int prefix = Math.min(naivePrefix, docs);
    sizes.forEach(
        (c, n) ->
            prefixes.put(
                c, (int) Math.min(n, Math.max(1, Math.round((double) prefix * n / docs)))));
    return prefixes;
  }

  private long naiveTotal() {
    return naivePrefixes().values().stream().mapToLong(Integer::longValue).sum();
  }

  /** One reader, one updateOne per document, on a prefix of every collection. */
  private long naive(MongoDatabase db) {
    long n = 0;
    for (Map.Entry<String, Integer> e : naivePrefixes().entrySet()) {
      MongoCollection<RawBsonDocument> raw = db.getCollection(e.getKey(), RawBsonDocument.class);
      MongoCollection<Document> coll = db.getCollection(e.getKey());
      DocumentMasker masker = masker(e.getKey());
      BiConsumer<String, Integer> undeclared = failOnUndeclared();
      for (RawBsonDocument rawDoc : raw.find().limit(e.getValue()).batchSize(BATCH)) {
        Document doc = Codecs.decode(rawDoc);
        DocumentMasker.Result r = masker.mask(doc, undeclared);
        if (r.changed()) {
          coll.updateOne(Filters.eq("_id", doc.get("_id")), Codecs.update(r));
        }
        n++;
      }
    }
    return n;
  }

  // ---- collection_parallel ---------------------------------------------------------------

  /** A thread per collection, streaming it and writing unordered bulk updates of 1000. */
  private long collectionParallel(MongoDatabase db) throws Exception {
    List<Callable<Long>> tasks = new ArrayList<>();
    for (String name : sizes.keySet()) {
      tasks.add(
          () -> {
            MongoCollection<RawBsonDocument> raw = db.getCollection(name, RawBsonDocument.class);
            MongoCollection<Document> coll = db.getCollection(name);
            DocumentMasker masker = masker(name);
            BiConsumer<String, Integer> undeclared = failOnUndeclared();
            List<WriteModel<Document>> models = new ArrayList<>(BATCH);
            long n = 0;
            for (RawBsonDocument rawDoc : raw.find().batchSize(BATCH)) {
              Document doc = Codecs.decode(rawDoc);
              DocumentMasker.Result r = masker.mask(doc, undeclared);
              if (r.changed()) {
                models.add(
                    new UpdateOneModel<>(Filters.eq("_id", doc.get("_id")), Codecs.update(r)));
              }
              if (++n % BATCH == 0) {
                write(coll, models);
              }
            }
            write(coll, models);
            return n;
          });
    }
    return runAll(tasks, tasks.size());
  }

  private static void write(MongoCollection<Document> coll, List<WriteModel<Document>> models) {
    if (!models.isEmpty()) {
      coll.bulkWrite(models, new BulkWriteOptions().ordered(false));
      models.clear();
    }
  }

  // ---- ours ------------------------------------------------------------------------------

  /**
   * Runs the engine; returns {masking seconds, run() seconds}. Masking ends with the engine's last
   * progress report of its mask phase (every document written and checkpointed); the verification
   * pass after it is excluded from the first figure.
   */
  private double[] ours(MongoClient client) {
    PhaseClock clock = new PhaseClock(err);
    RunOptions options =
        MongoMasking.defaultOptions()
            .withParallelism(parallelism)
            .withUnitSize(chunkDocuments)
            .withProgress(clock);
    long t0 = System.nanoTime();
    MaskingResult result = new MongoMasking(client, plan, options).run();
    long t1 = System.nanoTime();
    if (!result.verified() || result.documentsMasked() != docs) {
      throw new IllegalStateException(
          "ours masked " + result.documentsMasked() + " of " + docs + " documents");
    }
    for (CollectionReport c : result.collections()) {
      err.printf(
          "  ours %s: %,d documents, masking wall time %.2f s, verification %s%n",
          c.collection(), c.documents(), c.seconds(), c.verification());
    }
    return new double[] {Benchmarks.seconds(t0, clock.maskEnd()), Benchmarks.seconds(t0, t1)};
  }

  // ---- ours_copy and copy_ceiling: masking into a fresh server -----------------------------

  /**
   * Runs {@link MongoCopy}; returns {copy seconds, run() seconds}. The copy ends when the
   * verification pass first reports (every document inserted and checkpointed, the indexes built);
   * the verification after it is excluded from the first figure.
   */
  private double[] oursCopy(MongoClient from, MongoClient to) {
    PhaseClock clock = new PhaseClock(err);
    java.util.concurrent.atomic.AtomicLong verifyStart =
        new java.util.concurrent.atomic.AtomicLong();
    RunOptions options =
        MongoMasking.defaultOptions()
            .withParallelism(parallelism)
            .withUnitSize(chunkDocuments)
            .withProgress(
                (phase, done, total) -> {
                  if (phase.equals("verify")) {
                    verifyStart.compareAndSet(0, System.nanoTime());
                  }
                  clock.update(phase, done, total);
                });
    long t0 = System.nanoTime();
    MaskingResult result = new MongoCopy(from, to, plan, options).run();
    long t1 = System.nanoTime();
    if (!result.verified() || result.documentsMasked() != docs) {
      throw new IllegalStateException(
          "ours_copy masked " + result.documentsMasked() + " of " + docs + " documents");
    }
    return new double[] {Benchmarks.seconds(t0, verifyStart.get()), Benchmarks.seconds(t0, t1)};
  }

  /**
   * The same copy with no masking, as plainly as it can be written: per {@code _id} range of a
   * collection (same workers and chunk size as ours), read the raw documents and insert them as
   * they are, in unordered batches of 1000; then build each collection's indexes as the source has
   * them. No checkpoints, no collection options, no verification.
   */
  private void copyCeiling(MongoDatabase from, MongoDatabase to) throws Exception {
    List<Slice> slices = new ArrayList<>();
    for (String name : sizes.keySet()) {
      slices.addAll(slices(from.getCollection(name), name));
    }
    slices.sort(Comparator.comparingLong(Slice::documents).reversed());
    List<Callable<Long>> tasks = new ArrayList<>();
    for (Slice s : slices) {
      tasks.add(
          () -> {
            MongoCollection<RawBsonDocument> source =
                from.getCollection(s.collection(), RawBsonDocument.class);
            MongoCollection<RawBsonDocument> target =
                to.getCollection(s.collection(), RawBsonDocument.class);
            List<RawBsonDocument> batch = new ArrayList<>(BATCH);
            long n = 0;
            for (RawBsonDocument doc : source.find(s.filter()).batchSize(BATCH)) {
              batch.add(doc);
              n++;
              if (batch.size() == BATCH) {
                target.insertMany(batch, new InsertManyOptions().ordered(false));
                batch.clear();
              }
            }
            if (!batch.isEmpty()) {
              target.insertMany(batch, new InsertManyOptions().ordered(false));
            }
            return n;
          });
    }
    runAll(tasks, parallelism);
    for (String name : sizes.keySet()) {
      List<Document> indexes = new ArrayList<>();
      for (Document index : from.getCollection(name).listIndexes()) {
        if (!index.getString("name").equals("_id_")) {
          index.remove("v");
          index.remove("ns");
          indexes.add(index);
        }
      }
      if (!indexes.isEmpty()) {
        to.runCommand(new Document("createIndexes", name).append("indexes", indexes));
      }
    }
  }

  /**
   * Fails unless the fresh server holds every document of the source with the source's indexes, and
   * (ours_copy) no unmasked e-mail address, or (copy_ceiling) all of them.
   */
  private void checkCopy(MongoClient source, MongoClient target, String variant) {
    MongoDatabase from = source.getDatabase(BenchData.DATABASE);
    MongoDatabase to = target.getDatabase(BenchData.DATABASE);
    for (String name : sizes.keySet()) {
      long expected = from.getCollection(name).countDocuments();
      long copied = to.getCollection(name).countDocuments();
      List<String> sourceIndexes = new ArrayList<>();
      from.getCollection(name).listIndexes().forEach(i -> sourceIndexes.add(i.getString("name")));
      List<String> targetIndexes = new ArrayList<>();
      to.getCollection(name).listIndexes().forEach(i -> targetIndexes.add(i.getString("name")));
      if (copied != expected || !targetIndexes.containsAll(sourceIndexes)) {
        throw new IllegalStateException(
            variant
                + " copied "
                + copied
                + " of "
                + expected
                + " documents of "
                + name
                + ", indexes "
                + targetIndexes
                + " of "
                + sourceIndexes);
      }
    }
    Pattern original = Pattern.compile(Pattern.quote(BenchData.ORIGINAL_EMAIL_DOMAIN) + "$");
    long left = 0;
    for (Map.Entry<String, String> probe : BenchData.PROBES.entrySet()) {
      left +=
          to.getCollection(probe.getKey())
              .countDocuments(Filters.regex(probe.getValue(), original));
    }
    long expected = variant.equals("ours_copy") ? 0 : docs;
    if (left != expected) {
      throw new IllegalStateException(
          variant + " left " + left + " documents unmasked, expected " + expected);
    }
  }

  // ---- ceiling ---------------------------------------------------------------------------

  private record Slice(String collection, int index, Bson filter, long documents) {}

  /**
   * Reads every document and writes unordered bulk updates of 1000 that set, by {@code _id}, the
   * same top-level fields as the masker does with constant values (masked values of the first
   * documents of the collection; a uniquely indexed field gets a cheap distinct value): the I/O of
   * an in-place masker without its CPU. Same workers and chunk size as ours; chunks are {@code _id}
   * ranges (each collection has one {@code _id} type), read without sorting.
   */
  private long ceiling(MongoDatabase db) throws Exception {
    Map<String, Document> constants = new LinkedHashMap<>();
    for (String name : sizes.keySet()) {
      // Constants: the masked values of the first documents, each top-level field's first one.
      Map<String, Object> set = new LinkedHashMap<>();
      java.util.Set<String> unset = new java.util.LinkedHashSet<>();
      DocumentMasker masker = masker(name);
      for (Document sample : db.getCollection(name).find().limit(100)) {
        DocumentMasker.Result r = masker.mask(sample, failOnUndeclared());
        r.set().forEach(set::putIfAbsent);
        unset.addAll(r.unset());
      }
      constants.put(name, Codecs.update(new DocumentMasker.Result(set, List.copyOf(unset))));
    }
    List<Slice> slices = new ArrayList<>();
    for (String name : sizes.keySet()) {
      slices.addAll(slices(db.getCollection(name), name));
    }
    slices.sort(Comparator.comparingLong(Slice::documents).reversed());
    List<Callable<Long>> tasks = new ArrayList<>();
    for (Slice s : slices) {
      tasks.add(
          () -> {
            MongoCollection<RawBsonDocument> raw =
                db.getCollection(s.collection(), RawBsonDocument.class);
            MongoCollection<Document> coll = db.getCollection(s.collection());
            Document update = constants.get(s.collection());
            String unique = BenchData.UNIQUE.get(s.collection());
            List<WriteModel<Document>> models = new ArrayList<>(BATCH);
            long n = 0;
            for (RawBsonDocument rawDoc : raw.find(s.filter()).batchSize(BATCH)) {
              BsonValue id = rawDoc.get("_id");
              Document u = update;
              if (unique != null) {
                // A uniquely indexed field cannot take one constant: a cheap distinct value.
                Document set = new Document(update.get("$set", Document.class));
                set.put(unique, "c" + s.index() + "-" + n + "@example.com");
                u = new Document(update).append("$set", set);
              }
              models.add(new UpdateOneModel<>(Filters.eq("_id", id), u));
              if (++n % BATCH == 0) {
                write(coll, models);
              }
            }
            write(coll, models);
            return n;
          });
    }
    return runAll(tasks, parallelism);
  }

  /** {@code _id} ranges of about {@code chunkDocuments} documents. */
  private List<Slice> slices(MongoCollection<Document> coll, String name) {
    List<Slice> slices = new ArrayList<>();
    if (sizes.get(name) <= chunkDocuments) {
      slices.add(new Slice(name, 0, new Document(), sizes.get(name)));
      return slices;
    }
    Object start = null;
    long n = 0;
    for (Document d :
        coll.find()
            .projection(Projections.include("_id"))
            .sort(Sorts.ascending("_id"))
            .batchSize(10_000)) {
      Object id = d.get("_id");
      if (start == null) {
        start = id;
      } else if (n == chunkDocuments) {
        slices.add(
            new Slice(
                name,
                slices.size(),
                Filters.and(Filters.gte("_id", start), Filters.lt("_id", id)),
                n));
        start = id;
        n = 0;
      }
      n++;
    }
    if (start != null) {
      slices.add(new Slice(name, slices.size(), Filters.gte("_id", start), n));
    }
    return slices;
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Runs the tasks on {@code threads} threads; returns the sum of their counts. */
  private static long runAll(List<Callable<Long>> tasks, int threads) throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())));
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (Callable<Long> t : tasks) {
        futures.add(pool.submit(t));
      }
      long total = 0;
      for (Future<Long> f : futures) {
        try {
          total += f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          throw e;
        }
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }
}
