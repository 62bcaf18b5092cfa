package io.dbrestore.aurora;

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
      MaskCommand.class
    },
    description = {
      "Aurora MySQL and PostgreSQL: makes masked snapshots in the production account and restores them into development targets.",
      "",
      "snapshot (production) makes a masked shared snapshot; restore (development) restores a"
          + " target from it; teardown removes expired targets; mask masks a reachable copy."
    })
public final class AuroraRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("aurora-restore", AuroraRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
