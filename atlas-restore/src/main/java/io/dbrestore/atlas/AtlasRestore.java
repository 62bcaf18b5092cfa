package io.dbrestore.atlas;

import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code atlas-restore} job. */
@Command(
    name = "atlas-restore",
    description = {
      "MongoDB Atlas: restores a snapshot of the production cluster into a development cluster through the Atlas Admin API.",
      "",
      "Its run command arrives with its issue; 'preflight' checks a deployment now."
    })
public final class AtlasRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("atlas-restore", AtlasRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
