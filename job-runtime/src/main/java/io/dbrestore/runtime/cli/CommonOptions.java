package io.dbrestore.runtime.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every job command shares. */
public class CommonOptions {
  @Option(
      names = "--dry-run",
      description =
          "Print every change the job would make and make none: AWS calls that only read still"
              + " run, calls that change something are printed instead.")
  public boolean dryRun;

  @Option(
      names = {"-v", "--verbose"},
      description = "Debug logs, and the stack trace with an error message.")
  public boolean verbose;

  @Option(
      names = "--timeout",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Give up (exit 4) when the whole job takes longer than this: 90s, 45m, 6h, 1h30m, 2d."
              + " Default: the job's own.")
  public Duration timeout;

  @Option(
      names = "--target",
      paramLabel = "<name>",
      description =
          "The environment this run is for (develop, edge, report, release, or a temporary"
              + " name); it appears in every log line and error report.")
  public String target;

  @Option(
      names = "--target-allowlist",
      paramLabel = "<regex>",
      description =
          "Resources this job may delete, stop, detach, restore over or overwrite: a pattern that"
              + " must match the whole identifier, such as 'dev-.*'. Without it, the job refuses"
              + " every destructive call.")
  public String targetAllowlist;

  @Option(
      names = "--protected-account",
      paramLabel = "<account[:ops]>",
      split = ",",
      description =
          "An AWS account in which destructive calls are refused: '111122223333' for all of"
              + " them, '111122223333:delete+restore-over' for some (delete, stop, detach,"
              + " restore-over, overwrite, modify). Repeat or separate with commas.")
  public List<String> protectedAccounts = new ArrayList<>();
}
