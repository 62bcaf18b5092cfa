package io.dbrestore.aurora.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TeardownWorkflowTest {
  static final Instant NOW = Instant.parse("2026-11-25T04:00:00Z");
  final SteppingClock clock = new SteppingClock(NOW);
  final FakeRds rds = new FakeRds(clock).as("development-aurora-restore-task");

  /** Whatever the test did, preflight checks every action the workflow called. */
  @org.junit.jupiter.api.AfterEach
  void preflightListsEveryActionCalled() {
    PreflightLists.assertCovers(PreflightLists.teardown(), rds);
  }

  TeardownWorkflowTest() {
    rds.addCluster(
        "tmp-load-1",
        Map.of(Tags.MANAGED, "true", Tags.EXPIRES_AT, "2026-11-24T00:00:00Z"),
        "tmp-load-1-1");
    rds.addCluster(
        "tmp-load-2",
        Map.of(Tags.MANAGED, "true", Tags.EXPIRES_AT, "2026-11-30T00:00:00Z"),
        "tmp-load-2-1");
    rds.addCluster("tmp-theirs", Map.of(Tags.EXPIRES_AT, "2026-11-01T00:00:00Z"));
    rds.addCluster("develop-app", Map.of(Tags.MANAGED, "true"));
  }

  JobContext context(String allowlist) {
    return TestJobContext.builder()
        .clock(clock)
        .account(FakeRds.ACCOUNT)
        .allowlist(allowlist)
        .build();
  }

  TeardownWorkflow.Result teardown(String allowlist, String cluster) {
    return new TeardownWorkflow(
            context(allowlist), rds, context(allowlist).guard(), RestoreWorkflowTest.FAST)
        .run(cluster);
  }

  @Test
  void sweep_deletesOnlyManagedClustersWhoseExpiryPassed() {
    TeardownWorkflow.Result result = teardown("tmp-.*", null);

    assertThat(result.deleted()).containsExactly("tmp-load-1");
    assertThat(result.notYetExpired()).containsExactly("tmp-load-2");
    assertThat(rds.clusters)
        .doesNotContainKey("tmp-load-1")
        .containsKeys("tmp-load-2", "tmp-theirs", "develop-app");
    assertThat(rds.mutations())
        .containsExactly("DeleteDBInstance tmp-load-1-1", "DeleteDBCluster tmp-load-1");
  }

  @Test
  void namedCluster_notOurs_isRefused_withZeroMutatingCalls() {
    assertThatThrownBy(() -> teardown("tmp-.*", "tmp-theirs"))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("does not carry the tag dbrestore:managed=true")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.REFUSED);
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void namedCluster_outsideTheAllowlist_isRefused() {
    assertThatThrownBy(() -> teardown("tmp-.*", "develop-app"))
        .hasMessageContaining("does not match the target allowlist");
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void namedCluster_thatIsManaged_isDeleted_evenBeforeItsExpiry() {
    teardown("tmp-.*", "tmp-load-2");

    assertThat(rds.clusters).doesNotContainKey("tmp-load-2");
  }

  @Test
  void namedCluster_alreadyGone_isDone_notAFailure_withZeroMutatingCalls() {
    // Deleted early (by hand, or by a teardown run before its expiry): the one-time schedule
    // that fires later must not fail and alert.
    TeardownWorkflow.Result result = teardown("tmp-.*", "tmp-deleted-earlier");

    assertThat(result.deleted()).isEmpty();
    assertThat(result.alreadyGone()).containsExactly("tmp-deleted-earlier");
    assertThat(rds.mutations()).isEmpty();
  }
}
