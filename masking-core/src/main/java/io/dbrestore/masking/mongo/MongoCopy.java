package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;

/**
 * Masks a MongoDB copy into another server: the source (the restored production copy) is only read;
 * every declared database is written, masked, into the destination (a fresh mongod on a blank
 * volume), with its collections' options, indexes and views; {@code admin}, {@code local}, {@code
 * config} and users never cross. Resumable, then verified on the destination.
 *
 * <p>Contract shared by masking-core and mongo-mask-snapshot; the implementation is being built.
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
    throw new UnsupportedOperationException("MongoCopy is not built yet");
  }

  /** Runs only the verification gate on a destination copied earlier with these rules. */
  public MaskingResult verifyOnly() {
    throw new UnsupportedOperationException("MongoCopy is not built yet");
  }
}
