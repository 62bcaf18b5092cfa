package io.dbrestore.mongo.restore;

import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import picocli.CommandLine.Command;

/** The {@code mongo-restore} job. */
@Command(
    name = "mongo-restore",
    description = {
      "Self-hosted MongoDB on EC2/EBS, development account: swaps the newest masked snapshot in under a development MongoDB instance.",
      "",
      "Its run command arrives with its issue; 'preflight' checks a deployment now."
    })
public final class MongoRestore extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("mongo-restore", MongoRestore::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }
}
