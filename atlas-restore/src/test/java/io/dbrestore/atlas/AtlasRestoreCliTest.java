package io.dbrestore.atlas;

import io.dbrestore.runtime.JobMain;
import io.dbrestore.runtime.testing.JobCliContract;

class AtlasRestoreCliTest extends JobCliContract {
  @Override
  protected JobMain entryPoint() {
    return AtlasRestore.entryPoint();
  }

  @Override
  protected String jobName() {
    return "atlas-restore";
  }
}
