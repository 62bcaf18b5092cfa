package io.dbrestore.aurora;

import io.dbrestore.runtime.JobMain;
import io.dbrestore.runtime.testing.JobCliContract;

class AuroraRestoreCliTest extends JobCliContract {
  @Override
  protected JobMain entryPoint() {
    return AuroraRestore.entryPoint();
  }

  @Override
  protected String jobName() {
    return "aurora-restore";
  }
}
