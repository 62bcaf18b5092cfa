package io.dbrestore.deploy;

import java.util.Map;

/**
 * Sample values for the JSONPath parts of a state machine's command lines, by the path's last
 * segment: what an execution would put there (a nightly run's defaults, or a hand-started run's
 * input).
 */
final class Samples {
  private static final Map<String, Object> BY_NAME =
      Map.ofEntries(
          Map.entry(
              "Id", "arn:aws:states:eu-west-1:444455556666:execution:dbrestore-develop:run-1"),
          Map.entry("Token", "sample-task-token"),
          Map.entry("dryRun", false),
          Map.entry("ttlHours", 48),
          Map.entry("name", "tmp-loadtest"),
          Map.entry("cluster", "develop-orders"),
          Map.entry("source", "orders"),
          Map.entry("strategy", "swap"),
          Map.entry("rules", "/etc/dbrestore/rules/orders.yaml"),
          Map.entry("instanceClass", "db.r6g.large"),
          // The drift workflow's Aurora items: a reader endpoint and its read-only user's secret.
          Map.entry(
              "jdbcUrl",
              "jdbc:postgresql://monolith.cluster-ro-abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/app"),
          Map.entry(
              "credentialsSecret",
              "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dbrestore/monolith-reader-AbCdEf"),
          Map.entry(
              "auroraSnapshot",
              "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:dbrestore-masked-monolith-2026-01-01"),
          Map.entry(
              "snapshot",
              "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:dbrestore-masked-monolith-2026-01-01"),
          Map.entry("mongoSnapshot", "snap-0123456789abcdef0"),
          Map.entry("atlasSnapshotId", "65a000000000000000000001"));

  private Samples() {}

  static Object forPath(String path) {
    String last = path.substring(path.lastIndexOf('.') + 1);
    Object value = BY_NAME.get(last);
    if (value == null) {
      throw new AssertionError(
          "no sample value for the JSONPath "
              + path
              + ": add one to Samples (what would an execution put there?)");
    }
    return value;
  }
}
