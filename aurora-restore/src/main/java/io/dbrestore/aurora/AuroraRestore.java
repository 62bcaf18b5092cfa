package io.dbrestore.aurora;

import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code aurora-restore} job. */
@Command(
    name = "aurora-restore",
    description = {
      "Aurora MySQL and PostgreSQL: makes masked snapshots in the production account and restores them into development targets.",
      "",
      "Its snapshot, restore and mask commands arrive with their issues; 'preflight' checks a deployment now."
    })
public final class AuroraRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("aurora-restore", AuroraRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
