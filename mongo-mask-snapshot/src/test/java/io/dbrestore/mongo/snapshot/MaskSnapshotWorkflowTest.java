package io.dbrestore.mongo.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.mongo.MongoMasking;
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
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.testsupport.InProcessMongo;
import io.dbrestore.testsupport.SyntheticShop;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * {@code mongo-mask-snapshot run} against a stateful EC2 fake whose instance serves a real
 * wire-protocol MongoDB, masked by the real engine.
 */
class MaskSnapshotWorkflowTest {
  static final String ACCOUNT = "111111111111";
  static final String DEV = "222222222222";
  static final String INSTANCE = "i-0aaaaaaaaaaaaaaaa";
  static final String DEVICE = "/dev/sdf";
  static final String KMS = "arn:aws:kms:eu-west-1:111111111111:key/masking";
  static final String KEY = "workflow-test-key-0123456789abcdefghijklmn";
  static final SyntheticShop.Sizes SIZES = new SyntheticShop.Sizes(40, 80, 10, 10, 10);
  static final Timeouts FAST =
      Timeouts.DEFAULT.withBackoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 1.5));

  static InProcessMongo server;
  static MongoClient client;
  static FakeEc2.Data production;
  static MaskingPlan plan;

  FakeEc2 ec2;
  String sourceVolume;
  String sourceSnapshot;

  @BeforeAll
  static void data() {
    server = InProcessMongo.start();
    client = MongoClients.create(server.uri());
    SyntheticShop.generateAll(client, SIZES, 3, v -> {});
    production = MongoHost.of(client);
    plan = MaskingInputs.plan(Path.of("..", "examples", "rules.yaml"), MaskingKey.of(KEY));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @BeforeEach
  void world() {
    new MongoHost(client).load(FakeEc2.Data.EMPTY);
    ec2 = new FakeEc2(ACCOUNT).host(new MongoHost(client), DEVICE);
    ec2.addInstance(INSTANCE, "eu-west-1a", "stopped", Map.of(Tags.MANAGED, "true"));
    sourceVolume =
        ec2.addVolume("eu-west-1b", Map.of("Name", "prod-mongo"), production, null, null);
    ec2.addSnapshot(
        sourceVolume,
        ACCOUNT,
        Instant.parse("2026-02-28T01:00:00Z"),
        "backup",
        Map.of(),
        production);
    sourceSnapshot =
        ec2.addSnapshot(
            sourceVolume,
            ACCOUNT,
            Instant.parse("2026-03-01T01:00:00Z"),
            "backup",
            Map.of(),
            production);
  }

  static Request request(String runId) {
    return new Request(
        runId,
        null,
        null,
        INSTANCE,
        DEVICE,
        KMS,
        "gp3",
        200,
        List.of(DEV),
        2,
        "main",
        0.5,
        plan.rules().sha256());
  }

  Request request() {
    Request s = request("run-1");
    return new Request(
        s.runId(),
        sourceVolume,
        null,
        s.instanceId(),
        s.device(),
        s.kmsKey(),
        s.volumeType(),
        s.initializationRate(),
        s.shareWith(),
        s.retention(),
        s.label(),
        s.minCountRatio(),
        s.rulesSha256());
  }

  static MaskSnapshotWorkflow.Masker masker() {
    return (context, mongod) -> {
      try (MongoClient c = mongod.connect()) {
        return new MongoMasking(c, plan, MongoMasking.defaultOptions().withParallelism(2)).run();
      } catch (MaskingException e) {
        throw MaskingInputs.toJobException(e);
      }
    };
  }

  MaskSnapshotWorkflow.Result run(JobContext context) {
    return run(context, request());
  }

  MaskSnapshotWorkflow.Result run(JobContext context, Request request) {
    return new MaskSnapshotWorkflow(
            context,
            InstanceOptions.ec2(context, ec2),
            context.guardForPort(),
            InstanceOptions.mongod(context, Mongod.of(server.uri())),
            masker(),
            FAST,
            request)
        .run();
  }

  static TestJobContext context() {
    return TestJobContext.builder().job("mongo-mask-snapshot").account(ACCOUNT);
  }

  private void assertConverged(MaskSnapshotWorkflow.Result result) {
    assertThat(ec2.snapshotIds()).contains(result.snapshotId());
    Map<String, String> tags = ec2.snapshotTags(result.snapshotId());
    assertThat(tags)
        .containsEntry(Tags.MANAGED, "true")
        .containsEntry(Tags.RUN_ID, "run-1")
        .containsEntry(Tags.SOURCE_SNAPSHOT, sourceSnapshot)
        .containsEntry(Tags.RULES_SHA256, plan.rules().sha256());
    Manifest manifest = Manifest.fromTags(result.snapshotId(), tags).orElseThrow();
    assertThat(manifest.counts()).isEqualTo(result.manifest());
    assertThat(manifest.counts()).containsEntry("shop.customers", (long) SIZES.customers());
    assertThat(ec2.shares(result.snapshotId())).containsExactly(DEV);
    assertThat(ec2.volumeIds()).as("working volume deleted").containsExactly(sourceVolume);
    assertThat(ec2.instanceState(INSTANCE)).isEqualTo("stopped");
    long ofThisRun =
        ec2.snapshotIds().stream()
            .filter(id -> "run-1".equals(ec2.snapshotTags(id).get(Tags.RUN_ID)))
            .count();
    assertThat(ofThisRun).as("one masked snapshot, never two").isEqualTo(1);
    List<Document> customers =
        ec2.snapshotData(result.snapshotId()).collections().get("shop.customers");
    List<Document> original = production.collections().get("shop.customers");
    assertThat(customers).hasSize(original.size());
    for (Document c : customers) {
      Document before =
          original.stream()
              .filter(o -> o.get("_id").equals(c.get("_id")))
              .findFirst()
              .orElseThrow();
      assertThat(c.getString("email")).isNotEqualTo(before.getString("email"));
    }
    assertThat(ec2.snapshotData(result.snapshotId()).collections())
        .containsKey("shop." + MaskingRecord.COLLECTION);
  }

  @Test
  void run_masksSnapshotsSharesAndCleansUp() {
    MaskSnapshotWorkflow.Result result = run(context().build());

    assertConverged(result);
    assertThat(result.sourceSnapshotId()).isEqualTo(sourceSnapshot);
    assertThat(result.documents())
        .isEqualTo(result.manifest().values().stream().mapToLong(Long::longValue).sum());
    assertThat(result.masking()).containsEntry("verified", true);
    assertThat(ec2.mutatingCalls().stream().map(FakeEc2.Call::action).toList())
        .containsExactly(
            "CreateVolume",
            "AttachVolume",
            "StartInstances",
            "CreateTags",
            "CreateTags",
            "StopInstances",
            "CreateSnapshot",
            "ModifySnapshotAttribute",
            "DetachVolume",
            "DeleteVolume");
  }

  @Test
  void run_createsTheVolumeEncryptedWithTheKeyAndRateInTheInstancesZone() {
    List<String> created = new ArrayList<>();
    ec2.onCall(
        c -> {
          if (c.action().equals("AttachVolume")) {
            created.add(c.target());
          }
        });

    run(context().build());

    assertThat(created).hasSize(1);
  }

  @Test
  void secondNight_replacesNothingItShouldNotAndKeepsRetention() {
    MaskSnapshotWorkflow.Result first = run(context().build());
    MaskSnapshotWorkflow.Result second = run(context().build(), renamed("run-2"));
    MaskSnapshotWorkflow.Result third = run(context().build(), renamed("run-3"));

    assertThat(third.deletedSnapshots()).containsExactly(first.snapshotId());
    assertThat(ec2.snapshotIds()).contains(second.snapshotId(), third.snapshotId());
    assertThat(ec2.snapshotIds()).doesNotContain(first.snapshotId());
    assertThat(ec2.volumeIds()).containsExactly(sourceVolume);
  }

  private Request renamed(String runId) {
    Request s = request();
    return new Request(
        runId,
        s.sourceVolume(),
        null,
        s.instanceId(),
        s.device(),
        s.kmsKey(),
        s.volumeType(),
        s.initializationRate(),
        s.shareWith(),
        s.retention(),
        s.label(),
        s.minCountRatio(),
        s.rulesSha256());
  }

  @Test
  void previousWorkingVolumeAttached_isDetachedAndDeletedFirst() {
    String old =
        ec2.addVolume(
            "eu-west-1a",
            Map.of(Tags.MANAGED, "true", Tags.JOB, "mongo-mask-snapshot"),
            FakeEc2.Data.EMPTY,
            INSTANCE,
            DEVICE);

    MaskSnapshotWorkflow.Result result = run(context().build());

    assertConverged(result);
    assertThat(ec2.volumeIds()).doesNotContain(old);
  }

  @Test
  void unmanagedVolumeAttached_refusesWithZeroMutatingCalls() {
    ec2.addVolume("eu-west-1a", Map.of(), FakeEc2.Data.EMPTY, INSTANCE, DEVICE);

    assertThatThrownBy(() -> run(context().build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("dbrestore:managed=true");
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void unmanagedInstance_refusesWithZeroMutatingCalls() {
    ec2 = new FakeEc2(ACCOUNT).host(new MongoHost(client), DEVICE);
    ec2.addInstance(INSTANCE, "eu-west-1a", "running", Map.of());
    sourceVolume = ec2.addVolume("eu-west-1b", Map.of(), production, null, null);
    ec2.addSnapshot(sourceVolume, ACCOUNT, Instant.now(), "backup", Map.of(), production);

    assertThatThrownBy(() -> run(context().build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void protectedAccount_refusesWithZeroMutatingCalls() {
    assertThatThrownBy(() -> run(context().protectedAccount(ACCOUNT + ":restore-over").build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("protected");
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void noAllowlist_refusesWithZeroMutatingCalls() {
    assertThatThrownBy(() -> run(context().allowlist(null).build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void noSourceSnapshot_refuses() {
    assertThatThrownBy(
            () ->
                run(
                    context().build(),
                    new Request(
                        "run-1",
                        "vol-0000000000000000f",
                        null,
                        INSTANCE,
                        DEVICE,
                        KMS,
                        "gp3",
                        null,
                        List.of(),
                        2,
                        "main",
                        0.5,
                        plan.rules().sha256())))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("no completed snapshot of volume vol-0000000000000000f");
    assertThat(ec2.mutatingCalls()).isEmpty();
  }

  @Test
  void sourceBySnapshotTag_findsTheNewestTagged() {
    String tagged =
        ec2.addSnapshot(
            sourceVolume,
            ACCOUNT,
            Instant.parse("2026-03-01T01:30:00Z"),
            "dlm",
            Map.of("dlm:policy", "mongo"),
            production);
    Request s = request();
    MaskSnapshotWorkflow.Result result =
        run(
            context().build(),
            new Request(
                "run-1",
                null,
                "dlm:policy=mongo",
                INSTANCE,
                DEVICE,
                KMS,
                "gp3",
                null,
                s.shareWith(),
                2,
                "main",
                0.5,
                s.rulesSha256()));

    assertThat(result.sourceSnapshotId()).isEqualTo(tagged);
  }

  @Test
  void emptyCopy_isRefusedBeforeMasking() {
    ec2.addSnapshot(
        sourceVolume,
        ACCOUNT,
        Instant.parse("2026-03-01T01:50:00Z"),
        "backup",
        Map.of(),
        FakeEc2.Data.EMPTY);

    assertThatThrownBy(() -> run(context().build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("holds no documents");
    assertThat(ec2.mutatingCalls().stream().map(FakeEc2.Call::action))
        .doesNotContain("CreateSnapshot");
  }

  @Test
  void halfCopy_isRefusedAgainstThePreviousManifest() {
    run(context().build());
    Map<String, List<Document>> half = new java.util.LinkedHashMap<>(production.collections());
    half.put("shop.orders", half.get("shop.orders").subList(0, SIZES.orders() / 4));
    ec2.addSnapshot(
        sourceVolume,
        ACCOUNT,
        Instant.parse("2026-03-02T01:00:00Z"),
        "backup",
        Map.of(),
        new FakeEc2.Data(half));
    int before = ec2.snapshotIds().size();

    assertThatThrownBy(() -> run(context().build(), renamed("run-2")))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining(
            "shop.orders holds " + SIZES.orders() / 4 + " documents, " + SIZES.orders());
    assertThat(ec2.snapshotIds()).hasSize(before);
  }

  @Test
  void dryRun_printsThePlanAndMakesNoMutatingCall() {
    TestJobContext context = context().dryRun(true);

    run(context.build());

    assertThat(ec2.mutatingCalls()).isEmpty();
    String mongod = "127.0.0.1:" + server.port();
    String rules = plan.rules().sha256();
    String volume = "vol-0dd00000000000001";
    // Mongod is not reached, so the manifest is the empty one ({}): a placeholder.
    String placeholderSha256 = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    assertThat(context.printed().lines())
        .containsExactly(
            "[dry-run] would call ec2:CreateVolume to create a gp3 volume from "
                + sourceSnapshot
                + " in eu-west-1a, encrypted with "
                + KMS
                + ", initialization rate 200 MiB/s",
            "[dry-run] would call ec2:AttachVolume to attach ec2 volume "
                + volume
                + " to "
                + INSTANCE
                + " at "
                + DEVICE,
            "[dry-run] would call ec2:StartInstances to start ec2 instance " + INSTANCE,
            "[dry-run] would wait for mongod at " + mongod + " to accept connections",
            "[dry-run] would check that the copy is not empty (no earlier masked snapshot to"
                + " compare with)",
            "[dry-run] would call ec2:CreateTags to tag "
                + volume
                + " with {dbrestore:sanity-checked=true}",
            "[dry-run] would mask the copy with rules "
                + rules.substring(0, 12)
                + " and verify it (only then is its manifest known: the counts below are"
                + " placeholders)",
            "[dry-run] would call ec2:CreateTags to tag "
                + volume
                + " with {dbrestore:manifest-parts=1, dbrestore:manifest-sha256="
                + placeholderSha256
                + ", dbrestore:manifest-1=eNqrrgUAAXUA+Q==, dbrestore:masked=true,"
                + " dbrestore:rules-sha256="
                + rules
                + "}",
            "[dry-run] would flush mongod at " + mongod + " to disk and shut it down",
            "[dry-run] would call ec2:StopInstances to stop ec2 instance " + INSTANCE,
            "[dry-run] would call ec2:CreateSnapshot to snapshot ec2 volume "
                + volume
                + ", described as 'dbrestore masked mongodb main; run run-1; source "
                + sourceSnapshot
                + "; 0 documents in 0 collections; manifest sha256 "
                + placeholderSha256.substring(0, 16)
                + "'",
            "[dry-run] would call ec2:ModifySnapshotAttribute to share the snapshot with ["
                + DEV
                + "] (snap-0dd00000000000002)",
            "[dry-run] would call ec2:DetachVolume to detach ec2 volume "
                + volume
                + " from "
                + INSTANCE
                + " at "
                + DEVICE,
            "[dry-run] would call ec2:DeleteVolume to delete ec2 volume " + volume);
  }

  /** How many mutating calls a clean run makes: the crash points. */
  static Stream<Object[]> crashPoints() {
    List<Object[]> points = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      points.add(new Object[] {i, false});
      points.add(new Object[] {i, true});
    }
    return points.stream();
  }

  @ParameterizedTest(name = "crash at mutating call {0} (after it took effect: {1})")
  @MethodSource("crashPoints")
  void crashAtEachStep_reRunConverges(int at, boolean after) {
    ec2.crashAt(at, after);
    assertThatThrownBy(() -> run(context().build())).isInstanceOf(FakeEc2.Crash.class);
    ec2.revive();

    MaskSnapshotWorkflow.Result result = run(context().build());

    assertConverged(result);
  }

  static Stream<Integer> waitPoints() {
    return Stream.iterate(1, i -> i + 1).limit(80);
  }

  @ParameterizedTest(name = "cancelled at read call {0}")
  @MethodSource("waitPoints")
  void cancelledInAnyWait_exits6AndAReRunConverges(int at) {
    Cancellation cancellation = new Cancellation();
    int[] reads = {0};
    ec2.onCall(
        c -> {
          if (!c.mutating() && ++reads[0] == at) {
            cancellation.cancel(Cancellation.Reason.SIGNAL, "SIGTERM");
          }
        });
    try {
      run(context().cancellation(cancellation).build());
      return; // the run had fewer reads than that
    } catch (JobException e) {
      assertThat(e.exitCode()).isEqualTo(ExitCode.CANCELLED);
    }
    int mutatingAtCancel = ec2.mutatingCalls().size();
    assertThat(mutatingAtCancel).isLessThanOrEqualTo(11);

    MaskSnapshotWorkflow.Result result = run(context().build());

    assertConverged(result);
  }
}
