package io.dbrestore.aurora.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The preflight's lists of actions ({@link AuroraPermissions}) for every shape of each command, to
 * compare with what a workflow test's {@link FakeRds} served: an action a workflow starts to call
 * fails the workflow tests until the preflight checks it too.
 */
final class PreflightLists {
  static final AuroraPermissions.Arns ARNS =
      new AuroraPermissions.Arns("aws", "eu-west-1", FakeRds.ACCOUNT);

  private PreflightLists() {}

  static Set<String> restore() {
    Set<String> all = new TreeSet<>();
    for (RestoreWorkflow.Strategy strategy : RestoreWorkflow.Strategy.values()) {
      for (boolean pit : new boolean[] {false, true}) {
        all.addAll(
            AuroraPermissions.actions(
                AuroraPermissions.restore(
                    ARNS,
                    new AuroraPermissions.Restore(
                        "develop-app",
                        strategy,
                        2,
                        pit ? null : "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:s",
                        pit ? null : "arn:aws:kms:eu-west-1:111111111111:key/k",
                        pit ? "monolith" : null,
                        "dev-subnets",
                        "cpg",
                        "pg",
                        "arn:aws:kms:eu-west-1:222222222222:key/dev",
                        true,
                        true,
                        Map.of()))));
      }
    }
    return all;
  }

  static Set<String> snapshot() {
    Set<String> all = new TreeSet<>();
    for (boolean pit : new boolean[] {false, true}) {
      all.addAll(
          AuroraPermissions.actions(
              AuroraPermissions.snapshot(
                  ARNS,
                  "app",
                  pit ? null : "arn:aws:rds:eu-west-1:222222222222:cluster-snapshot:rds:app-1",
                  pit ? null : "arn:aws:kms:eu-west-1:222222222222:key/source",
                  pit,
                  "masking-subnets",
                  "arn:aws:kms:eu-west-1:222222222222:key/share",
                  "dbrestore-masked")));
    }
    return all;
  }

  static Set<String> teardown() {
    Set<String> all = new TreeSet<>();
    all.addAll(AuroraPermissions.actions(AuroraPermissions.teardown(ARNS, null)));
    all.addAll(AuroraPermissions.actions(AuroraPermissions.teardown(ARNS, "develop-app")));
    return all;
  }

  /** Every action {@code rds} served is in {@code listed}. */
  static void assertCovers(Set<String> listed, FakeRds rds) {
    assertThat(listed)
        .as("the actions preflight checks (AuroraPermissions) against those the workflow called")
        .containsAll(rds.served);
  }
}
