package io.dbrestore.mongo.snapshot;

import io.dbrestore.runtime.JobMain;
import io.dbrestore.runtime.testing.JobCliContract;

class MongoMaskSnapshotCliTest extends JobCliContract {
  @Override
  protected JobMain entryPoint() {
    return MongoMaskSnapshot.entryPoint();
  }

  @Override
  protected String jobName() {
    return "mongo-mask-snapshot";
  }
}
