package io.dbrestore.mongo.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dry run's mongod: nothing to reach, so every step is a line of the plan. */
class DryRunMongodTest {
  @Test
  void steps_whenDryRun_arePrintedAndNoWorkIsDoneOnTheCopy() {
    StringWriter out = new StringWriter();
    DryRunMongod mongod = new DryRunMongod("10.0.1.5:27017", new PrintWriter(out));

    mongod.awaitReady(null, null, null);
    Optional<Long> counted = mongod.onCopy("count the documents", m -> m.counts().size() + 0L);
    mongod.flushAndShutdown();

    assertThat(counted).isEmpty();
    assertThat(out.toString())
        .contains("[dry-run] would wait for mongod at 10.0.1.5:27017 to accept connections")
        .contains("[dry-run] would count the documents")
        .contains("[dry-run] would flush mongod at 10.0.1.5:27017 to disk and shut it down");
  }
}
