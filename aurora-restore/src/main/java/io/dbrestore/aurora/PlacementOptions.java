package io.dbrestore.aurora;

import io.dbrestore.aurora.flow.Timeouts;
import io.dbrestore.runtime.cli.DurationConverter;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.wait.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options mixin for where a restored cluster goes (subnets, security groups, key, instance
 * class) and how long its restore may take; shared by snapshot and restore.
 */
public class PlacementOptions {
  @Option(
      names = "--db-subnet-group",
      paramLabel = "<name>",
      description = "DB subnet group of the new cluster. Default: the account's default.")
  String dbSubnetGroup;

  @Option(
      names = "--vpc-security-group",
      paramLabel = "<sg-id>",
      split = ",",
      description = "Security group of the new cluster (repeatable, or comma-separated).")
  List<String> securityGroups = new ArrayList<>();

  @Option(
      names = "--kms-key",
      paramLabel = "<arn>",
      description =
          "KMS key the new cluster is encrypted with. snapshot: a customer-managed key (the"
              + " sharing key); restore: a key of this account, required for a snapshot shared by"
              + " another account (alias/aws/rds will do).")
  String kmsKey;

  @Option(
      names = "--instance-class",
      paramLabel = "<class>",
      defaultValue = "db.r6g.large",
      description = "Instance class of the new cluster's instances. Default: db.r6g.large.")
  String instanceClass;

  @Option(
      names = "--restore-timeout",
      paramLabel = "<duration>",
      defaultValue = "6h",
      converter = DurationConverter.class,
      description = "How long a cluster restore may take (restores can take hours). Default: 6h.")
  Duration restoreTimeout;

  @Option(
      names = "--poll-interval",
      paramLabel = "<duration>",
      defaultValue = "5s",
      hidden = true,
      converter = DurationConverter.class,
      description = "First interval between polls of a changing resource (then up to 60s).")
  Duration pollInterval;

  Timeouts timeouts() {
    return Timeouts.DEFAULT
        .withRestore(restoreTimeout)
        .withBackoff(Backoff.startingAt(pollInterval, Duration.ofSeconds(60), 1.5));
  }

  void check() {
    for (String sg : securityGroups) {
      if (!sg.matches("sg-[0-9a-f]{8,17}")) {
        throw JobException.invalidInput(
            "--vpc-security-group '" + sg + "' is not a security group id (sg-…)");
      }
    }
  }
}
