package io.dbrestore.aurora;

import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code aurora-restore} job. */
@Command(
    name = "aurora-restore",
    subcommands = {MaskCommand.class},
    description = {
      "Aurora MySQL and PostgreSQL: makes masked snapshots in the production account and restores them into development targets.",
      "",
      "'mask' masks a reachable PostgreSQL or MySQL copy; the snapshot and restore commands"
          + " arrive with their issue; 'preflight' checks a deployment."
    })
public final class AuroraRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("aurora-restore", AuroraRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
