package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;

/**
 * The contract on the in-place path: {@link MongoMasking} masks the source itself, so what is
 * published is the source.
 */
abstract class InPlaceMaskingContract extends MongoMaskingContract {
  @Override
  protected Masker masker(MaskingPlan plan, RunOptions options) {
    MongoMasking masking = new MongoMasking(client, plan, options);
    return new Masker() {
      @Override
      public MaskingResult run() {
        return masking.run();
      }

      @Override
      public MaskingResult verifyOnly() {
        return masking.verifyOnly();
      }
    };
  }

  @Override
  protected MongoClient openPublished() {
    return client;
  }

  @Override
  protected void setAfterWriteHook(Runnable hook) {
    ChunkMasking.afterWriteHook = hook;
  }

  /** Nothing more to check: the tests assert on the source, which is what is published here. */
  @Override
  protected void assertNothingPublished() {}
}
