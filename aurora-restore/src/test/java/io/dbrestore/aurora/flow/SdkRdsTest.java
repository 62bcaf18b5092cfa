package io.dbrestore.aurora.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static io.dbrestore.runtime.testing.AwsStubs.queried;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static io.dbrestore.runtime.testing.AwsStubs.queryError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.dbrestore.aurora.rds.SdkRds;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.testing.AwsTestProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The RDS adapter over HTTP: the real SDK (retries, Query protocol, XML parsing) against WireMock
 * serving a stateful RDS, with throttling, 5xx bursts and errors in front of it.
 */
@Timeout(120)
class SdkRdsTest {
  static final FakeRdsServer SERVER = new FakeRdsServer();
  static final Instant NOW = Instant.parse("2026-11-25T04:00:00Z");

  @RegisterExtension
  static WireMockExtension wire =
      WireMockExtension.newInstance()
          .options(WireMockConfiguration.options().dynamicPort().extensions(SERVER))
          .build();

  final SteppingClock clock = new SteppingClock(NOW);
  final FakeRds rds = new FakeRds(clock);
  AwsTestProperties properties;
  AwsClients aws;

  @BeforeEach
  void start() {
    SERVER.use(rds);
    properties = AwsTestProperties.pointAt(wire.baseUrl());
    aws = new AwsClients(AwsClients.Settings.CONTROL_PLANE, false);
    wire.stubFor(
        any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(FakeRdsServer.NAME)));
    rds.addTargetAndSharedSnapshot(NOW.minus(Duration.ofHours(3)));
  }

  @AfterEach
  void stop() {
    aws.close();
    properties.close();
  }

  JobContext context() {
    return TestJobContext.builder()
        .clock(clock)
        .account(FakeRds.ACCOUNT)
        .allowlist("develop-app(-next|-old)?")
        .env("DBRESTORE_EXECUTION_ARN", "arn:aws:states:eu-west-1:1:execution:d:night-1")
        .build();
  }

  RestoreWorkflow.Result restore() throws Exception {
    JobContext context = context();
    SqlSteps none =
        new SqlSteps() {
          @Override
          public Optional<MaskingResult> mask(SqlEndpoint endpoint) {
            throw new AssertionError("a masked snapshot is not masked again");
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
            return null;
          }
        };
    return new RestoreWorkflow(
            context,
            new SdkRds(aws.client(RdsClient.class, RdsClient::builder)),
            context.guard(),
            none,
            () -> "from-secret",
            RestoreWorkflowTest.FAST,
            RestoreWorkflowTest.request(RestoreWorkflow.Strategy.SWAP))
        .run();
  }

  @Test
  void swapThroughTheSdk_sendsEveryParameter_andParsesEveryResponse() throws Exception {
    RestoreWorkflow.Result result = restore();

    assertThat(result.cluster()).isEqualTo("develop-app");
    assertThat(result.instances()).isEqualTo(List.of("develop-app-1", "develop-app-2"));
    wire.verify(
        queried("RestoreDBClusterFromSnapshot")
            .withRequestBody(containing("DBClusterIdentifier=develop-app-next"))
            .withRequestBody(
                containing(
                    "SnapshotIdentifier=arn%3Aaws%3Ards%3Aeu-west-1%3A111111111111%3Acluster-snapshot%3Adbrestore-masked-app-20261125-0100-abcdef"))
            .withRequestBody(containing("Engine=aurora-postgresql"))
            .withRequestBody(
                containing("KmsKeyId=arn%3Aaws%3Akms%3Aeu-west-1%3A222222222222%3Akey%2Fdev"))
            .withRequestBody(containing("DBSubnetGroupName=dev-subnets"))
            .withRequestBody(
                containing("VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-0123456789abcdef0"))
            .withRequestBody(containing("DeletionProtection=true"))
            .withRequestBody(
                containing("Tags.Tag.1.Key=dbrestore%3Amanaged&Tags.Tag.1.Value=true")));
    wire.verify(
        2,
        queried("CreateDBInstance")
            .withRequestBody(containing("DBClusterIdentifier=develop-app-next"))
            .withRequestBody(containing("DBInstanceClass=db.r6g.large"))
            .withRequestBody(containing("PubliclyAccessible=false")));
    wire.verify(
        queried("ModifyDBCluster")
            .withRequestBody(containing("MasterUserPassword=from-secret"))
            .withRequestBody(containing("ApplyImmediately=true")));
    wire.verify(
        queried("ModifyDBCluster")
            .withRequestBody(containing("DBClusterIdentifier=develop-app&"))
            .withRequestBody(containing("NewDBClusterIdentifier=develop-app-old")));
    wire.verify(
        queried("ModifyDBInstance")
            .withRequestBody(containing("NewDBInstanceIdentifier=develop-app-1")));
    wire.verify(
        queried("DeleteDBInstance")
            .withRequestBody(containing("DBInstanceIdentifier=develop-app-old-1"))
            .withRequestBody(containing("SkipFinalSnapshot=true")));
    wire.verify(
        queried("DeleteDBCluster")
            .withRequestBody(containing("DBClusterIdentifier=develop-app-old"))
            .withRequestBody(containing("SkipFinalSnapshot=true")));
    wire.verify(
        queried("DescribeDBClusterSnapshots")
            .withRequestBody(containing("SnapshotType=shared"))
            .withRequestBody(containing("IncludeShared=true")));
    assertThat(rds.clusters.get("develop-app").tags).containsEntry(Tags.STATE, "ready");
  }

  @Test
  void throttlingAnd5xxBursts_areSurvived() throws Exception {
    String s = "bursts";
    wire.stubFor(
        query("DescribeDBClusters")
            .atPriority(1)
            .inScenario(s)
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("t2")
            .willReturn(queryError(400, "Throttling", "Rate exceeded")));
    wire.stubFor(
        query("DescribeDBClusters")
            .atPriority(1)
            .inScenario(s)
            .whenScenarioStateIs("t2")
            .willSetStateTo("t3")
            .willReturn(queryError(400, "ThrottlingException", "Rate exceeded")));
    wire.stubFor(
        query("DescribeDBClusters")
            .atPriority(1)
            .inScenario(s)
            .whenScenarioStateIs("t3")
            .willSetStateTo("t4")
            .willReturn(aResponse().withStatus(503)));
    wire.stubFor(
        query("DescribeDBClusters")
            .atPriority(1)
            .inScenario(s)
            .whenScenarioStateIs("t4")
            .willSetStateTo("done")
            .willReturn(aResponse().withStatus(500)));

    RestoreWorkflow.Result result = restore();

    assertThat(result.cluster()).isEqualTo("develop-app");
    assertThat(wire.findAll(queried("DescribeDBClusters")).size()).isGreaterThan(4);
  }

  @Test
  void notFound_isEmpty_notAnError() {
    var port = new SdkRds(aws.client(RdsClient.class, RdsClient::builder));

    assertThat(port.cluster("no-such-cluster")).isEmpty();
    assertThat(port.instance("no-such-instance")).isEmpty();
    assertThat(port.snapshot("no-such-snapshot")).isEmpty();
  }

  @Test
  void accessDenied_isAFault_withTheAwsErrorCode() {
    wire.stubFor(
        query("DescribeDBClusters")
            .atPriority(1)
            .willReturn(
                queryError(
                    403, "AccessDenied", "not authorized to perform rds:DescribeDBClusters")));

    assertThatThrownBy(this::restore)
        .isInstanceOf(software.amazon.awssdk.services.rds.model.RdsException.class)
        .hasMessageContaining("Status Code: 403")
        .hasMessageContaining("SDK Attempt Count: 1");
    assertThat(rds.mutations()).isEmpty();
  }

  @Test
  void aClusterThatStaysCreating_pastItsTimeout_exits4() {
    rds.pollsPerState = 1_000_000;
    JobContext context = context();
    RdsSteps steps =
        new RdsSteps(
            context,
            new SdkRds(aws.client(RdsClient.class, RdsClient::builder)),
            context.guard(),
            RestoreWorkflowTest.FAST);
    rds.clusters.get("develop-app").status = "creating";

    assertThatThrownBy(() -> steps.awaitClusterAvailable("develop-app", Duration.ofSeconds(30)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining(
            "timed out waiting for cluster develop-app to become available (last status: creating")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.TIMED_OUT);
  }
}
