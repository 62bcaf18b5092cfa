package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.MaskingRun;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.Sample;
import io.dbrestore.masking.rules.Rules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Masks a MongoDB copy in place with a {@link MaskingPlan}: fail closed on undeclared collections
 * (before any write) and undeclared fields (found in every document), parallel across and within
 * collections, resumable, then verified.
 *
 * <p>Documents are streamed (memory is bounded by workers × batch size, not by collection size),
 * masked on the client and written back as unordered bulk updates by {@code _id} that set only the
 * top-level fields that changed.
 *
 * <p>The steps of a run are {@link MaskingRun}'s; what they read and write in MongoDB is {@link
 * MongoEngine}'s: {@link MongoInventory}, {@link Checkpoints}, {@link ChunkMasking}, {@link
 * MongoVerification}.
 */
public final class MongoMasking {
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
    return maskingRun().run();
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
          samples.add(
              new Sample(p.qualifiedName(), d, RawDocuments.applyMasking(new Document(d), r)));
        }
      }
    }
    return samples;
  }

  /** Runs only the verification gate on an already masked copy. */
  public MaskingResult verifyOnly() {
    return maskingRun().verifyOnly();
  }

  private MaskingRun<CollectionTarget, ChunkWork, RuntimeException> maskingRun() {
    return new MaskingRun<>(new MongoEngine(client, plan, options), plan, options);
  }
}
