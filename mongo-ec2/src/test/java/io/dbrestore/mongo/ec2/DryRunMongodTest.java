package io.dbrestore.mongo.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The dry run's mongod: nothing to reach, so every step is a line of the plan. */
class DryRunMongodTest {
  @Test
  void steps_whenDryRun_arePrintedAndNoWorkIsDoneOnTheCopy() {
    StringWriter out = new StringWriter();
    DryRunMongod mongod = new DryRunMongod("10.0.1.5:27017", new PrintWriter(out));
    AtomicBoolean worked = new AtomicBoolean();

    mongod.awaitReady(null, null, null);
    Optional<Long> counted =
        mongod.onCopy(
            "count the documents",
            m -> {
              worked.set(true);
              return 0L;
            });
    mongod.check("check the copy", m -> worked.set(true));
    mongod.flushAndShutdown();

    assertThat(counted).isEmpty();
    assertThat(worked).isFalse();
    assertThat(out.toString().lines())
        .containsExactly(
            "[dry-run] would wait for mongod at 10.0.1.5:27017 to accept connections",
            "[dry-run] would count the documents",
            "[dry-run] would check the copy",
            "[dry-run] would flush mongod at 10.0.1.5:27017 to disk and shut it down");
  }
}
