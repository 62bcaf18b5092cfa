package io.dbrestore.mongo.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.mongo.MongoMasking;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.mongo.ec2.InstanceOptions;
import io.dbrestore.mongo.ec2.Mongod;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.mongo.ec2.testing.FakeEc2;
import io.dbrestore.mongo.ec2.testing.MongoHost;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.contract.Manifest;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.testing.Emf;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.testsupport.InProcessMongo;
import io.dbrestore.testsupport.SyntheticShop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mongo-restore run} against a stateful EC2 fake whose instance serves a real wire-protocol
 * MongoDB; the masked snapshot holds a copy masked by the real engine.
 */
class RestoreWorkflowTest {
  static final String PROD = "999999999999";
  static final String DEV = "222222222222";
  static final String INSTANCE = "i-0bbbbbbbbbbbbbbbb";
  static final String DEVICE = "/dev/sdf";
  static final Instant NOW = Instant.parse("2026-03-01T06:00:00Z");
  static final Timeouts FAST =
      Timeouts.DEFAULT.withBackoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 1.5));

  static InProcessMongo server;
  static MongoClient client;
  static FakeEc2.Data masked;
  static Manifest manifest;
  static FakeEc2.Data yesterday;

  FakeEc2 ec2;

  /** Whatever the test did, preflight checks every action the workflow called. */
  @org.junit.jupiter.api.AfterEach
  void preflightListsEveryActionCalled() {
    if (ec2 == null) {
      return;
    }
    java.util.Set<String> listed = new java.util.TreeSet<>();
    for (io.dbrestore.runtime.preflight.Permission p :
        io.dbrestore.mongo.ec2.Ec2Preflight.swap(
            new io.dbrestore.mongo.ec2.Ec2Preflight.Arns("aws", "eu-west-1", "222222222222"),
            new io.dbrestore.mongo.ec2.Ec2Preflight.Target(
                new io.dbrestore.mongo.ec2.Ec2Port.Instance(
                    "i-0123456789abcdef0", "running", "eu-west-1a", Map.of()),
                Map.of(),
                java.util.Optional.of("vol-1"),
                Map.of()),
            RestoreWorkflow.JOB,
            new io.dbrestore.mongo.ec2.Ec2Port.Snapshot(
                "snap-1",
                "completed",
                "100%",
                "vol-0",
                "999999999999",
                Instant.EPOCH,
                "masked",
                Map.of(),
                "arn:aws:kms:eu-west-1:999999999999:key/k"),
            "arn:aws:kms:eu-west-1:222222222222:key/dev",
            Tags.ROLE_RESTORED_VOLUME)) {
      listed.add(p.action());
    }
    assertThat(listed)
        .as("the actions preflight checks (Ec2Preflight.swap) against those the workflow called")
        .containsAll(ec2.served());
  }

  String oldVolume;
  String snapshot;

  @BeforeAll
  static void data() throws Exception {
    server = InProcessMongo.start();
    client = MongoClients.create(server.uri());
    SyntheticShop.generateAll(client, new SyntheticShop.Sizes(30, 60, 10, 10, 10), 3, v -> {});
    MaskingPlan plan =
        MaskingPlan.compile(
            RulesLoader.load(Path.of("..", "examples", "rules.yaml")),
            MaskingKey.of("restore-test-key-0123456789abcdefghijklmnop"));
    manifest =
        new Manifest(
            new MongoMasking(client, plan, MongoMasking.defaultOptions()).run().manifest());
    masked = MongoHost.of(client);
    yesterday = new FakeEc2.Data(Map.of("shop.marker", List.of(new Document("_id", "yesterday"))));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static String description(Manifest m) {
    return "dbrestore masked mongodb main; run prod-run; source snap-0123456789abcdef0; "
        + m.documents()
        + " documents in "
        + m.counts().size()
        + " collections; manifest sha256 "
        + m.shortSha256();
  }

  @BeforeEach
  void world() {
    new MongoHost(client).load(yesterday);
    ec2 = new FakeEc2(DEV).as("development-mongo-restore-task").host(new MongoHost(client), DEVICE);
    ec2.addInstance(INSTANCE, "eu-west-1a", "running", Map.of(Tags.MANAGED, "true"));
    oldVolume =
        ec2.addVolume("eu-west-1a", Map.of(Tags.MANAGED, "true"), yesterday, INSTANCE, DEVICE);
    snapshot = shared(NOW.minus(Duration.ofHours(4)), description(manifest), masked);
  }

  String shared(Instant start, String description, FakeEc2.Data data) {
    String id = ec2.addSnapshot(null, PROD, start, description, Map.of(), data);
    // Encrypted with production's sharing key, as the masking job leaves it.
    ec2.snapshotKey(id, "arn:aws:kms:eu-west-1:" + PROD + ":key/k");
    ec2.share(id, DEV);
    return id;
  }

  static final String DEV_KEY = "arn:aws:kms:eu-west-1:" + DEV + ":key/dev";

  static Request request(String snapshotId) {
    return request(snapshotId, DEV_KEY);
  }

  static Request request(String snapshotId, String kmsKey) {
    return new Request(
        "run-1",
        INSTANCE,
        DEVICE,
        snapshotId,
        snapshotId == null ? PROD : null,
        Duration.ofHours(36),
        "main",
        kmsKey,
        "gp3",
        null,
        Duration.ZERO);
  }

  static TestJobContext context() {
    return TestJobContext.builder()
        .job("mongo-restore")
        .account(DEV)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** The context of the last {@link #run}, for its EMF lines. */
  JobContext last;

  RestoreWorkflow.Result run(TestJobContext context, Request request) {
    JobContext built = context.build();
    last = built;
    return new RestoreWorkflow(
            built,
            InstanceOptions.ec2(built, ec2),
            built.guardForPort(),
            InstanceOptions.mongod(built, Mongod.of(server.uri())),
            FAST,
            request)
        .run();
  }

  RestoreWorkflow.Result run() {
    return run(context(), request(null));
  }

  private void assertRestored(RestoreWorkflow.Result result) {
    assertThat(ec2.instanceState(INSTANCE)).isEqualTo("running");
    assertThat(ec2.volumeAt(INSTANCE, DEVICE)).contains(result.volumeId());
    assertThat(ec2.volumeIds()).containsExactly(result.volumeId());
    assertThat(ec2.volumeTags(result.volumeId()))
        .containsEntry(Tags.MANAGED, "true")
        .containsEntry(Tags.RUN_ID, "run-1")
        .containsEntry(Tags.SOURCE_SNAPSHOT, snapshot);
    assertThat(Mongod.of(server.uri()).counts()).containsAllEntriesOf(manifest.counts());
    assertThat(client.getDatabase("shop").getCollection("marker").countDocuments()).isZero();
  }

  private void assertOnYesterdaysVolume() {
    assertThat(ec2.volumeAt(INSTANCE, DEVICE)).contains(oldVolume);
    assertThat(ec2.attachState(oldVolume)).isEqualTo("attached");
  }

  @Test
  void run_swapsTheMaskedCopyInVerifiesItAndDeletesTheOldVolume() {
    RestoreWorkflow.Result result = run();

    assertRestored(result);
    assertThat(result.snapshotId()).isEqualTo(snapshot);
    assertThat(result.previousVolumeId()).isEqualTo(oldVolume);
    assertThat(result.previousVolumeDeleted()).isTrue();
    assertThat(result.manifest()).isEqualTo(manifest.counts());
    assertThat(result.manifestSource()).isEqualTo("masking records in the copy");
    assertThat(ec2.mutatingCalls().stream().map(FakeEc2.Call::action).toList())
        .containsExactly(
            "CreateVolume",
            "StopInstances",
            "DetachVolume",
            "AttachVolume",
            "StartInstances",
            "DeleteVolume");
  }

  /** The EMF lines the run ends with (docs/metrics.md). */
  @Test
  void run_endsWithItsMetrics_refreshedFromASnapshotFourHoursOld() {
    run(context().env("DBRESTORE_TARGET", "develop"), request(null));

    Emf emf = Emf.parse(TestJobContext.emfLines(last, null));
    assertThat(emf.dimension("Job")).isEqualTo("mongo-restore");
    assertThat(emf.dimension("Target")).isEqualTo("develop");
    assertThat(emf.value("Succeeded")).isEqualTo(1);
    assertThat(emf.value("ExitCode")).isZero();
    assertThat(emf.value("Refreshed")).isEqualTo(1);
    assertThat(emf.value("VerificationPassed")).isEqualTo(1);
    assertThat(emf.value("SnapshotAgeSeconds")).isEqualTo(4 * 3600);
    // The fake's volumes from a snapshot are 100 GiB.
    assertThat(emf.value("DataBytes")).isEqualTo(100.0 * 1024 * 1024 * 1024);
    assertThat(emf.declared()).doesNotContain("MaskedItems", "SnapshotPublished");
    assertThat(emf.steps()).containsKeys("find-snapshot", "create-volume", "swap-volume", "verify");
  }

  @Test
  void newestSnapshotWins_olderOnesAndOtherLabelsAreIgnored() {
    String older = shared(NOW.minus(Duration.ofHours(28)), description(manifest), masked);
    shared(
        NOW.minus(Duration.ofHours(1)),
        description(manifest).replace("mongodb main;", "mongodb other;"),
        masked);

    RestoreWorkflow.Result result = run();

    assertThat(result.snapshotId()).isEqualTo(snapshot).isNotEqualTo(older);
  }

  @Test
  void explicitSnapshot_isRestoredWhateverItsAge() {
    String old = shared(NOW.minus(Duration.ofDays(10)), description(manifest), masked);
    snapshot = old;

    RestoreWorkflow.Result result = run(context(), request(old));

    assertThat(result.snapshotId()).isEqualTo(old);
    assertRestored(result);
  }

  @Test
  void tooOld_refusesWithZeroMutatingCalls() {
    ec2 = new FakeEc2(DEV).as("development-mongo-restore-task").host(new MongoHost(client), DEVICE);
    ec2.addInstance(INSTANCE, "eu-west-1a", "running", Map.of(Tags.MANAGED, "true"));
    ec2.addVolume("eu-west-1a", Map.of(Tags.MANAGED, "true"), yesterday, INSTANCE, DEVICE);
    shared(NOW.minus(Duration.ofHours(40)), description(manifest), masked);

    assertThatThrownBy(this::run)
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("snapshot-too-old"))
        .hasMessageContaining("40h old");
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void snapshotNotMadeByTheMaskingJob_isRefusedWithZeroMutatingCalls() {
    String foreign = shared(NOW, "Created by AWS Backup", masked);

    assertThatThrownBy(() -> run(context(), request(foreign)))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("may hold unmasked data");
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void sharedSnapshot_withoutKmsKey_isInvalidInput_withZeroMutatingCalls() {
    // Without a key of its own the volume would stay encrypted with production's sharing key.
    shared(NOW.minus(Duration.ofHours(1)), description(manifest), masked);

    assertThatThrownBy(() -> run(context(), request(null, null)))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageContaining("--kms-key is required")
        .hasMessageContaining("shared by account " + PROD)
        .hasMessageContaining("alias/aws/ebs will do");
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void sharedSnapshot_withTheSharingAccountsKey_isInvalidInput_withZeroMutatingCalls() {
    shared(NOW.minus(Duration.ofHours(1)), description(manifest), masked);
    String productionKey = "arn:aws:kms:eu-west-1:" + PROD + ":key/k";

    assertThatThrownBy(() -> run(context(), request(null, productionKey)))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageContaining("is a key of account " + PROD);
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void unmanagedOldVolume_refusesWithZeroMutatingCalls() {
    ec2 = new FakeEc2(DEV).as("development-mongo-restore-task").host(new MongoHost(client), DEVICE);
    ec2.addInstance(INSTANCE, "eu-west-1a", "running", Map.of(Tags.MANAGED, "true"));
    ec2.addVolume("eu-west-1a", Map.of(), yesterday, INSTANCE, DEVICE);
    shared(NOW.minus(Duration.ofHours(1)), description(manifest), masked);

    assertThatThrownBy(this::run)
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("refused to detach ec2 volume");
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void allowlistNotMatchingTheInstance_refusesWithZeroMutatingCalls() {
    assertThatThrownBy(() -> run(context().allowlist("(vol|snap)-.*"), request(null)))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("not-allowlisted"));
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void halfCopy_failsVerificationAndRollsBackToYesterday() {
    Map<String, List<Document>> half = new LinkedHashMap<>(masked.collections());
    half.put("shop.orders", half.get("shop.orders").subList(0, 10));
    snapshot =
        shared(NOW.minus(Duration.ofHours(1)), description(manifest), new FakeEc2.Data(half));

    Throwable failure = catchThrowable(this::run);
    assertThat(failure)
        .isInstanceOfSatisfying(
            JobException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED);
              assertThat(e.kind()).isEqualTo("restore-check-failed");
            })
        .hasMessageContaining("shop.orders holds 10, expected 60")
        .hasMessageContaining(
            "rolled back: " + INSTANCE + " runs on its previous volume " + oldVolume);
    assertOnYesterdaysVolume();
    // The EMF lines the failed run ends with (docs/metrics.md).
    Emf emf = Emf.parse(TestJobContext.emfLines(last, failure));
    assertThat(emf.value("Succeeded")).isZero();
    assertThat(emf.value("ExitCode")).isEqualTo(3);
    assertThat(emf.value("VerificationPassed")).isZero();
    assertThat(emf.value("SnapshotAgeSeconds")).isEqualTo(3600);
    assertThat(emf.has("Refreshed")).isFalse();
    assertThat(ec2.instanceState(INSTANCE)).isEqualTo("running");
    assertThat(client.getDatabase("shop").getCollection("marker").countDocuments()).isEqualTo(1);
    assertThat(ec2.volumeIds()).hasSize(2);
  }

  @Test
  void unmaskedCopy_isRefusedAndRolledBack() {
    Map<String, List<Document>> raw = new LinkedHashMap<>(masked.collections());
    raw.keySet().removeIf(k -> k.endsWith("." + MaskingRecord.COLLECTION));
    snapshot = shared(NOW.minus(Duration.ofHours(1)), description(manifest), new FakeEc2.Data(raw));

    assertThatThrownBy(this::run)
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("not-masked"));
    assertOnYesterdaysVolume();
  }

  @Test
  void manifestOfAnotherCopy_isRefusedAndRolledBack() {
    Map<String, Long> other = new LinkedHashMap<>(manifest.counts());
    other.put("shop.orders", 61L);
    snapshot = shared(NOW.minus(Duration.ofHours(1)), description(new Manifest(other)), masked);

    assertThatThrownBy(this::run)
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.kind()).isEqualTo("manifest-mismatch"));
    assertOnYesterdaysVolume();
  }

  @Test
  void aFailedRunsVolume_isDeletedByTheNextGoodRun() {
    Map<String, List<Document>> half = new LinkedHashMap<>(masked.collections());
    half.put("shop.orders", half.get("shop.orders").subList(0, 10));
    String bad =
        shared(NOW.minus(Duration.ofHours(30)), description(manifest), new FakeEc2.Data(half));
    assertThatThrownBy(() -> run(context(), request(bad))).isInstanceOf(JobException.class);

    RestoreWorkflow.Result result =
        run(
            context(),
            new Request(
                "run-2",
                INSTANCE,
                DEVICE,
                null,
                PROD,
                Duration.ofHours(36),
                "main",
                DEV_KEY,
                "gp3",
                null,
                Duration.ZERO));

    assertThat(result.deletedVolumes()).hasSize(1);
    assertThat(ec2.volumeIds()).containsExactly(result.volumeId());
  }

  @Test
  void dryRun_printsThePlanAndMakesNoMutatingCall() {
    TestJobContext context = context().dryRun(true);

    run(context, request(null));

    assertThat(ec2.mutatingCalls()).isEmpty();
    String mongod = "127.0.0.1:" + server.port();
    assertThat(context.printed().lines())
        .containsExactly(
            "[dry-run] would call ec2:CreateVolume to create a gp3 volume from "
                + snapshot
                + " in eu-west-1a, encrypted with "
                + DEV_KEY,
            "[dry-run] would call ec2:StopInstances to stop ec2 instance " + INSTANCE,
            "[dry-run] would call ec2:DetachVolume to detach ec2 volume "
                + oldVolume
                + " from "
                + INSTANCE
                + " at "
                + DEVICE,
            "[dry-run] would call ec2:AttachVolume to attach ec2 volume vol-0dd00000000000001 to "
                + INSTANCE
                + " at "
                + DEVICE,
            "[dry-run] would call ec2:StartInstances to start ec2 instance " + INSTANCE,
            "[dry-run] would wait for mongod at " + mongod + " to accept connections",
            "[dry-run] would verify the copy: a VERIFIED masking record in every database, the"
                + " manifest of sha256 "
                + manifest.shortSha256()
                + " (the description of "
                + snapshot
                + "), every collection's count as in it",
            "[dry-run] would call ec2:DeleteVolume to delete ec2 volume " + oldVolume);
  }

  static Stream<Object[]> crashPoints() {
    List<Object[]> points = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      points.add(new Object[] {i, false});
      points.add(new Object[] {i, true});
    }
    return points.stream();
  }

  @ParameterizedTest(name = "crash at mutating call {0} (after it took effect: {1})")
  @MethodSource("crashPoints")
  void crashAtEachStep_reRunConverges(int at, boolean after) {
    ec2.crashAt(at, after);
    assertThatThrownBy(this::run).isInstanceOf(FakeEc2.Crash.class);
    ec2.revive();

    RestoreWorkflow.Result result = run();

    assertRestored(result);
  }

  static Stream<Integer> readPoints() {
    return Stream.iterate(1, i -> i + 1).limit(60);
  }

  @ParameterizedTest(name = "cancelled at read call {0}")
  @MethodSource("readPoints")
  void cancelledAnywhere_leavesAWorkingVolumeAttachedAndAReRunConverges(int at) {
    Cancellation cancellation = new Cancellation();
    int[] reads = {0};
    ec2.onCall(
        c -> {
          if (!c.mutating() && ++reads[0] == at) {
            cancellation.cancel(Cancellation.Reason.SIGNAL, "SIGTERM");
          }
        });
    RestoreWorkflow.Result done = null;
    try {
      done = run(context().cancellation(cancellation), request(null));
    } catch (JobException e) {
      assertThat(e.exitCode()).isEqualTo(ExitCode.CANCELLED);
      assertOnYesterdaysVolume();
      assertThat(ec2.instanceState(INSTANCE)).isIn("running", "pending");
    }
    if (done != null) {
      assertRestored(done);
      return;
    }

    assertRestored(run());
  }
}
