package io.dbrestore.aurora;

import io.dbrestore.aurora.flow.DryRunSqlSteps;
import io.dbrestore.aurora.flow.SqlSteps;
import io.dbrestore.aurora.rds.DryRunRds;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.aurora.rds.SdkRds;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code aurora-restore} job. */
@Command(
    name = "aurora-restore",
    subcommands = {
      SnapshotCommand.class,
      RestoreCommand.class,
      TeardownCommand.class,
      MaskCommand.class,
      io.dbrestore.masking.cli.rules.RulesCommand.class
    },
    description = {
      "Aurora MySQL and PostgreSQL: makes masked snapshots in the production account and restores them into development targets.",
      "",
      "snapshot (production) makes a masked shared snapshot; restore (development) restores a"
          + " target from it; teardown removes expired targets; mask masks a reachable copy; rules"
          + " checks a rules file or diffs it against a database (the daytime drift check)."
    })
public final class AuroraRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("aurora-restore", AuroraRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }

  /**
   * The RDS port every command runs its workflow against: the SDK adapter, or in a dry run the
   * overlay that prints each change instead of making it (its workflow then gets {@link
   * JobContext#guardForPort()}).
   */
  static RdsPort rds(JobContext context) {
    RdsPort real = SdkRds.of(context);
    return context.dryRun() ? new DryRunRds(real, context.out(), context.clock()) : real;
  }

  /** The SQL steps likewise: in a dry run, the overlay that prints them. */
  static SqlSteps sql(JobContext context, SqlSteps real) {
    return context.dryRun() ? new DryRunSqlSteps(real, context.out()) : real;
  }
}
