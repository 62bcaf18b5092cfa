package io.dbrestore.aurora.flow;

import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.runtime.plan.DryRunPlan;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * The dry run's SQL steps: what would be masked and run is printed to the plan, nothing connects
 * (the cluster it names was only simulated by {@link io.dbrestore.aurora.rds.DryRunRds}).
 */
public final class DryRunSqlSteps implements SqlSteps {
  private final SqlSteps real;
  private final DryRunPlan plan;

  public DryRunSqlSteps(SqlSteps real, PrintWriter plan) {
    this.real = real;
    this.plan = new DryRunPlan(plan);
  }

  @Override
  public Optional<MaskingResult> mask(SqlEndpoint endpoint) {
    plan.step("mask " + endpoint + " and verify it");
    return Optional.empty();
  }

  @Override
  public int postRestore(SqlEndpoint endpoint) {
    plan.step("run the post-restore SQL on " + endpoint);
    return 0;
  }

  @Override
  public boolean postRestoreConfigured() {
    return real.postRestoreConfigured();
  }

  @Override
  public String rulesSha256() {
    return real.rulesSha256();
  }

  @Override
  public String rulesVersion() {
    return real.rulesVersion();
  }
}
