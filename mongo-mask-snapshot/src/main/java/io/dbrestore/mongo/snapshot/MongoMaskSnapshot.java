package io.dbrestore.mongo.snapshot;

import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code mongo-mask-snapshot} job. */
@Command(
    name = "mongo-mask-snapshot",
    subcommands = {
      RunCommand.class,
      MaskCommand.class,
      io.dbrestore.masking.cli.rules.RulesCommand.class
    },
    description = {
      "Self-hosted MongoDB on EC2/EBS, production account: restores the latest snapshot of the data volume on the masking instance, masks it and snapshots the masked volume.",
      "",
      "run: the whole flow (docs/mongo-ec2.md); mask: the masking step alone, against any reachable mongod; rules: check a rules file, or diff it against a MongoDB (the daytime drift check)."
    })
public final class MongoMaskSnapshot extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("mongo-mask-snapshot", MongoMaskSnapshot::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
