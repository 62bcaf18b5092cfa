package io.dbrestore.aurora.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.aurora.rds.DryRunRds;
import io.dbrestore.aurora.rds.RdsPort;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.wait.Backoff;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@org.junit.jupiter.api.Timeout(30)
class RestoreWorkflowTest {
  static final Instant NOW = Instant.parse("2026-11-25T04:00:00Z");
  final Clock CLOCK = new SteppingClock(NOW);
  static final Timeouts FAST =
      new Timeouts(
          new Backoff(Duration.ZERO, Duration.ZERO, 1.0),
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          Duration.ofMinutes(1));
  static final String EXECUTION = "arn:aws:states:eu-west-1:222222222222:execution:develop:night-1";
  static final String SNAP = FakeRds.SHARED_SNAPSHOT;

  final FakeRds rds = new FakeRds(CLOCK).as("development-aurora-restore-task");

  /** Whatever the test did, preflight checks every action the workflow called. */
  @org.junit.jupiter.api.AfterEach
  void preflightListsEveryActionCalled() {
    PreflightLists.assertCovers(PreflightLists.restore(), rds);
  }

  final List<String> maskedHosts = new ArrayList<>();
  final List<String> sqlRuns = new ArrayList<>();
  Cancellation cancellation = new Cancellation();

  RestoreWorkflowTest() {
    rds.addTargetAndSharedSnapshot(NOW.minus(Duration.ofHours(3)));
    rds.addSnapshot(
        "dbrestore-masked-app-20261120-0100-abcdef",
        FakeRds.PROD,
        "shared",
        "app",
        NOW.minus(Duration.ofDays(5)),
        Map.of());
  }

  TestJobContext contextBuilder(String execution) {
    return TestJobContext.builder()
        .job("aurora-restore")
        .clock(CLOCK)
        .account(FakeRds.ACCOUNT)
        .allowlist("develop-app(-next|-old)?")
        .cancellation(cancellation)
        .env("DBRESTORE_EXECUTION_ARN", execution);
  }

  SqlSteps sql(boolean rules) {
    return new SqlSteps() {
      @Override
      public Optional<MaskingResult> mask(SqlEndpoint endpoint) {
        maskedHosts.add(endpoint.host());
        return Optional.of(
            new MaskingResult(List.of(), Map.of("public.users", 3L), true, 3, 0.1, Map.of()));
      }

      @Override
      public int postRestore(SqlEndpoint endpoint) {
        sqlRuns.add(endpoint.host());
        return 1;
      }

      @Override
      public boolean postRestoreConfigured() {
        return true;
      }

      @Override
      public String rulesSha256() {
        return rules ? "abc123" : null;
      }
    };
  }

  static RestoreWorkflow.Request request(RestoreWorkflow.Strategy strategy) {
    return request(
        strategy,
        new RestoreWorkflow.Source(
            null,
            FakeRds.PROD,
            "dbrestore-masked",
            "app",
            Duration.ofHours(36),
            null,
            null,
            Duration.ZERO));
  }

  static RestoreWorkflow.Request request(
      RestoreWorkflow.Strategy strategy, RestoreWorkflow.Source source) {
    return request(strategy, source, "arn:aws:kms:eu-west-1:222222222222:key/dev");
  }

  static RestoreWorkflow.Request request(
      RestoreWorkflow.Strategy strategy, RestoreWorkflow.Source source, String kmsKey) {
    return new RestoreWorkflow.Request(
        "develop-app",
        strategy,
        source,
        "db.r6g.large",
        2,
        null,
        null,
        "dev-subnets",
        List.of("sg-0123456789abcdef0"),
        kmsKey,
        true,
        null,
        null);
  }

  RestoreWorkflow.Result run(JobContext context, RestoreWorkflow.Request request) throws Exception {
    return run(context, request, rds, context.guard(), true);
  }

  RestoreWorkflow.Result run(
      JobContext context,
      RestoreWorkflow.Request request,
      RdsPort port,
      SafetyGuard guard,
      boolean rules)
      throws Exception {
    // As the command does: in a dry run the SQL steps are the overlay that prints them.
    SqlSteps steps = context.dryRun() ? new DryRunSqlSteps(sql(rules), context.out()) : sql(rules);
    return new RestoreWorkflow(context, port, guard, steps, () -> "env-password", FAST, request)
        .run();
  }

  void assertSwappedIn(String runId) {
    assertThat(rds.clusters).containsKey("develop-app").doesNotContainKey("develop-app-next");
    var target = rds.clusters.get("develop-app");
    assertThat(target.tags)
        .containsEntry(Tags.RUN_ID, runId)
        .containsEntry(Tags.STATE, Tags.STATE_READY)
        .containsEntry(Tags.SOURCE_SNAPSHOT, SNAP);
    assertThat(target.members).containsExactly("develop-app-1", "develop-app-2");
    assertThat(rds.instances.get("develop-app-1").cluster).isEqualTo("develop-app");
    if (rds.clusters.containsKey("develop-app-old")) {
      assertThat(rds.clusters.get("develop-app-old").status).isEqualTo("deleting");
    }
    assertThat(rds.count("RestoreDBClusterFromSnapshot")).isEqualTo(1);
  }

  @Test
  void swap_restoresNextToTheTarget_thenRenamesItIntoPlace_andDeletesTheOld() throws Exception {
    RestoreWorkflow.Result result =
        run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP));

    assertSwappedIn("night-1");
    assertThat(result.cluster()).isEqualTo("develop-app");
    assertThat(result.source()).isEqualTo(SNAP);
    assertThat(result.instances()).isEqualTo(List.of("develop-app-1", "develop-app-2"));
    List<String> calls = rds.mutations();
    assertThat(calls.get(0))
        .isEqualTo(
            "RestoreDBClusterFromSnapshot develop-app-next from "
                + SNAP
                + " kms=arn:aws:kms:eu-west-1:222222222222:key/dev");
    int renameOld =
        calls.indexOf("ModifyDBCluster develop-app NewDBClusterIdentifier=develop-app-old");
    int renameNew =
        calls.indexOf("ModifyDBCluster develop-app-next NewDBClusterIdentifier=develop-app");
    int deleteOld = calls.indexOf("DeleteDBCluster develop-app-old");
    assertThat(renameOld).isPositive().isLessThan(renameNew);
    assertThat(renameNew).isLessThan(deleteOld);
    assertThat(calls)
        .contains(
            "ModifyDBInstance develop-app-1 NewDBInstanceIdentifier=develop-app-old-1",
            "ModifyDBInstance develop-app-next-1 NewDBInstanceIdentifier=develop-app-1",
            "ModifyDBInstance develop-app-next-2 NewDBInstanceIdentifier=develop-app-2",
            "DeleteDBInstance develop-app-old-1");
    // The old target was untouched until the new one was restored, configured and ready.
    assertThat(calls.subList(0, renameOld))
        .filteredOn(c -> !c.equals("AddTagsToResource develop-app [dbrestore:replaced-by]"))
        .noneMatch(c -> c.contains("develop-app ") || c.endsWith("develop-app"));
    assertThat(rds.passwords).containsExactly("env-password");
    assertThat(sqlRuns).hasSize(1);
    assertThat(maskedHosts).isEmpty();
  }

  @Test
  void replace_deletesTheTargetFirst() throws Exception {
    run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.REPLACE));

    List<String> calls = rds.mutations();
    assertThat(calls.get(0)).isEqualTo("DeleteDBInstance develop-app-1");
    assertThat(calls.get(1)).isEqualTo("DeleteDBCluster develop-app");
    assertThat(calls.get(2)).startsWith("RestoreDBClusterFromSnapshot develop-app-next");
    assertThat(rds.clusters.get("develop-app").tags).containsEntry(Tags.STATE, "ready");
  }

  @Test
  void deletionProtectionOnTheOldTarget_isLiftedOnlyRightBeforeItsDeletion() throws Exception {
    rds.clusters.get("develop-app").protection = true;

    run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP));

    List<String> calls = rds.mutations();
    int lift = calls.indexOf("ModifyDBCluster develop-app-old DeletionProtection=false");
    assertThat(lift).isPositive();
    assertThat(calls.get(lift + 1)).isEqualTo("DeleteDBInstance develop-app-old-1");
  }

  @Test
  void pointInTime_masksBeforeTheTargetIsReachable() throws Exception {
    rds.addCluster("monolith", Map.of());
    var source =
        new RestoreWorkflow.Source(
            null, null, null, null, null, "monolith", "latest", Duration.ZERO);

    run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP, source));

    assertThat(maskedHosts).hasSize(1);
    List<String> calls = rds.mutations();
    assertThat(calls.get(0))
        .startsWith("RestoreDBClusterToPointInTime develop-app-next from monolith");
    int masked = calls.indexOf("AddTagsToResource develop-app-next [dbrestore:masked]");
    int renameNew =
        calls.indexOf("ModifyDBCluster develop-app-next NewDBClusterIdentifier=develop-app");
    assertThat(masked).isPositive().isLessThan(renameNew);
  }

  @Test
  void unmaskedSameAccountSnapshot_withoutRules_isInvalidInput_beforeAnyChange() {
    rds.addSnapshot("prod-copy", FakeRds.ACCOUNT, "manual", "monolith", NOW, Map.of());
    var source =
        new RestoreWorkflow.Source("prod-copy", null, null, null, null, null, null, Duration.ZERO);

    assertThatThrownBy(
            () ->
                new RestoreWorkflow(
                        contextBuilder(EXECUTION).build(),
                        rds,
                        contextBuilder(EXECUTION).build().guard(),
                        sql(false),
                        null,
                        FAST,
                        request(RestoreWorkflow.Strategy.SWAP, source))
                    .run())
        .isInstanceOf(JobException.class)
        .hasMessageContaining("requires --rules")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(rds.mutations()).isEmpty();
  }

  static final RestoreWorkflow.Source SHARED =
      new RestoreWorkflow.Source(
          null,
          FakeRds.PROD,
          "dbrestore-masked",
          "app",
          Duration.ofHours(36),
          null,
          null,
          Duration.ZERO);

  @Test
  void sharedSnapshot_withoutKmsKey_isInvalidInput_beforeAnyChange() {
    // Restored without a key of its own, the cluster would stay encrypted with production's
    // sharing key and break the day production rotates it or revokes the grant.
    assertThatThrownBy(
            () ->
                run(
                    contextBuilder(EXECUTION).build(),
                    request(RestoreWorkflow.Strategy.SWAP, SHARED, null)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("--kms-key is required")
        .hasMessageContaining("shared by account " + FakeRds.PROD)
        .hasMessageContaining("alias/aws/rds will do")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void sharedSnapshot_withTheSharingAccountsKey_isInvalidInput_beforeAnyChange() {
    String productionKey = "arn:aws:kms:eu-west-1:" + FakeRds.PROD + ":key/k";

    assertThatThrownBy(
            () ->
                run(
                    contextBuilder(EXECUTION).build(),
                    request(RestoreWorkflow.Strategy.SWAP, SHARED, productionKey)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("--kms-key " + productionKey + " is a key of account " + FakeRds.PROD)
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void sharedSnapshot_isReencryptedWithThisAccountsKey() throws Exception {
    run(
        contextBuilder(EXECUTION).build(),
        request(RestoreWorkflow.Strategy.SWAP, SHARED, "alias/aws/rds"));

    assertThat(rds.mutations())
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("RestoreDBClusterFromSnapshot develop-app-next")
                    .endsWith("kms=alias/aws/rds"));
  }

  @Test
  void snapshotOlderThanMaxAge_isRefused_andNothingChanges() {
    var source =
        new RestoreWorkflow.Source(
            null,
            FakeRds.PROD,
            "dbrestore-masked",
            "app",
            Duration.ofHours(2),
            null,
            null,
            Duration.ZERO);

    assertThatThrownBy(
            () ->
                run(
                    contextBuilder(EXECUTION).build(),
                    request(RestoreWorkflow.Strategy.SWAP, source)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("3h old (--max-age 2h)")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.REFUSED);
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void untaggedTarget_isRefused_withZeroMutatingCalls() {
    rds.clusters.get("develop-app").tags.clear();

    assertThatThrownBy(
            () -> run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("does not carry the tag dbrestore:managed=true");
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void allowlistThatMissesTheNextName_isRefused_withZeroMutatingCalls() {
    JobContext context = contextBuilder(EXECUTION).allowlist("develop-app").build();

    assertThatThrownBy(() -> run(context, request(RestoreWorkflow.Strategy.SWAP)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining(
            "refused to delete rds cluster develop-app-next: it does not match the target"
                + " allowlist 'develop-app'");
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void protectedAccount_isRefused_withZeroMutatingCalls() {
    JobContext context = contextBuilder(EXECUTION).protectedAccount(FakeRds.ACCOUNT).build();

    assertThatThrownBy(() -> run(context, request(RestoreWorkflow.Strategy.SWAP)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("is protected")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.REFUSED);
    assertThat(rds.mutations()).isEmpty();
  }

  static IntStream mutatingCallsOfASwap() throws Exception {
    RestoreWorkflowTest probe = new RestoreWorkflowTest();
    probe.run(probe.contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP));
    return IntStream.rangeClosed(1, probe.rds.mutations().size());
  }

  @ParameterizedTest(name = "crash after mutating call {0}, then re-run")
  @MethodSource("mutatingCallsOfASwap")
  void crashAfterAnyCall_thenReRunOfTheSameExecution_converges(int n) throws Exception {
    rds.crashAfterCall(n);
    assertThatThrownBy(
            () -> run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP)))
        .hasMessageContaining("injected crash");

    run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP));

    assertSwappedIn("night-1");
    assertThat(rds.count("CreateDBInstance")).isEqualTo(2);
  }

  @ParameterizedTest(name = "crash after mutating call {0}, then the next night's run")
  @MethodSource("mutatingCallsOfASwap")
  void crashAfterAnyCall_thenANewRun_converges(int n) throws Exception {
    rds.crashAfterCall(n);
    assertThatThrownBy(
            () -> run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP)))
        .hasMessageContaining("injected crash");

    run(
        contextBuilder(EXECUTION.replace("night-1", "night-2")).build(),
        request(RestoreWorkflow.Strategy.SWAP));

    assertThat(rds.clusters.get("develop-app").tags).containsEntry(Tags.STATE, Tags.STATE_READY);
    assertThat(rds.clusters.get("develop-app").members)
        .containsExactly("develop-app-1", "develop-app-2");
    assertThat(rds.clusters).doesNotContainKey("develop-app-next");
    assertThat(rds.clusters.values())
        .filteredOn(c -> !c.status.equals("deleting"))
        .extracting(c -> c.id)
        .containsExactly("develop-app");
  }

  @Test
  void reRunAfterSuccess_changesNothing() throws Exception {
    run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP));
    int calls = rds.mutations().size();

    RestoreWorkflow.Result again =
        run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP));

    assertThat(rds.mutations()).hasSize(calls);
    assertThat(again.restoredByThisCall()).isFalse();
  }

  @ParameterizedTest(name = "cancelled while {0} is {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "develop-app-next, creating",
    "develop-app-next-1, creating",
    "develop-app-next, resetting-master-credentials",
    "develop-app-old, renaming"
  })
  void cancellationInAWait_leavesTheTargetInPlace_andRemovesTheReplacement(String id, String status)
      throws Exception {
    rds.onDescribe =
        (what, state) -> {
          if (what.equals(id) && state.equals(status)) {
            cancellation.cancel(Cancellation.Reason.SIGNAL, "SIGTERM");
          }
        };

    assertThatThrownBy(
            () -> run(contextBuilder(EXECUTION).build(), request(RestoreWorkflow.Strategy.SWAP)))
        .isInstanceOf(JobException.class)
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.CANCELLED);

    rds.onDescribe = (a, b) -> {};
    assertThat(rds.clusters).containsKey("develop-app");
    assertThat(rds.clusters.get("develop-app").tags).containsEntry(Tags.RUN_ID, "night-0");
    assertThat(rds.clusters.get("develop-app-next").tags).containsKey(Tags.EXPIRES_AT);
    assertThat(rds.clusters.get("develop-app-next").status).isEqualTo("deleting");
  }

  @Test
  void dryRun_printsEveryCallWithItsParameters_andChangesNothing() throws Exception {
    JobContext context = contextBuilder(EXECUTION).dryRun(true).build();
    StringWriter plan = new StringWriter();
    DryRunRds dry = new DryRunRds(rds, new PrintWriter(plan, true), CLOCK);
    SafetyGuard guard =
        new SafetyGuard(
            context.guardPolicy(), context::callerAccount, false, new PrintWriter(plan, true));

    run(context, request(RestoreWorkflow.Strategy.SWAP), dry, guard, true);

    assertThat(rds.mutations()).isEmpty();
    assertThat(plan.toString()).doesNotContain("env-password");
    String tags =
        "Tags={dbrestore:managed=true, dbrestore:run-id=night-1, dbrestore:role=target,"
            + " dbrestore:created-at=<time>";
    assertThat(plan.toString().replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "<time>").split("\\R"))
        .containsExactly(
            "[dry-run] would call rds:RestoreDBClusterFromSnapshot"
                + " DBClusterIdentifier=develop-app-next DBSubnetGroupName=dev-subnets"
                + " DeletionProtection=true Engine=aurora-postgresql EngineVersion=16.4"
                + " KmsKeyId=arn:aws:kms:eu-west-1:222222222222:key/dev"
                + " SnapshotIdentifier=arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:"
                + SNAP
                + " "
                + tags
                + ", dbrestore:source-snapshot="
                + SNAP
                + ", dbrestore:masked=true} VpcSecurityGroupIds=[sg-0123456789abcdef0]",
            "[dry-run] would call rds:CreateDBInstance DBClusterIdentifier=develop-app-next"
                + " DBInstanceClass=db.r6g.large DBInstanceIdentifier=develop-app-next-1"
                + " Engine=aurora-postgresql PubliclyAccessible=false "
                + tags
                + "}",
            "[dry-run] would call rds:CreateDBInstance DBClusterIdentifier=develop-app-next"
                + " DBInstanceClass=db.r6g.large DBInstanceIdentifier=develop-app-next-2"
                + " Engine=aurora-postgresql PubliclyAccessible=false "
                + tags
                + "}",
            "[dry-run] would call rds:ModifyDBCluster ApplyImmediately=true"
                + " DBClusterIdentifier=develop-app-next MasterUserPassword=(hidden)",
            "[dry-run] would call rds:AddTagsToResource"
                + " ResourceName=arn:aws:rds:eu-west-1:222222222222:cluster:develop-app"
                + " Tags={dbrestore:replaced-by=night-1}",
            "[dry-run] would call rds:ModifyDBCluster ApplyImmediately=true"
                + " DBClusterIdentifier=develop-app NewDBClusterIdentifier=develop-app-old",
            "[dry-run] would call rds:ModifyDBInstance ApplyImmediately=true"
                + " DBInstanceIdentifier=develop-app-1 NewDBInstanceIdentifier=develop-app-old-1",
            "[dry-run] would call rds:ModifyDBCluster ApplyImmediately=true"
                + " DBClusterIdentifier=develop-app-next NewDBClusterIdentifier=develop-app",
            "[dry-run] would call rds:ModifyDBInstance ApplyImmediately=true"
                + " DBInstanceIdentifier=develop-app-next-1 NewDBInstanceIdentifier=develop-app-1",
            "[dry-run] would call rds:ModifyDBInstance ApplyImmediately=true"
                + " DBInstanceIdentifier=develop-app-next-2 NewDBInstanceIdentifier=develop-app-2",
            "[dry-run] would call rds:AddTagsToResource"
                + " ResourceName=arn:aws:rds:dry-run:000000000000:cluster:develop-app-next"
                + " Tags={dbrestore:state=ready}",
            "[dry-run] would call rds:DeleteDBInstance DBInstanceIdentifier=develop-app-old-1"
                + " SkipFinalSnapshot=true",
            "[dry-run] would call rds:DeleteDBCluster DBClusterIdentifier=develop-app-old"
                + " SkipFinalSnapshot=true");
  }
}
