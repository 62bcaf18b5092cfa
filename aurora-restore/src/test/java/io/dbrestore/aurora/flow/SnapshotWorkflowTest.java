package io.dbrestore.aurora.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.aurora.rds.DryRunRds;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.lifecycle.Cancellation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class SnapshotWorkflowTest {
  static final Instant NOW = Instant.parse("2026-11-25T01:00:00Z");
  static final String EXECUTION = "arn:aws:states:eu-west-1:111111111111:execution:prod:night-1";
  static final String TEMP = Names.maskingCluster("app", "night-1");

  final SteppingClock clock = new SteppingClock(NOW);
  final FakeRds rds = new FakeRds(clock).as("production-aurora-restore-task");

  /** Whatever the test did, preflight checks every action the workflow called. */
  @org.junit.jupiter.api.AfterEach
  void preflightListsEveryActionCalled() {
    PreflightLists.assertCovers(PreflightLists.snapshot(), rds);
  }

  final List<String> masked = new ArrayList<>();
  Cancellation cancellation = new Cancellation();
  boolean verificationFails;

  SnapshotWorkflowTest() {
    rds.addCluster("app", Map.of());
    rds.addSnapshot(
        "rds:app-2026-11-24-03-00",
        FakeRds.ACCOUNT,
        "automated",
        "app",
        NOW.minus(Duration.ofHours(22)),
        Map.of());
    rds.addSnapshot(
        "rds:app-2026-11-25-00-30",
        FakeRds.ACCOUNT,
        "automated",
        "app",
        NOW.minus(Duration.ofMinutes(30)),
        Map.of());
  }

  /** Masked snapshots of earlier nights, newest first, tagged as this job tags them. */
  void earlierSnapshots(int n) {
    for (int i = 1; i <= n; i++) {
      Instant at = NOW.minus(Duration.ofDays(i));
      Map<String, String> tags = Tags.created("night-" + (1 - i), "masked-snapshot", at);
      tags.put(Tags.SOURCE, "app");
      rds.addSnapshot(
          Names.maskedSnapshot("dbrestore-masked", "app", at, "night-" + (1 - i)),
          FakeRds.ACCOUNT,
          "manual",
          "old-temp",
          at,
          tags);
    }
  }

  JobContext context(String execution) {
    return TestJobContext.builder()
        .job("aurora-restore")
        .clock(clock)
        .account(FakeRds.ACCOUNT)
        .allowlist("dbrestore-mask(ed)?-app-.*")
        .cancellation(cancellation)
        .env("DBRESTORE_EXECUTION_ARN", execution)
        .build();
  }

  SqlSteps sql() {
    return new SqlSteps() {
      @Override
      public Optional<MaskingResult> mask(SqlEndpoint endpoint) {
        masked.add(endpoint.host() + " as " + endpoint.user());
        if (verificationFails) {
          throw JobException.verificationFailed("1 table failed verification: app.users");
        }
        Map<String, Long> manifest = new LinkedHashMap<>();
        manifest.put("public.users", 300L);
        manifest.put("public.orders", 1200L);
        return Optional.of(new MaskingResult(List.of(), manifest, true, 1500, 1.0, Map.of()));
      }

      @Override
      public int postRestore(SqlEndpoint endpoint) {
        return 0;
      }

      @Override
      public boolean postRestoreConfigured() {
        return false;
      }

      @Override
      public String rulesSha256() {
        return "0123abcd";
      }

      @Override
      public String rulesVersion() {
        return "rules-v9";
      }
    };
  }

  static SnapshotWorkflow.Request request(String sourceSnapshot, String pointInTime) {
    return new SnapshotWorkflow.Request(
        "app",
        sourceSnapshot,
        pointInTime,
        "masking-subnets",
        List.of("sg-0123456789abcdef0"),
        "arn:aws:kms:eu-west-1:111111111111:key/share",
        "db.r6g.large",
        List.of("222222222222", "333333333333"),
        3,
        "dbrestore-masked",
        null);
  }

  SnapshotWorkflow.Result run(String execution) throws Exception {
    JobContext context = context(execution);
    return run(context, rds, context.guard());
  }

  SnapshotWorkflow.Result run(JobContext context, RdsPort port, SafetyGuard guard)
      throws Exception {
    // As the command does: in a dry run the SQL steps are the overlay that prints them.
    SqlSteps steps = context.dryRun() ? new DryRunSqlSteps(sql(), context.out()) : sql();
    return new SnapshotWorkflow(
            context, port, guard, steps, RestoreWorkflowTest.FAST, request(null, null))
        .run();
  }

  List<RdsPort.Snapshot> maskedSnapshots() {
    return rds.snapshots(RdsPort.SnapshotType.MANUAL, null).stream()
        .filter(s -> s.name().startsWith("dbrestore-masked-app-"))
        .toList();
  }

  void assertConverged() {
    List<RdsPort.Snapshot> ours =
        maskedSnapshots().stream()
            .filter(s -> "night-1".equals(s.tags().get(Tags.RUN_ID)))
            .toList();
    assertThat(ours).hasSize(1);
    RdsPort.Snapshot s = ours.get(0);
    assertThat(s.status()).isEqualTo("available");
    assertThat(rds.sharedWith.get(s.id())).containsExactly("222222222222", "333333333333");
    assertThat(rds.clusters).doesNotContainKey(TEMP);
    assertThat(rds.count("RestoreDBClusterFromSnapshot")).isEqualTo(1);
    assertThat(rds.count("CreateDBClusterSnapshot")).isEqualTo(1);
  }

  @Test
  void snapshot_restoresTheNewestBackup_masks_snapshots_shares_andDeletesTheTemporaryCluster()
      throws Exception {
    earlierSnapshots(4);

    SnapshotWorkflow.Result result = run(EXECUTION);

    assertConverged();
    List<String> calls = rds.mutations();
    assertThat(calls.get(0))
        .isEqualTo(
            "RestoreDBClusterFromSnapshot "
                + TEMP
                + " from rds:app-2026-11-25-00-30"
                + " kms=arn:aws:kms:eu-west-1:111111111111:key/share");
    assertThat(masked).containsExactly("localhost as master");
    assertThat(rds.passwords).hasSize(1);
    int mask = calls.indexOf("ModifyDBCluster " + TEMP + " MasterUserPassword");
    int snap =
        IntStream.range(0, calls.size())
            .filter(i -> calls.get(i).startsWith("CreateDBClusterSnapshot"))
            .findFirst()
            .orElse(-1);
    assertThat(mask).isLessThan(snap);
    RdsPort.Snapshot s = maskedSnapshots().get(0);
    assertThat(Names.maskedSnapshotPattern("dbrestore-masked", "app").matcher(s.name()).matches())
        .isTrue();
    assertThat(s.tags())
        .containsEntry(Tags.MANAGED, "true")
        .containsEntry(Tags.MASKED, "true")
        .containsEntry(Tags.SOURCE, "app")
        .containsEntry(Tags.SOURCE_SNAPSHOT, "rds:app-2026-11-25-00-30")
        .containsEntry(Tags.RULES_SHA256, "0123abcd")
        .containsEntry(Tags.RULES_VERSION, "rules-v9");
    assertThat(Manifest.fromTags(s.id(), s.tags()).map(Manifest::counts))
        .contains(Map.of("public.users", 300L, "public.orders", 1200L));
    // Retention 3: the new one and the two newest earlier ones stay.
    assertThat(maskedSnapshots()).hasSize(3);
    assertThat(result.deletedSnapshots()).hasSize(2);
    assertThat(result.snapshotArn()).isEqualTo(s.arn());
    assertThat(result.rows()).isEqualTo(1500L);
  }

  @Test
  void retention_neverDeletesSnapshotsThatAreNotOurs() throws Exception {
    earlierSnapshots(4);
    RdsPort.Snapshot foreign =
        rds.addSnapshot(
            "dbrestore-masked-app-20261101-0100-aaaaaa",
            FakeRds.ACCOUNT,
            "manual",
            "x",
            NOW.minus(Duration.ofDays(30)),
            Map.of(Tags.SOURCE, "app"));

    run(EXECUTION);

    assertThat(rds.snapshots).containsKey(foreign.id());
  }

  @Test
  void verificationFailure_makesNoSnapshot_andMarksTheTemporaryClusterExpired() {
    verificationFails = true;

    assertThatThrownBy(() -> run(EXECUTION))
        .isInstanceOf(JobException.class)
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.VERIFICATION_FAILED);

    assertThat(rds.count("CreateDBClusterSnapshot")).isZero();
    assertThat(rds.count("ModifyDBClusterSnapshotAttribute")).isZero();
    assertThat(rds.clusters.get(TEMP).tags).containsKey(Tags.EXPIRES_AT);
  }

  @Test
  void noAutomatedBackup_isRefused_beforeAnything() {
    rds.snapshots.clear();

    assertThatThrownBy(() -> run(EXECUTION))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("has no available automated snapshot")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.REFUSED);
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void pointInTime_restoresToThatTime() throws Exception {
    JobContext context = context(EXECUTION);
    new SnapshotWorkflow(
            context, rds, context.guard(), sql(), RestoreWorkflowTest.FAST, request(null, "latest"))
        .run();

    assertThat(rds.mutations().get(0))
        .isEqualTo("RestoreDBClusterToPointInTime " + TEMP + " from app");
  }

  static IntStream mutatingCalls() throws Exception {
    SnapshotWorkflowTest probe = new SnapshotWorkflowTest();
    probe.earlierSnapshots(4);
    probe.run(EXECUTION);
    return IntStream.rangeClosed(1, probe.rds.mutations().size());
  }

  @ParameterizedTest(name = "crash after mutating call {0}, then re-run")
  @MethodSource("mutatingCalls")
  void crashAfterAnyCall_thenReRun_converges(int n) throws Exception {
    earlierSnapshots(4);
    rds.crashAfterCall(n);
    assertThatThrownBy(() -> run(EXECUTION)).hasMessageContaining("injected crash");

    run(EXECUTION);

    assertConverged();
    assertThat(maskedSnapshots()).hasSize(3);
  }

  @Test
  void aLeftoverFromACrashedRun_isRemovedByTheNextRun() throws Exception {
    rds.crashAfter("CreateDBInstance");
    assertThatThrownBy(() -> run(EXECUTION)).hasMessageContaining("injected crash");
    assertThat(rds.clusters).containsKey(TEMP);

    run(EXECUTION.replace("night-1", "night-2"));

    assertThat(rds.mutations()).contains("DeleteDBCluster " + TEMP);
    assertThat(rds.clusters.get(TEMP).status).isEqualTo("deleting");
    assertThat(rds.clusters).doesNotContainKey(Names.maskingCluster("app", "night-2"));
  }

  @ParameterizedTest(name = "cancelled while {0}")
  @CsvSource({"creating", "resetting-master-credentials"})
  void cancellation_inAWait_startsDeletingTheTemporaryCluster(String status) {
    rds.onDescribe =
        (id, state) -> {
          if (id.equals(TEMP) && state.equals(status)) {
            cancellation.cancel(Cancellation.Reason.EXECUTION_STOPPED, "execution stopped");
          }
        };

    assertThatThrownBy(() -> run(EXECUTION))
        .isInstanceOf(JobException.class)
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.CANCELLED);

    assertThat(rds.clusters.get(TEMP).tags).containsKey(Tags.EXPIRES_AT);
    assertThat(rds.clusters.get(TEMP).status).isEqualTo("deleting");
    assertThat(rds.count("CreateDBClusterSnapshot")).isZero();
  }

  @Test
  void allowlistThatMissesTheTemporaryCluster_isRefused_beforeAnyChange() {
    earlierSnapshots(4);
    JobContext context =
        TestJobContext.builder()
            .clock(clock)
            .account(FakeRds.ACCOUNT)
            .allowlist("dbrestore-masked-app-.*")
            .env("DBRESTORE_EXECUTION_ARN", EXECUTION)
            .build();

    assertThatThrownBy(() -> run(context, rds, context.guard()))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("refused to delete rds cluster " + TEMP)
        .hasMessageContaining("does not match the target allowlist")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.REFUSED);
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void protectedAccount_isRefused_beforeAnyChange() {
    JobContext context =
        TestJobContext.builder()
            .clock(clock)
            .account(FakeRds.ACCOUNT)
            .allowlist("dbrestore-mask(ed)?-app-.*")
            .protectedAccount(FakeRds.ACCOUNT + ":delete")
            .env("DBRESTORE_EXECUTION_ARN", EXECUTION)
            .build();

    assertThatThrownBy(() -> run(context, rds, context.guard()))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("is protected for delete")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.REFUSED);
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void dryRun_printsThePlan_andChangesNothing() throws Exception {
    JobContext context =
        TestJobContext.builder()
            .clock(clock)
            .account(FakeRds.ACCOUNT)
            .dryRun(true)
            .allowlist("dbrestore-mask(ed)?-app-.*")
            .env("DBRESTORE_EXECUTION_ARN", EXECUTION)
            .build();
    StringWriter plan = new StringWriter();
    PrintWriter out = new PrintWriter(plan, true);

    run(
        context,
        new DryRunRds(rds, out, clock),
        new SafetyGuard(context.guardPolicy(), context::callerAccount, false, out));

    assertThat(rds.mutations()).isEmpty();
    assertThat(masked).isEmpty();
    assertThat(plan.toString())
        .contains(
            "rds:RestoreDBClusterFromSnapshot DBClusterIdentifier=" + TEMP,
            "KmsKeyId=arn:aws:kms:eu-west-1:111111111111:key/share",
            "rds:CreateDBClusterSnapshot",
            "rds:ModifyDBClusterSnapshotAttribute AttributeName=restore",
            "ValuesToAdd=[222222222222, 333333333333]",
            "rds:DeleteDBCluster DBClusterIdentifier=" + TEMP);
  }
}
