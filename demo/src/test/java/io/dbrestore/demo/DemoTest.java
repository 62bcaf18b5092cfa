package io.dbrestore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.Run;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./dbrestore demo}, small, through its real entry point. */
class DemoTest {
  @Test
  void demo_masksBothDatabasesAndShowsTheSamePseudonym() {
    Run run = Run.of(Demo.entryPoint(), Map.of(), "--customers", "300", "--parallelism", "3");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Before and after masking, field by field:", "shop.customers", "crm.customers")
        .containsPattern("\\n  email +user[^ ]*@mail\\.test +[a-z0-9]+@example\\.com\\n")
        .contains("the same pseudonym: joins across databases keep working")
        .contains("Personal values left anywhere in the database: 0.")
        .contains("It holds: ")
        .doesNotContainPattern("It holds: [^\\n]*(admin|local)")
        .contains("\"sameEmailPseudonymInBothDatabases\":true");
  }

  @Test
  void demo_help_showsOnlyTheDemosOwnOptions_andStderrHasNoDatabaseChatter() {
    Run help = Run.of(Demo.entryPoint(), Map.of(), "--help");

    assertThat(help.out())
        .contains("--customers", "--rules", "--parallelism")
        .doesNotContain("--target-allowlist", "--protected-account", "--dry-run", "preflight");

    Run run = Run.of(Demo.entryPoint(), Map.of(), "--customers", "200", "--parallelism", "2");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("zonky", "initdb", "postmaster", "created shop.");
  }

  @Test
  void demo_rejectsANonsenseSize() {
    Run run = Run.of(Demo.entryPoint(), Map.of(), "--customers", "0");

    assertThat(run.exitCode()).isEqualTo(2);
  }
}
