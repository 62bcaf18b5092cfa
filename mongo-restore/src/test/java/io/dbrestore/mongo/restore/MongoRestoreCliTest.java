package io.dbrestore.mongo.restore;

import io.dbrestore.runtime.JobMain;
import io.dbrestore.runtime.testing.JobCliContract;

class MongoRestoreCliTest extends JobCliContract {
  @Override
  protected JobMain entryPoint() {
    return MongoRestore.entryPoint();
  }

  @Override
  protected String jobName() {
    return "mongo-restore";
  }
}
