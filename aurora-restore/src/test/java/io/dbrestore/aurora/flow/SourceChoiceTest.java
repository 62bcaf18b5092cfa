package io.dbrestore.aurora.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceChoiceTest {
  static final Instant NOW = Instant.parse("2026-11-25T04:00:00Z");
  final FakeRds rds = new FakeRds(new SteppingClock(NOW));
  final SourceChoice sources =
      new SourceChoice(
          TestJobContext.builder().clock(new SteppingClock(NOW)).account(FakeRds.ACCOUNT).build(),
          rds);

  static RestoreWorkflow.Source newestOf(String account) {
    return new RestoreWorkflow.Source(
        null, account, "dbrestore-masked", "app", Duration.ofHours(36), null, null, Duration.ZERO);
  }

  @Test
  void forRestore_whenTheNewestSharedSnapshotIsFresh_choosesIt_andNeedsNoMasking() {
    rds.addSnapshot(
        "dbrestore-masked-app-20261124-0100-abcdef",
        FakeRds.PROD,
        "shared",
        "app",
        NOW.minus(Duration.ofHours(27)),
        Map.of());
    rds.addSnapshot(
        "dbrestore-masked-app-20261125-0100-abcdef",
        FakeRds.PROD,
        "shared",
        "app",
        NOW.minus(Duration.ofHours(3)),
        Map.of());

    SourceChoice.Chosen chosen = sources.forRestore(newestOf(FakeRds.PROD), false);

    assertThat(chosen.name()).isEqualTo("dbrestore-masked-app-20261125-0100-abcdef");
    assertThat(chosen.needsMasking()).isFalse();
  }

  @Test
  void forRestore_whenNoSnapshotIsSharedFromTheAccount_isRefused_namingPatternAndAccount() {
    rds.addSnapshot(
        "dbrestore-masked-app-20261125-0100-abcdef",
        "333333333333",
        "shared",
        "app",
        NOW.minus(Duration.ofHours(3)),
        Map.of());

    assertThatThrownBy(() -> sources.forRestore(newestOf(FakeRds.PROD), false))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("no masked snapshot named")
        .hasMessageContaining("from account " + FakeRds.PROD)
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.REFUSED);
  }

  @Test
  void forRestore_whenTheNamedSnapshotIsNotAvailable_isInvalidInput() {
    RdsPort.Snapshot s =
        rds.addSnapshot("copy", FakeRds.ACCOUNT, "manual", "app", NOW, Map.of(Tags.MASKED, "true"));
    rds.snapshots.put(s.id(), FakeRds.withStatus(s, "creating"));
    var named =
        new RestoreWorkflow.Source("copy", null, null, null, null, null, null, Duration.ZERO);

    assertThatThrownBy(() -> sources.forRestore(named, true))
        .isInstanceOf(JobException.class)
        .hasMessage("snapshot copy is creating, not available");
  }

  @Test
  void forSnapshot_whenTheNewestBackupIsNotAvailable_choosesTheNewestAvailableOne() {
    rds.addSnapshot(
        "rds:app-2026-11-23-03-00",
        FakeRds.ACCOUNT,
        "automated",
        "app",
        NOW.minus(Duration.ofHours(49)),
        Map.of());
    rds.addSnapshot(
        "rds:app-2026-11-24-03-00",
        FakeRds.ACCOUNT,
        "automated",
        "app",
        NOW.minus(Duration.ofHours(25)),
        Map.of());
    RdsPort.Snapshot newest =
        rds.addSnapshot(
            "rds:app-2026-11-25-03-00",
            FakeRds.ACCOUNT,
            "automated",
            "app",
            NOW.minus(Duration.ofHours(1)),
            Map.of());
    rds.snapshots.put(newest.id(), FakeRds.withStatus(newest, "creating"));

    assertThat(sources.forSnapshot("app", null, null).name()).isEqualTo("rds:app-2026-11-24-03-00");
  }

  @Test
  void forSnapshot_whenTheNamedBackupDoesNotExist_isInvalidInput() {
    assertThatThrownBy(() -> sources.forSnapshot("app", "rds:app-nope", null))
        .isInstanceOf(JobException.class)
        .hasMessage("--source-snapshot rds:app-nope does not exist")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.INVALID_INPUT);
  }

  @Test
  void adopted_readsTheSourceAndWhetherItWasMaskedFromTheClusterTags() {
    FakeRds.C c =
        rds.addCluster(
            "develop-app-next",
            Map.of(Tags.SOURCE_SNAPSHOT, "monolith@latest", Tags.MASKED, "false"));

    SourceChoice.Chosen chosen = SourceChoice.adopted(rds.peek(c.id));

    assertThat(chosen.snapshot()).isNull();
    assertThat(chosen.name()).isEqualTo("monolith@latest");
    assertThat(chosen.needsMasking()).isTrue();
  }
}
