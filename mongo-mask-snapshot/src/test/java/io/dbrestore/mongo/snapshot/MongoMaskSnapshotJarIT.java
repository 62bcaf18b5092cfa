package io.dbrestore.mongo.snapshot;

import io.dbrestore.runtime.testing.JobJarContract;

class MongoMaskSnapshotJarIT extends JobJarContract {
  @Override
  protected String jobName() {
    return "mongo-mask-snapshot";
  }
}
