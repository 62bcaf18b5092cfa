package io.dbrestore.aurora.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end: the real jar runs {@code restore --strategy swap} with its RDS and STS endpoints
 * taken from {@code AWS_ENDPOINT_URL_RDS} and {@code AWS_ENDPOINT_URL_STS}, against WireMock
 * serving a stateful RDS; the sequence of calls is checked.
 */
class RestoreSwapJarIT {
  static final String DEV_KEY = "arn:aws:kms:eu-west-1:222222222222:key/dev";

  static final FakeRdsServer SERVER = new FakeRdsServer();

  @RegisterExtension
  static WireMockExtension wire =
      WireMockExtension.newInstance()
          .options(WireMockConfiguration.options().dynamicPort().extensions(SERVER))
          .build();

  @Test
  void restoreSwap_fromTheJar_callsRdsInTheSwapOrder() throws Exception {
    FakeRds rds = new FakeRds(Clock.systemUTC());
    SERVER.use(rds);
    rds.addTargetAndSharedSnapshot(Clock.systemUTC().instant().minus(Duration.ofHours(2)));
    wire.stubFor(
        query("GetCallerIdentity").atPriority(1).willReturn(callerIdentity(FakeRds.ACCOUNT)));
    wire.stubFor(
        any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(FakeRdsServer.NAME)));

    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            Path.of("target", "aurora-restore.jar").toString(),
            "restore",
            "--cluster",
            "develop-app",
            "--strategy",
            "swap",
            "--source-cluster-name",
            "app",
            "--source-account",
            FakeRds.PROD,
            "--kms-key",
            DEV_KEY,
            "--instance-class",
            "db.r6g.large",
            "--poll-interval",
            "1s");
    Path out = Files.createTempFile("restore-out", ".txt");
    Path err = Files.createTempFile("restore-err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(
            k -> k.startsWith("AWS_") || k.startsWith("DBRESTORE_") || k.startsWith("SENTRY"));
    env.put("AWS_ENDPOINT_URL_RDS", wire.baseUrl());
    env.put("AWS_ENDPOINT_URL_STS", wire.baseUrl());
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "test-secret-key");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put(
        "DBRESTORE_EXECUTION_ARN",
        "arn:aws:states:eu-west-1:222222222222:execution:develop:night-1");
    env.put("DBRESTORE_TARGET_ALLOWLIST", "develop-app(-next|-old)?");
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(stderr).isZero();
    assertThat(stdout)
        .contains(
            "\"status\":\"DONE\"", "\"cluster\":\"develop-app\"", "\"stepSeconds\"", "\"swap-in\"");
    Set<String> mutating =
        Set.of(
            "RestoreDBClusterFromSnapshot",
            "CreateDBInstance",
            "ModifyDBCluster",
            "ModifyDBInstance",
            "DeleteDBInstance",
            "DeleteDBCluster",
            "AddTagsToResource");
    List<String> calls = new ArrayList<>();
    wire.getAllServeEvents().stream()
        .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
        .map(ServeEvent::getRequest)
        .forEach(
            r -> {
              Map<String, String> p = FakeRdsServer.form(r.getBodyAsString());
              String action = p.get("Action");
              if ("RestoreDBClusterFromSnapshot".equals(action)) {
                // On the wire: re-encrypted with this account's key, not production's.
                assertThat(p.get("KmsKeyId")).isEqualTo(DEV_KEY);
              }
              if (mutating.contains(action)) {
                String detail =
                    p.getOrDefault(
                        "NewDBClusterIdentifier",
                        p.getOrDefault(
                            "NewDBInstanceIdentifier",
                            p.getOrDefault(
                                "DBClusterIdentifier",
                                p.getOrDefault("DBInstanceIdentifier", p.get("Tags.Tag.1.Key")))));
                calls.add(action + " " + detail);
              }
            });
    assertThat(calls)
        .containsExactly(
            "RestoreDBClusterFromSnapshot develop-app-next",
            "CreateDBInstance develop-app-next",
            "AddTagsToResource dbrestore:replaced-by",
            "ModifyDBCluster develop-app-old",
            "ModifyDBInstance develop-app-old-1",
            "ModifyDBCluster develop-app",
            "ModifyDBInstance develop-app-1",
            "AddTagsToResource dbrestore:state",
            "DeleteDBInstance develop-app-old-1",
            "DeleteDBCluster develop-app-old");
  }
}
