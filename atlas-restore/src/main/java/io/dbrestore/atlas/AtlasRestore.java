package io.dbrestore.atlas;

import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code atlas-restore} job. */
@Command(
    name = "atlas-restore",
    subcommands = {RunCommand.class},
    description = {
      "MongoDB Atlas: restores a snapshot of the production cluster into a development cluster through the Atlas Admin API.",
      "",
      "'run' restores and waits; 'preflight' checks a deployment now."
    })
public final class AtlasRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("atlas-restore", AtlasRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
