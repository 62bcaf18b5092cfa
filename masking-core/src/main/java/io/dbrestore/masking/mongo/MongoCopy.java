package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.MaskingRun;
import io.dbrestore.masking.engine.RunOptions;

/**
 * Masks a MongoDB copy into another server: the source (the restored production copy) is only read;
 * every declared database is written, masked, into the destination (a fresh mongod on a blank
 * volume), with its collections' options, indexes and views; {@code admin}, {@code local}, {@code
 * config} and users never cross. Resumable, then verified on the destination.
 *
 * <p>The steps of a run are {@link MaskingRun}'s, as for {@link MongoMasking}: the inventory of the
 * source fails closed before any write, the undeclared-field policy and the verification gate are
 * the same. What it reads and writes is {@link CopyEngine}'s. The source gets no write of any kind:
 * the checkpoints and the run record ({@code __dbrestore_masking}) are in the destination's
 * databases, and once verified only the run record stays.
 *
 * <p>Contract shared by masking-core and mongo-mask-snapshot.
 */
public final class MongoCopy {
  private final MongoClient source;
  private final MongoClient destination;
  private final MaskingPlan plan;
  private final RunOptions options;

  public MongoCopy(
      MongoClient source, MongoClient destination, MaskingPlan plan, RunOptions options) {
    this.source = source;
    this.destination = destination;
    this.plan = plan;
    this.options = options;
  }

  /** Copies and masks every declared collection, then runs the verification gate on the copy. */
  public MaskingResult run() {
    return maskingRun().run();
  }

  /** Runs only the verification gate on a destination copied earlier with these rules. */
  public MaskingResult verifyOnly() {
    return maskingRun().verifyOnly();
  }

  private MaskingRun<CollectionTarget, ChunkWork, RuntimeException> maskingRun() {
    return new MaskingRun<>(new CopyEngine(source, destination, plan, options), plan, options);
  }
}
