package io.dbrestore.aurora.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.dbrestore.aurora.AuroraRestore;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.testing.AwsTestProperties;
import io.dbrestore.runtime.testing.Emf;
import io.dbrestore.runtime.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the commands do and print, through the real entry point against WireMock serving a fake RDS:
 * every RDS call in order (reads too), the result JSON (its keys, in order, and which are null or
 * absent) that Step Functions gets as the task output, and the whole dry-run plan, line by line.
 * Times are replaced by placeholders.
 */
@Timeout(120)
class CommandOutputTest {
  static final FakeRdsServer SERVER = new FakeRdsServer();
  static final String EXECUTION = "arn:aws:states:eu-west-1:222222222222:execution:develop:night-1";
  static final String ARN = "arn:aws:rds:eu-west-1:" + FakeRds.ACCOUNT + ":";
  static final List<String> RUNTIME_KEYS =
      List.of("job", "status", "dryRun", "durationSeconds", "stepSeconds");

  @RegisterExtension
  static WireMockExtension wire =
      WireMockExtension.newInstance()
          .options(WireMockConfiguration.options().dynamicPort().extensions(SERVER))
          .build();

  @TempDir Path dir;
  final FakeRds rds = new FakeRds(Clock.systemUTC()).as("development-aurora-restore-task");
  AwsTestProperties properties;

  @BeforeEach
  void start() {
    SERVER.use(rds);
    properties = AwsTestProperties.pointAt(wire.baseUrl());
    wire.stubFor(
        query("GetCallerIdentity").atPriority(1).willReturn(callerIdentity(FakeRds.ACCOUNT)));
    wire.stubFor(
        any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(FakeRdsServer.NAME)));
  }

  @AfterEach
  void stop() {
    properties.close();
  }

  Run run(String allowlist, String... args) {
    Run run = Run.of(AuroraRestore.entryPoint(), env(allowlist), args);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run;
  }

  static Map<String, String> env(String allowlist) {
    Map<String, String> env = new HashMap<>();
    env.put("DBRESTORE_EXECUTION_ARN", EXECUTION);
    env.put("DBRESTORE_TARGET_ALLOWLIST", allowlist);
    env.put("DBRESTORE_MASKING_KEY", "k".repeat(40));
    return env;
  }

  /** {@code restore --cluster develop-app} (allowed with -next and -old) with these arguments. */
  Run restore(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("restore", "--cluster", "develop-app", "--poll-interval", "PT0.01S"));
    all.addAll(List.of(args));
    return run("develop-app(-next|-old)?", all.toArray(String[]::new));
  }

  /** The keys a restore prints, in order, then {@code more}. */
  static List<String> restoreKeys(String... more) {
    List<String> keys =
        new ArrayList<>(
            List.of(
                "cluster",
                "clusterArn",
                "endpoint",
                "strategy",
                "source",
                "instances",
                "restoredByThisCall"));
    keys.addAll(List.of(more));
    return keys;
  }

  /** Every RDS call WireMock served, in order, with the identifier it names. */
  static List<String> rdsCalls() {
    List<ServeEvent> events = new ArrayList<>(wire.getAllServeEvents());
    Collections.reverse(events);
    List<String> calls = new ArrayList<>();
    for (ServeEvent e : events) {
      Map<String, String> p = FakeRdsServer.form(e.getRequest().getBodyAsString());
      String action = p.get("Action");
      if ("GetCallerIdentity".equals(action)) {
        continue;
      }
      String id =
          p.getOrDefault(
              "DBClusterIdentifier",
              p.getOrDefault(
                  "DBInstanceIdentifier",
                  p.getOrDefault(
                      "DBClusterSnapshotIdentifier",
                      p.getOrDefault("ResourceName", p.getOrDefault("SnapshotType", "")))));
      calls.add((action + " " + id).trim());
    }
    return calls;
  }

  static List<String> lines(Run run) {
    return Arrays.asList(run.out().split("\\R"));
  }

  static JsonNode result(Run run) throws Exception {
    List<String> lines = lines(run);
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  /** The result's own keys, in order, after the keys the runtime puts first. */
  static List<String> keys(JsonNode result) {
    List<String> keys = new ArrayList<>();
    result.fieldNames().forEachRemaining(keys::add);
    assertThat(keys.subList(0, RUNTIME_KEYS.size())).isEqualTo(RUNTIME_KEYS);
    return keys.subList(RUNTIME_KEYS.size(), keys.size());
  }

  /** The plan without its result line, with times and time stamps as placeholders. */
  static List<String> plan(Run run) {
    List<String> lines = lines(run);
    return lines.subList(0, lines.size() - 1).stream()
        .map(l -> l.replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "<time>"))
        .map(CommandOutputTest::stamped)
        .toList();
  }

  /** A masked snapshot's name stamp (yyyyMMdd-HHmm) as a placeholder. */
  static String stamped(String text) {
    return text.replaceAll("\\d{8}-\\d{4}-", "<stamp>-");
  }

  void targetAndSharedSnapshot() {
    rds.addTargetAndSharedSnapshot(Clock.systemUTC().instant().minus(Duration.ofHours(2)));
  }

  Path rules() throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        version: 1
        databases:
          app:
            tables:
              users:
                fields:
                  id: keep
                  email: email
        """);
    return rules;
  }

  @Test
  void restore_whenSwapped_callsRdsInThisOrder_andPrintsTheResultKeysInOrder() throws Exception {
    targetAndSharedSnapshot();

    JsonNode result =
        result(
            restore(
                "--source-cluster-name",
                "app",
                "--source-account",
                FakeRds.PROD,
                "--kms-key",
                "alias/aws/rds"));

    assertThat(keys(result)).containsExactlyElementsOf(restoreKeys());
    assertThat(result.get("cluster").asText()).isEqualTo("develop-app");
    assertThat(result.get("clusterArn").asText())
        .isEqualTo("arn:aws:rds:eu-west-1:222222222222:cluster:develop-app");
    assertThat(result.get("endpoint").asText()).isEqualTo("localhost");
    assertThat(result.get("strategy").asText()).isEqualTo("swap");
    assertThat(result.get("source").asText())
        .isEqualTo("dbrestore-masked-app-20261125-0100-abcdef");
    assertThat(result.get("instances").toString()).isEqualTo("[\"develop-app-1\"]");
    assertThat(result.get("restoredByThisCall").isBoolean()).isTrue();
    assertThat(result.get("restoredByThisCall").asBoolean()).isTrue();
    assertThat(rdsCalls())
        .containsExactly(
            "DescribeDBClusters develop-app",
            "ListTagsForResource " + ARN + "cluster:develop-app",
            "DescribeDBClusters develop-app-next",
            "DescribeDBClusterSnapshots shared",
            "DescribeDBClusters develop-app-next",
            "DescribeDBClusters develop-app-old",
            "DescribeDBClusters develop-app",
            "RestoreDBClusterFromSnapshot develop-app-next",
            "DescribeDBClusters develop-app-next",
            "DescribeDBInstances develop-app-next-1",
            "CreateDBInstance develop-app-next",
            "DescribeDBInstances develop-app-next-1",
            "DescribeDBClusters develop-app-next",
            "DescribeDBClusters develop-app",
            "ListTagsForResource " + ARN + "cluster:develop-app",
            "AddTagsToResource " + ARN + "cluster:develop-app",
            "ListTagsForResource " + ARN + "cluster:develop-app",
            "ModifyDBCluster develop-app",
            "DescribeDBClusters develop-app-old",
            "DescribeDBInstances develop-app-1",
            "ListTagsForResource " + ARN + "db:develop-app-1",
            "ModifyDBInstance develop-app-1",
            "DescribeDBInstances develop-app-old-1",
            "DescribeDBClusters develop-app-old",
            "ListTagsForResource " + ARN + "cluster:develop-app-next",
            "ModifyDBCluster develop-app-next",
            "DescribeDBClusters develop-app",
            "DescribeDBInstances develop-app-next-1",
            "ListTagsForResource " + ARN + "db:develop-app-next-1",
            "ModifyDBInstance develop-app-next-1",
            "DescribeDBInstances develop-app-1",
            "DescribeDBClusters develop-app",
            "AddTagsToResource " + ARN + "cluster:develop-app",
            "DescribeDBClusters develop-app-old",
            "ListTagsForResource " + ARN + "cluster:develop-app-old",
            "DescribeDBInstances develop-app-old-1",
            "ListTagsForResource " + ARN + "db:develop-app-old-1",
            "DeleteDBInstance develop-app-old-1",
            "ListTagsForResource " + ARN + "cluster:develop-app-old",
            "DeleteDBCluster develop-app-old");
  }

  /** The EMF lines the run ends with (docs/metrics.md), as CloudWatch Logs gets them. */
  @Test
  void restore_endsWithItsMetrics_refreshedFromASnapshotTwoHoursOld() {
    targetAndSharedSnapshot();
    Map<String, String> env = env("develop-app(-next|-old)?");
    env.put("DBRESTORE_TARGET", "develop");

    Run run =
        Run.of(
            AuroraRestore.entryPoint(),
            env,
            "restore",
            "--cluster",
            "develop-app",
            "--poll-interval",
            "PT0.01S",
            "--source-cluster-name",
            "app",
            "--kms-key",
            "alias/aws/rds");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Emf emf = run.emf();
    assertThat(emf.dimension("Job")).isEqualTo("aurora-restore");
    assertThat(emf.dimension("Target")).isEqualTo("develop");
    assertThat(emf.value("Succeeded")).isEqualTo(1);
    assertThat(emf.value("ExitCode")).isZero();
    assertThat(emf.value("Refreshed")).isEqualTo(1);
    assertThat(emf.value("SnapshotAgeSeconds")).isCloseTo(7200, within(120.0));
    // The shared snapshot was masked in production: nothing to mask here, nothing published.
    assertThat(emf.declared())
        .doesNotContain("MaskedItems", "VerificationPassed", "SnapshotPublished");
    assertThat(emf.steps())
        .containsKeys("inspect", "choose-source", "restore", "swap-in", "finish");
  }

  @Test
  void restore_refused_endsWithSucceeded0AndExitCode3_andNoRefreshed() {
    targetAndSharedSnapshot();
    Map<String, String> env = env("nothing-matches");
    env.put("DBRESTORE_TARGET", "develop");

    Run run =
        Run.of(
            AuroraRestore.entryPoint(),
            env,
            "restore",
            "--cluster",
            "develop-app",
            "--source-cluster-name",
            "app",
            "--kms-key",
            "alias/aws/rds");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    Emf emf = run.emf();
    assertThat(emf.dimension("Target")).isEqualTo("develop");
    assertThat(emf.value("Succeeded")).isZero();
    assertThat(emf.value("ExitCode")).isEqualTo(3);
    assertThat(emf.has("Refreshed")).isFalse();
  }

  @Test
  void restore_dryRun_emitsNoMetrics() {
    targetAndSharedSnapshot();

    Run run = restore("--source-cluster-name", "app", "--kms-key", "alias/aws/rds", "--dry-run");

    assertThat(run.metrics()).isEmpty();
  }

  @Test
  void restore_withTtl_printsExpiresAt_andNoTtl() throws Exception {
    targetAndSharedSnapshot();

    Instant before = Instant.now();
    JsonNode result =
        result(
            restore("--source-cluster-name", "app", "--ttl", "48h", "--kms-key", "alias/aws/rds"));
    Instant after = Instant.now();

    assertThat(keys(result)).containsExactlyElementsOf(restoreKeys("expiresAt"));
    assertThat(result.get("expiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
    // 48 hours after the restore started.
    assertThat(Instant.parse(result.get("expiresAt").asText()))
        .isBetween(before.plus(Duration.ofHours(48)), after.plus(Duration.ofHours(48)));
  }

  @Test
  void restore_whenThisRunHadFinished_withTtl_printsTtl_andANullSource() throws Exception {
    rds.addCluster(
        "develop-app",
        Map.of(Tags.MANAGED, "true", Tags.RUN_ID, "night-1", Tags.STATE, Tags.STATE_READY),
        "develop-app-1");

    JsonNode result =
        result(
            restore("--source-cluster-name", "app", "--ttl", "48h", "--kms-key", "alias/aws/rds"));

    assertThat(keys(result)).containsExactlyElementsOf(restoreKeys("ttl"));
    assertThat(result.get("source").isNull()).isTrue();
    assertThat(result.get("endpoint").asText()).isEqualTo("develop-app.cluster.example");
    assertThat(result.get("restoredByThisCall").asBoolean()).isFalse();
    assertThat(result.get("ttl").asText()).isEqualTo("PT48H");
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void restore_dryRun_readsRdsInThisOrder_andPrintsThisPlan_andTheResult() throws Exception {
    targetAndSharedSnapshot();
    rds.addCluster("monolith", Map.of());
    Path sql = dir.resolve("develop.sql");
    Files.writeString(sql, "SELECT 1;");

    Run run =
        restore(
            "--dry-run",
            "--source-cluster",
            "monolith",
            "--point-in-time",
            "latest",
            "--rules",
            rules().toString(),
            "--post-restore-sql",
            sql.toString(),
            "--instances",
            "2",
            "--kms-key",
            "arn:aws:kms:eu-west-1:222222222222:key/dev");

    String tags =
        "Tags={dbrestore:managed=true, dbrestore:run-id=night-1, dbrestore:role=target,"
            + " dbrestore:created-at=<time>";
    assertThat(plan(run))
        .containsExactly(
            "[dry-run] would call rds:RestoreDBClusterToPointInTime"
                + " DBClusterIdentifier=develop-app-next DeletionProtection=false"
                + " KmsKeyId=arn:aws:kms:eu-west-1:222222222222:key/dev RestoreType=full-copy"
                + " SourceDBClusterIdentifier=monolith "
                + tags
                + ", dbrestore:source-snapshot=monolith@latest, dbrestore:masked=false}"
                + " UseLatestRestorableTime=true",
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
            "[dry-run] would mask SqlEndpoint[aurora-postgresql"
                + " develop-app-next.cluster.dry-run:5432/postgres as master] and verify it",
            "[dry-run] would run the post-restore SQL on SqlEndpoint[aurora-postgresql"
                + " develop-app-next.cluster.dry-run:5432/postgres as master]",
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
    JsonNode result = result(run);
    assertThat(keys(result)).containsExactlyElementsOf(restoreKeys());
    // The simulated cluster, renamed into place: it keeps the ARN and endpoint it was made with.
    assertThat(result.get("cluster").asText()).isEqualTo("develop-app");
    assertThat(result.get("clusterArn").asText())
        .isEqualTo("arn:aws:rds:dry-run:000000000000:cluster:develop-app-next");
    assertThat(result.get("endpoint").asText()).isEqualTo("develop-app-next.cluster.dry-run");
    assertThat(result.get("strategy").asText()).isEqualTo("swap");
    assertThat(result.get("source").asText()).isEqualTo("monolith@latest");
    assertThat(result.get("instances").toString())
        .isEqualTo("[\"develop-app-1\",\"develop-app-2\"]");
    assertThat(result.get("restoredByThisCall").asBoolean()).isTrue();
    assertThat(rds.mutations()).isEmpty();
    assertThat(rdsCalls())
        .containsExactly(
            "DescribeDBClusters develop-app",
            "ListTagsForResource " + ARN + "cluster:develop-app",
            "DescribeDBClusters develop-app-next",
            "DescribeDBClusters monolith",
            "DescribeDBClusters develop-app-next",
            "DescribeDBClusters develop-app-old",
            "DescribeDBClusters develop-app",
            "DescribeDBClusters monolith",
            "DescribeDBInstances develop-app-next-1",
            "DescribeDBInstances develop-app-next-2",
            "DescribeDBClusters develop-app",
            "ListTagsForResource " + ARN + "cluster:develop-app",
            "ListTagsForResource " + ARN + "cluster:develop-app",
            "DescribeDBClusters develop-app",
            "DescribeDBInstances develop-app-1",
            "ListTagsForResource " + ARN + "db:develop-app-1",
            "DescribeDBInstances develop-app-1",
            "ListTagsForResource " + ARN + "db:develop-app-1");
  }

  @Test
  void snapshot_dryRun_readsRdsInThisOrder_andPrintsThisPlan_andTheResultKeysInOrder()
      throws Exception {
    rds.addCluster("app", Map.of());
    rds.addSnapshot(
        "rds:app-2026-11-25-00-30",
        FakeRds.ACCOUNT,
        "automated",
        "app",
        Clock.systemUTC().instant().minus(Duration.ofMinutes(30)),
        Map.of());
    String temp = Names.maskingCluster("app", "night-1");

    Run run =
        run(
            "dbrestore-mask(ed)?-app-.*",
            "snapshot",
            "--dry-run",
            "--source-cluster",
            "app",
            "--rules",
            rules().toString(),
            "--kms-key",
            "arn:aws:kms:eu-west-1:222222222222:key/share",
            "--share-with",
            "333333333333",
            "--poll-interval",
            "PT0.01S");

    String tags =
        "Tags={dbrestore:managed=true, dbrestore:run-id=night-1, dbrestore:role=masking,"
            + " dbrestore:created-at=<time>";
    String snapshot = "dbrestore-masked-app-<stamp>-" + Names.shortHash("night-1");
    assertThat(plan(run))
        .containsExactly(
            "[dry-run] would call rds:RestoreDBClusterFromSnapshot"
                + " DBClusterIdentifier="
                + temp
                + " DeletionProtection=false Engine=aurora-postgresql EngineVersion=16.4"
                + " KmsKeyId=arn:aws:kms:eu-west-1:222222222222:key/share"
                + " SnapshotIdentifier=arn:aws:rds:eu-west-1:222222222222:cluster-snapshot:"
                + "rds:app-2026-11-25-00-30 "
                + tags
                + ", dbrestore:source=app, dbrestore:source-snapshot=rds:app-2026-11-25-00-30}",
            "[dry-run] would call rds:CreateDBInstance DBClusterIdentifier="
                + temp
                + " DBInstanceClass=db.r6g.large DBInstanceIdentifier="
                + temp
                + "-1 Engine=aurora-postgresql PubliclyAccessible=false "
                + tags
                + "}",
            "[dry-run] would call rds:ModifyDBCluster ApplyImmediately=true"
                + " DBClusterIdentifier="
                + temp
                + " MasterUserPassword=(hidden)",
            "[dry-run] would mask SqlEndpoint[aurora-postgresql "
                + temp
                + ".cluster.dry-run:5432/postgres as master] and verify it",
            "[dry-run] would call rds:CreateDBClusterSnapshot DBClusterIdentifier="
                + temp
                + " DBClusterSnapshotIdentifier="
                + snapshot
                + " Tags=[dbrestore:managed, dbrestore:run-id, dbrestore:role,"
                + " dbrestore:created-at, dbrestore:source, dbrestore:source-snapshot,"
                + " dbrestore:masked, dbrestore:rules-sha256, dbrestore:manifest-parts,"
                + " dbrestore:manifest-sha256, dbrestore:manifest-1]",
            "[dry-run] would call rds:ModifyDBClusterSnapshotAttribute AttributeName=restore"
                + " DBClusterSnapshotIdentifier="
                + snapshot
                + " ValuesToAdd=[333333333333]",
            "[dry-run] would call rds:DeleteDBInstance DBInstanceIdentifier="
                + temp
                + "-1 SkipFinalSnapshot=true",
            "[dry-run] would call rds:DeleteDBCluster DBClusterIdentifier="
                + temp
                + " SkipFinalSnapshot=true");
    JsonNode result = result(run);
    assertThat(keys(result))
        .containsExactly(
            "snapshotArn",
            "snapshotId",
            "sourceCluster",
            "source",
            "rulesSha256",
            "rulesVersion",
            "sharedWith",
            "deletedSnapshots",
            "tables",
            "rows",
            "manifest");
    assertThat(stamped(result.get("snapshotArn").asText()))
        .isEqualTo("arn:aws:rds:dry-run:000000000000:cluster-snapshot:" + snapshot);
    assertThat(stamped(result.get("snapshotId").asText())).isEqualTo(snapshot);
    assertThat(result.get("sourceCluster").asText()).isEqualTo("app");
    assertThat(result.get("source").asText()).isEqualTo("rds:app-2026-11-25-00-30");
    assertThat(result.get("rulesSha256").asText()).hasSize(64);
    assertThat(result.get("rulesVersion").isNull()).as("a rules file has no version").isTrue();
    assertThat(result.get("sharedWith").toString()).isEqualTo("[\"333333333333\"]");
    assertThat(result.get("deletedSnapshots").toString()).isEqualTo("[]");
    assertThat(result.get("tables").isInt()).isTrue();
    assertThat(result.get("tables").asInt()).isZero();
    assertThat(result.get("rows").asLong()).isZero();
    assertThat(result.get("manifest").toString()).isEqualTo("{}");
    assertThat(rds.mutations()).isEmpty();
    assertThat(rdsCalls())
        .containsExactly(
            "DescribeDBClusterSnapshots manual",
            "DescribeDBClusters",
            "DescribeDBClusters " + temp,
            "DescribeDBClusterSnapshots app",
            "DescribeDBInstances " + temp + "-1",
            "DescribeDBClusterSnapshots " + temp,
            "DescribeDBClusterSnapshots manual");
  }

  @Test
  void teardown_printsTheResultKeysInOrder() throws Exception {
    rds.addCluster(
        "tmp-load-2", Map.of(Tags.MANAGED, "true", Tags.EXPIRES_AT, "2999-01-01T00:00:00Z"));

    JsonNode result = result(run("tmp-.*", "teardown"));

    assertThat(keys(result)).containsExactly("deleted", "notYetExpired");
    assertThat(result.get("deleted").toString()).isEqualTo("[]");
    assertThat(result.get("notYetExpired").toString()).isEqualTo("[\"tmp-load-2\"]");
  }
}
