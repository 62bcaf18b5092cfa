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

  @Option(
      names = "--wait-for-snapshot",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "When the newest masked snapshot is older than --max-age (tonight's is still being"
              + " made), look again every minute for this long before refusing. Default: no wait.")
  Duration waitForSnapshot;

  /** How long to wait for a young enough masked snapshot; zero when not asked to. */
  public Duration waitForSnapshot() {
    return waitForSnapshot == null ? Duration.ZERO : waitForSnapshot;
  }

  /** Exit 2 for anything wrong, before anything is touched. */
  public void validate() {
    if (sourceAccount != null) {
      AccountIds.check("--source-account", sourceAccount);
    }
  }
}
