package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.plan.DryRunPlan;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Waiter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;

/**
 * The dry run's mongod: the instance is not started on the new copy, so there is nothing to reach.
 * Each step is printed to the plan ({@code [dry-run] would …}) and the work on the copy is not
 * done: its answer is empty.
 */
public final class DryRunMongod implements MongodSteps {
  private final String hosts;
  private final DryRunPlan plan;

  public DryRunMongod(String hosts, PrintWriter plan) {
    this.hosts = hosts;
    this.plan = new DryRunPlan(plan);
  }

  @Override
  public void awaitReady(Waiter waiter, Duration timeout, Backoff backoff) {
    plan.step("wait for mongod at " + hosts + " to accept connections");
  }

  @Override
  public <T> Optional<T> onCopy(String what, Function<Mongod, T> work) {
    plan.step(what);
    return Optional.empty();
  }

  @Override
  public void flushAndShutdown() {
    plan.step("flush mongod at " + hosts + " to disk and shut it down");
  }

  @Override
  public Optional<Inventory> inventory(String what) {
    plan.step(what);
    return Optional.empty();
  }

  @Override
  public void dropUsersAndRoles(Collection<String> databases) {
    plan.step(
        "flush mongod at "
            + hosts
            + " to disk and drop every user and role of "
            + String.join(", ", dropFrom(databases)));
  }

  /** admin, then the databases, each once. */
  static java.util.List<String> dropFrom(Collection<String> databases) {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
    all.add("admin");
    all.addAll(databases);
    return java.util.List.copyOf(all);
  }
}
