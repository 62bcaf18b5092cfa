package io.dbrestore.mongo.restore;

import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code mongo-restore} job. */
@Command(
    name = "mongo-restore",
    subcommands = {RunCommand.class},
    description = {
      "Self-hosted MongoDB on EC2/EBS, development account: swaps the newest masked snapshot in under a development MongoDB instance.",
      "",
      "run: the whole flow, with rollback (docs/mongo-ec2.md); preflight: what the guard allows here."
    })
public final class MongoRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("mongo-restore", MongoRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
