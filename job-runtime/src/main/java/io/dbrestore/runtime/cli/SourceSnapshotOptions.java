package io.dbrestore.runtime.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Which masked snapshot the development jobs restore: the newest one shared from the production
 * account, refused when it is older than the night it should come from.
 */
public class SourceSnapshotOptions {
  @Option(
      names = "--source-account",
      paramLabel = "<account>",
      description = "The production account that shares the masked snapshots.")
  public String sourceAccount;

  @Option(
      names = "--max-age",
      paramLabel = "<duration>",
      defaultValue = "36h",
      converter = DurationConverter.class,
      description = "Refuse (exit 3) when the newest masked snapshot is older. Default: 36h.")
  public Duration maxAge;

  /** Exit 2 for anything wrong, before anything is touched. */
  public void validate() {
    if (sourceAccount != null) {
      AccountIds.check("--source-account", sourceAccount);
    }
  }
}
