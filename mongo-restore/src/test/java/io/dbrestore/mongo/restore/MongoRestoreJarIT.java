package io.dbrestore.mongo.restore;

import io.dbrestore.runtime.testing.JobJarContract;

class MongoRestoreJarIT extends JobJarContract {
  @Override
  protected String jobName() {
    return "mongo-restore";
  }
}
