package io.dbrestore.aurora;

import io.dbrestore.runtime.testing.JobJarContract;

class AuroraRestoreJarIT extends JobJarContract {
  @Override
  protected String jobName() {
    return "aurora-restore";
  }
}
