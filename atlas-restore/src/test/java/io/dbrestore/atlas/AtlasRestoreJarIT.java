package io.dbrestore.atlas;

import io.dbrestore.runtime.testing.JobJarContract;

class AtlasRestoreJarIT extends JobJarContract {
  @Override
  protected String jobName() {
    return "atlas-restore";
  }
}
