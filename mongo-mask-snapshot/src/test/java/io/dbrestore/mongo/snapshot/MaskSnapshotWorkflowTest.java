package io.dbrestore.mongo.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.mongo.MongoMasking;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.mongo.ec2.DryRunMongod;
import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.InstanceOptions;
import io.dbrestore.mongo.ec2.Mongod;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.mongo.ec2.testing.FakeEc2;
import io.dbrestore.mongo.ec2.testing.ForwardingEc2;
import io.dbrestore.mongo.ec2.testing.MongoHost;
import io.dbrestore.mongo.ec2.testing.UsersOverlay;
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
  static final String PUBLISHED_DEVICE = "/dev/sdg";
  static final String COPY_USER = "admin.dbrestore-copy";
  static final String KMS = "arn:aws:kms:eu-west-1:111111111111:key/masking";

  /** The S3 version of the rules object (--rules s3://…), recorded on the masked snapshot. */
  static final String RULES_VERSION = "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";

  static final String SOURCE_KMS = "arn:aws:kms:eu-west-1:111111111111:key/source";
  static final String KEY = "workflow-test-key-0123456789abcdefghijklmn";
  static final SyntheticShop.Sizes SIZES = new SyntheticShop.Sizes(40, 80, 10, 10, 10);
  static final Timeouts FAST =
      Timeouts.DEFAULT.withBackoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 1.5));

  static InProcessMongo server;
  static MongoClient client;
  static InProcessMongo publishedServer;
  static MongoClient publishedClient;
  static FakeEc2.Data production;
  static MaskingPlan plan;

  FakeEc2 ec2;

  /** Whatever the test did, preflight checks every action the workflow called. */
  @org.junit.jupiter.api.AfterEach
  void preflightListsEveryActionCalled() {
    if (ec2 == null) {
      return;
    }
    java.util.Set<String> listed = new java.util.TreeSet<>();
    for (io.dbrestore.runtime.preflight.Permission p :
        io.dbrestore.mongo.ec2.Ec2Preflight.maskSnapshot(
            new io.dbrestore.mongo.ec2.Ec2Preflight.Arns("aws", "eu-west-1", "111111111111"),
            new io.dbrestore.mongo.ec2.Ec2Preflight.Target(
                new io.dbrestore.mongo.ec2.Ec2Port.Instance(
                    "i-0aaaaaaaaaaaaaaaa", "stopped", "eu-west-1a", Map.of()),
                Map.of(),
                java.util.Optional.empty(),
                Map.of()),
            MaskSnapshotWorkflow.JOB,
            new io.dbrestore.mongo.ec2.Ec2Port.Snapshot(
                "snap-1",
                "completed",
                "100%",
                "vol-1",
                "111111111111",
                java.time.Instant.EPOCH,
                "backup",
                Map.of(),
                "arn:aws:kms:eu-west-1:111111111111:key/source"),
            "arn:aws:kms:eu-west-1:111111111111:key/masking",
            java.util.List.of("222222222222"))) {
      listed.add(p.action());
    }
    assertThat(listed)
        .as(
            "the actions preflight checks (Ec2Preflight.maskSnapshot) against those the workflow called")
        .containsAll(ec2.served());
  }

  UsersOverlay publishedMongod;
  String sourceVolume;
  String sourceSnapshot;

  @BeforeAll
  static void data() {
    server = InProcessMongo.start();
    client = MongoClients.create(server.uri());
    publishedServer = InProcessMongo.start();
    publishedClient = MongoClients.create(publishedServer.uri());
    SyntheticShop.generateAll(client, SIZES, 3, v -> {});
    production = MongoHost.of(client);
    plan = MaskingInputs.plan(Path.of("..", "examples", "rules.yaml"), MaskingKey.of(KEY));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
    publishedClient.close();
    publishedServer.close();
  }

  /**
   * The published volume's mongod as the instance's boot script leaves it: a blank data directory
   * gets the temporary copy user (users live on the volume: a volume with data keeps its own).
   */
  FakeEc2.Host publishedHost() {
    MongoHost data = new MongoHost(publishedClient);
    return new FakeEc2.Host() {
      @Override
      public void load(FakeEc2.Data d) {
        data.load(d);
        if (d.collections().isEmpty()) {
          publishedClient.getDatabase("local").drop();
          publishedMongod.addUser(COPY_USER);
        }
      }

      @Override
      public FakeEc2.Data save() {
        return data.save();
      }
    };
  }

  FakeEc2 fakeEc2() {
    publishedMongod = new UsersOverlay(Mongod.of(publishedServer.uri()), COPY_USER);
    return new FakeEc2(ACCOUNT)
        .as("production-mongo-mask-snapshot-task")
        .host(new MongoHost(client), DEVICE)
        .host(publishedHost(), PUBLISHED_DEVICE);
  }

  @BeforeEach
  void world() {
    new MongoHost(client).load(FakeEc2.Data.EMPTY);
    new MongoHost(publishedClient).load(FakeEc2.Data.EMPTY);
    ec2 = fakeEc2();
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
    // Production's backups are encrypted with its own customer-managed key (the permission
    // simulation: the job decrypts them through EC2).
    ec2.snapshotKey(sourceSnapshot, SOURCE_KMS);
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
        plan.rules().sha256(),
        RULES_VERSION,
        PUBLISHED_DEVICE,
        List.copyOf(plan.databases().keySet()));
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
        s.rulesSha256(),
        s.rulesVersion(),
        s.publishedDevice(),
        s.databases());
  }

  /**
   * The test's stand-in for MongoCopy: the declared databases copied raw from the source into the
   * destination, then masked in place there by the engine. The source is only read.
   */
  static MaskSnapshotWorkflow.Masker masker() {
    return (context, source, destination) -> {
      try (MongoClient from = source.connect();
          MongoClient to = destination.connect()) {
        copyDeclared(from, to);
        return new MongoMasking(to, plan, MongoMasking.defaultOptions().withParallelism(2)).run();
      } catch (MaskingException e) {
        throw MaskingInputs.toJobException(e);
      }
    };
  }

  static void copyDeclared(MongoClient from, MongoClient to) {
    for (String db : plan.databases().keySet()) {
      to.getDatabase(db).drop();
      for (String c : from.getDatabase(db).listCollectionNames().into(new ArrayList<>())) {
        List<Document> docs = from.getDatabase(db).getCollection(c).find().into(new ArrayList<>());
        to.getDatabase(db).createCollection(c);
        if (!docs.isEmpty()) {
          to.getDatabase(db).getCollection(c).insertMany(docs);
        }
      }
    }
  }

  MaskSnapshotWorkflow.Result run(JobContext context) {
    return run(context, request());
  }

  MaskSnapshotWorkflow.Result run(JobContext context, Request request) {
    return run(context, request, masker());
  }

  MaskSnapshotWorkflow.Result run(
      JobContext context, Request request, MaskSnapshotWorkflow.Masker masker) {
    return new MaskSnapshotWorkflow(
            context,
            InstanceOptions.ec2(context, ec2),
            context.guardForPort(),
            InstanceOptions.mongod(context, Mongod.of(server.uri())),
            context.dryRun()
                ? new DryRunMongod("127.0.0.1:" + publishedServer.port(), context.out())
                : publishedMongod,
            masker,
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
        .containsEntry(Tags.RULES_SHA256, plan.rules().sha256())
        .containsEntry(Tags.RULES_VERSION, RULES_VERSION);
    Manifest manifest = Manifest.fromTags(result.snapshotId(), tags).orElseThrow();
    assertThat(manifest.counts()).isEqualTo(result.manifest());
    assertThat(manifest.counts()).containsEntry("shop.customers", (long) SIZES.customers());
    assertThat(ec2.shares(result.snapshotId())).containsExactly(DEV);
    assertThat(ec2.volumeIds())
        .as("working and published volumes deleted")
        .containsExactly(sourceVolume);
    String published = ec2.snapshotVolume(result.snapshotId());
    assertThat(ec2.createdVolumes().get(published).snapshotId())
        .as("the snapshot is of a volume created blank")
        .isNull();
    assertThat(ec2.createdVolumes().get(published).tags())
        .containsEntry(Tags.ROLE, Tags.ROLE_PUBLISHED_VOLUME);
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
            "CreateVolume",
            "AttachVolume",
            "StartInstances",
            "CreateTags",
            "CreateTags",
            "StopInstances",
            "CreateSnapshot",
            "ModifySnapshotAttribute",
            "DetachVolume",
            "DeleteVolume",
            "DetachVolume",
            "DeleteVolume");
    assertThat(publishedMongod.drops()).containsExactly(withAdmin(plan.databases().keySet()));
  }

  /** The EMF lines the run ends with (docs/metrics.md). */
  @Test
  void run_endsWithItsMetrics_maskedVerifiedAndPublished() {
    JobContext context =
        context().clock(Clock.fixed(Instant.parse("2026-03-01T05:00:00Z"), ZoneOffset.UTC)).build();

    MaskSnapshotWorkflow.Result result = run(context);

    Emf emf = Emf.parse(TestJobContext.emfLines(context, null));
    assertThat(emf.dimension("Job")).isEqualTo("mongo-mask-snapshot");
    assertThat(emf.dimension("Target")).isEqualTo("-");
    assertThat(emf.value("Succeeded")).isEqualTo(1);
    assertThat(emf.value("SnapshotPublished")).isEqualTo(1);
    assertThat(emf.value("VerificationPassed")).isEqualTo(1);
    assertThat(emf.value("MaskedItems"))
        .isEqualTo(((Number) result.masking().get("documentsMasked")).doubleValue())
        .isPositive();
    assertThat(emf.value("MaskingSeconds")).isNotNegative();
    // The newest production backup was taken at 01:00; the run began at 05:00.
    assertThat(emf.value("SnapshotAgeSeconds")).isEqualTo(4 * 3600);
    // The working volume restored from it: the fake's volumes from a snapshot are 100 GiB.
    assertThat(emf.value("DataBytes")).isEqualTo(100.0 * 1024 * 1024 * 1024);
    assertThat(emf.has("Refreshed")).isFalse();
    assertThat(emf.steps()).containsKeys("inspect", "mask", "share", "cleanup");
  }

  @Test
  void publishedSnapshot_isOfABlankVolumeNeverTheWorkingOne() {
    MaskSnapshotWorkflow.Result result = run(context().build());

    List<String> snapshotted =
        ec2.mutatingCalls().stream()
            .filter(c -> c.action().equals("CreateSnapshot"))
            .map(FakeEc2.Call::target)
            .toList();
    assertThat(snapshotted).hasSize(1);
    Ec2Port.NewVolume made = ec2.createdVolumes().get(snapshotted.get(0));
    assertThat(made.snapshotId()).as("the published volume was created blank").isNull();
    assertThat(made.kmsKeyId()).isEqualTo(KMS);
    assertThat(made.tags()).containsEntry(Tags.ROLE, Tags.ROLE_PUBLISHED_VOLUME);
    assertThat(ec2.snapshotVolume(result.snapshotId())).isEqualTo(snapshotted.get(0));
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

    assertThat(created).hasSize(2);
    List<Ec2Port.NewVolume> requests = ec2.createVolumeRequests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).snapshotId()).isEqualTo(sourceSnapshot);
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(r.kmsKeyId()).isEqualTo(KMS);
              assertThat(r.availabilityZone()).isEqualTo("eu-west-1a");
            });
    assertThat(requests.get(0).initializationRate()).isEqualTo(200);
    assertThat(requests.get(1).snapshotId()).as("published volume created blank").isNull();
    assertThat(requests.get(1).sizeGiB()).isEqualTo(100);
    assertThat(requests.get(1).tags())
        .containsEntry(Tags.ROLE, Tags.ROLE_PUBLISHED_VOLUME)
        .containsEntry(Tags.RUN_ID, "run-1")
        .containsEntry(Tags.INSTANCE, INSTANCE);
  }

  static List<String> withAdmin(java.util.Collection<String> databases) {
    List<String> all = new ArrayList<>();
    all.add("admin");
    all.addAll(databases);
    return all;
  }

  /** SHA-256 over the documents of a volume's data, in order. */
  static String hash(FakeEc2.Data data) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      new java.util.TreeMap<>(data.collections())
          .forEach(
              (name, docs) -> {
                md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                docs.forEach(
                    d -> md.update(d.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
              });
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void workingVolume_isNeverWritten() {
    String before = hash(production);
    List<String> deletedWorking = new ArrayList<>();
    ec2.onCall(
        c -> {
          if (c.action().equals("DeleteVolume")
              && Tags.ROLE_WORKING_VOLUME.equals(ec2.volumeTags(c.target()).get(Tags.ROLE))) {
            deletedWorking.add(hash(ec2.volumeData(c.target())));
          }
        });

    run(context().build());

    assertThat(deletedWorking).containsExactly(before);
    assertThat(hash(MongoHost.of(client)))
        .as("the source mongod after the run")
        .isIn(before, hash(FakeEc2.Data.EMPTY));
  }

  @Test
  void publishedCopy_carriesNoUsersAndOnlyTheDeclaredDatabases() {
    // The users the published mongod holds when the instance stops go into the volume.
    List<java.util.Set<String>> usersAtStop = new ArrayList<>();
    ec2.onCall(
        c -> {
          if (c.action().equals("StopInstances")) {
            usersAtStop.add(publishedMongod.users());
          }
        });

    MaskSnapshotWorkflow.Result result = run(context().build());

    assertThat(usersAtStop).containsExactly(java.util.Set.of());
    assertThat(publishedMongod.shutdowns()).as("refused once its users were gone").isZero();
    assertThat(ec2.snapshotData(result.snapshotId()).collections().keySet())
        .allSatisfy(c -> assertThat(plan.databases()).containsKey(c.substring(0, c.indexOf('.'))));
  }

  @Test
  void proof_refusesAPublishedVolumeMadeFromASnapshot() {
    // A port that "forgets" to create the published volume blank: EBS then reports a snapshot id.
    Ec2Port port =
        new ForwardingEc2(ec2) {
          @Override
          public Ec2Port.Volume createVolume(Ec2Port.NewVolume spec) {
            if (spec.snapshotId() == null) {
              spec =
                  new Ec2Port.NewVolume(
                      sourceSnapshot,
                      spec.availabilityZone(),
                      spec.kmsKeyId(),
                      spec.volumeType(),
                      spec.initializationRate(),
                      spec.tags(),
                      spec.clientToken(),
                      null);
            }
            return super.createVolume(spec);
          }
        };

    assertThatThrownBy(() -> runOn(port, context().build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("created from snapshot " + sourceSnapshot);
    assertNothingPublished();
  }

  @Test
  void proof_refusesAPublishedVolumeEncryptedWithAnotherKey() {
    Ec2Port port =
        new ForwardingEc2(ec2) {
          @Override
          public Ec2Port.Volume createVolume(Ec2Port.NewVolume spec) {
            return super.createVolume(
                spec.withEncryptionAndType(
                    "arn:aws:kms:eu-west-1:111111111111:key/other",
                    spec.volumeType(),
                    spec.initializationRate()));
          }
        };

    assertThatThrownBy(() -> runOn(port, context().build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("not --kms-key " + KMS);
    assertNothingPublished();
  }

  @Test
  void proof_refusesAnUndeclaredDatabaseInThePublishedCopy() {
    MaskSnapshotWorkflow.Masker leaky =
        (context, source, destination) -> {
          MaskingResult r = masker().mask(context, source, destination);
          try (MongoClient to = destination.connect()) {
            to.getDatabase("stray").getCollection("secrets").insertOne(new Document("a", 1));
          }
          return r;
        };

    assertThatThrownBy(() -> run(context().build(), request(), leaky))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("it holds database stray");
    assertNothingPublished();
  }

  @Test
  void proof_refusesAUserLeftInThePublishedCopy() {
    publishedMongod.dropIgnoresAdmin();

    assertThatThrownBy(() -> run(context().build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("users are left: [" + COPY_USER + "]");
    assertNothingPublished();
  }

  @Test
  void proof_refusesAnOplogInThePublishedCopy() {
    MaskSnapshotWorkflow.Masker withOplog =
        (context, source, destination) -> {
          MaskingResult r = masker().mask(context, source, destination);
          try (MongoClient to = destination.connect()) {
            to.getDatabase("local").getCollection("oplog.rs").insertOne(new Document("op", "i"));
          }
          return r;
        };

    assertThatThrownBy(() -> run(context().build(), request(), withOplog))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("local holds oplog.rs");
    assertNothingPublished();
  }

  private void assertNothingPublished() {
    assertThat(ec2.mutatingCalls().stream().map(FakeEc2.Call::action))
        .doesNotContain("CreateSnapshot", "ModifySnapshotAttribute");
  }

  MaskSnapshotWorkflow.Result runOn(Ec2Port port, JobContext context) {
    return new MaskSnapshotWorkflow(
            context,
            port,
            context.guardForPort(),
            Mongod.of(server.uri()),
            publishedMongod,
            masker(),
            FAST,
            request())
        .run();
  }

  /** RunCommand's own masker (MongoCopy) end to end through the workflow. */
  @Test
  void runCommandsMongoCopy_publishesAMaskedBlankCopy() {
    new MongoHost(publishedClient).load(FakeEc2.Data.EMPTY);
    RunCommand command =
        picocli.CommandLine.populateCommand(
            new RunCommand(),
            "--instance",
            INSTANCE,
            "--kms-key",
            KMS,
            "--mongo-uri",
            server.uri(),
            "--published-uri",
            publishedServer.uri(),
            "--source-volume",
            sourceVolume,
            "--rules",
            Path.of("..", "examples", "rules.yaml").toString());

    MaskSnapshotWorkflow.Result result = run(context().build(), request(), command.masker(plan));

    assertConverged(result);
    assertThat(result.masking()).containsEntry("verified", true);
  }

  @Test
  void reRunAfterACrashMidCopy_makesANewBlankVolumeAndPublishesAWholeCopy() {
    MaskSnapshotWorkflow.Masker crashing =
        (context, source, destination) -> {
          try (MongoClient from = source.connect();
              MongoClient to = destination.connect()) {
            // Half of one collection, then the process dies.
            List<Document> half =
                from.getDatabase("shop")
                    .getCollection("customers")
                    .find()
                    .limit(SIZES.customers() / 2)
                    .into(new ArrayList<>());
            to.getDatabase("shop").getCollection("customers").insertMany(half);
          }
          throw new FakeEc2.Crash("killed mid-copy");
        };
    assertThatThrownBy(() -> run(context().build(), request(), crashing))
        .isInstanceOf(FakeEc2.Crash.class);
    String firstPublished =
        ec2.createdVolumes().entrySet().stream()
            .filter(e -> e.getValue().snapshotId() == null)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();

    MaskSnapshotWorkflow.Result result = run(context().build());

    assertConverged(result);
    assertThat(ec2.snapshotVolume(result.snapshotId())).isNotEqualTo(firstPublished);
    assertThat(ec2.volumeIds()).doesNotContain(firstPublished);
    assertThat(ec2.createdVolumes().get(ec2.snapshotVolume(result.snapshotId())).snapshotId())
        .isNull();
  }

  @Test
  void reRunAfterTheCopyWasProved_adoptsThePublishedVolumeWithoutCopyingAgain() {
    boolean[] armed = {true};
    ec2.onCall(
        c -> {
          if (armed[0]
              && c.action().equals("StopInstances")
              && ec2.mutatingCalls().stream().anyMatch(m -> m.action().equals("StartInstances"))) {
            armed[0] = false;
            throw new FakeEc2.Crash("killed before the stop");
          }
        });
    assertThatThrownBy(() -> run(context().build())).isInstanceOf(FakeEc2.Crash.class);
    int[] masked = {0};

    MaskSnapshotWorkflow.Result result =
        run(
            context().build(),
            request(),
            (context, source, destination) -> {
              masked[0]++;
              return masker().mask(context, source, destination);
            });

    assertThat(masked[0]).as("not copied again").isZero();
    assertConverged(result);
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
        s.rulesSha256(),
        s.rulesVersion(),
        s.publishedDevice(),
        s.databases());
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
  void olderRunsPublishedVolumes_attachedOrLeftBehind_areDeleted() {
    String attached =
        ec2.addVolume(
            "eu-west-1a",
            Tags.ofRun("mongo-mask-snapshot", "run-0", Tags.ROLE_PUBLISHED_VOLUME),
            FakeEc2.Data.EMPTY,
            INSTANCE,
            PUBLISHED_DEVICE);
    Map<String, String> leftTags =
        new java.util.HashMap<>(
            Tags.ofRun("mongo-mask-snapshot", "run-00", Tags.ROLE_PUBLISHED_VOLUME));
    leftTags.put(Tags.INSTANCE, INSTANCE);
    String left = ec2.addVolume("eu-west-1a", leftTags, FakeEc2.Data.EMPTY, null, null);

    MaskSnapshotWorkflow.Result result = run(context().build());

    assertConverged(result);
    assertThat(ec2.volumeIds()).doesNotContain(attached, left);
  }

  @Test
  void unmanagedVolumeAtThePublishedDevice_refusesWithZeroMutatingCalls() {
    ec2.addVolume("eu-west-1a", Map.of(), FakeEc2.Data.EMPTY, INSTANCE, PUBLISHED_DEVICE);

    assertThatThrownBy(() -> run(context().build()))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("dbrestore:managed=true");
    assertThat(ec2.mutatingCalls()).isEmpty();
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
    ec2 = fakeEc2();
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
                        plan.rules().sha256(),
                        null,
                        PUBLISHED_DEVICE,
                        List.copyOf(plan.databases().keySet()))))
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
                s.rulesSha256(),
                s.rulesVersion(),
                s.publishedDevice(),
                s.databases()));

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

    JobContext context = context().build();
    Throwable failure = catchThrowable(() -> run(context));
    assertThat(failure)
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED))
        .hasMessageContaining("holds no documents");
    assertThat(ec2.mutatingCalls().stream().map(FakeEc2.Call::action))
        .doesNotContain("CreateSnapshot");
    // The EMF lines the failed run ends with (docs/metrics.md).
    Emf emf = Emf.parse(TestJobContext.emfLines(context, failure));
    assertThat(emf.value("Succeeded")).isZero();
    assertThat(emf.value("ExitCode")).isEqualTo(3);
    assertThat(emf.has("SnapshotAgeSeconds")).isTrue();
    assertThat(emf.declared()).doesNotContain("SnapshotPublished", "MaskedItems");
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
    String published = "vol-0dd00000000000002";
    String pub = "127.0.0.1:" + publishedServer.port();
    String databases = plan.databases().keySet().toString();
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
            "[dry-run] would call ec2:CreateVolume to create a gp3 blank volume in eu-west-1a,"
                + " encrypted with "
                + KMS,
            "[dry-run] would call ec2:AttachVolume to attach ec2 volume "
                + published
                + " to "
                + INSTANCE
                + " at "
                + PUBLISHED_DEVICE,
            "[dry-run] would call ec2:StartInstances to start ec2 instance " + INSTANCE,
            "[dry-run] would wait for mongod at " + mongod + " to accept connections",
            "[dry-run] would wait for mongod at " + pub + " to accept connections",
            "[dry-run] would check that the copy is not empty (no earlier masked snapshot to"
                + " compare with)",
            "[dry-run] would call ec2:CreateTags to tag "
                + volume
                + " with {dbrestore:sanity-checked=true}",
            "[dry-run] would copy the declared databases "
                + databases
                + " from the working volume's mongod into the published volume's, masked with"
                + " rules "
                + rules.substring(0, 12)
                + ", and verify it (only then is its manifest known: the counts below are"
                + " placeholders)",
            "[dry-run] would flush mongod at "
                + pub
                + " to disk and drop every user and role of admin, "
                + String.join(", ", plan.databases().keySet()),
            "[dry-run] would prove that the published copy holds only "
                + databases
                + " beside admin, config and local, that local holds only startup_log, and that"
                + " no user or role is left",
            "[dry-run] would call ec2:CreateTags to tag "
                + published
                + " with {dbrestore:manifest-parts=1, dbrestore:manifest-sha256="
                + placeholderSha256
                + ", dbrestore:manifest-1=eNqrrgUAAXUA+Q==, dbrestore:masked=true,"
                + " dbrestore:rules-sha256="
                + rules
                + ", dbrestore:rules-version="
                + RULES_VERSION
                + ", dbrestore:source-snapshot="
                + sourceSnapshot
                + "}",
            "[dry-run] would flush mongod at " + mongod + " to disk and shut it down",
            "[dry-run] would flush mongod at " + pub + " to disk and shut it down",
            "[dry-run] would call ec2:StopInstances to stop ec2 instance " + INSTANCE,
            "[dry-run] would call ec2:CreateSnapshot to snapshot ec2 volume "
                + published
                + ", described as 'dbrestore masked mongodb main; run run-1; source "
                + sourceSnapshot
                + "; 0 documents in 0 collections; manifest sha256 "
                + placeholderSha256.substring(0, 16)
                + "'",
            "[dry-run] would call ec2:ModifySnapshotAttribute to share the snapshot with ["
                + DEV
                + "] (snap-0dd00000000000003)",
            "[dry-run] would call ec2:DetachVolume to detach ec2 volume "
                + volume
                + " from "
                + INSTANCE
                + " at "
                + DEVICE,
            "[dry-run] would call ec2:DeleteVolume to delete ec2 volume " + volume,
            "[dry-run] would call ec2:DetachVolume to detach ec2 volume "
                + published
                + " from "
                + INSTANCE
                + " at "
                + PUBLISHED_DEVICE,
            "[dry-run] would call ec2:DeleteVolume to delete ec2 volume " + published);
  }

  /** How many mutating calls a clean run makes: the crash points. */
  static Stream<Object[]> crashPoints() {
    List<Object[]> points = new ArrayList<>();
    for (int i = 1; i <= 14; i++) {
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
    assertThat(mutatingAtCancel).isLessThanOrEqualTo(16);

    MaskSnapshotWorkflow.Result result = run(context().build());

    assertConverged(result);
  }
}
