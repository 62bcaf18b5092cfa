package io.dbrestore.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.aws.Secrets;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.testing.AwsTestProperties;
import io.dbrestore.runtime.testing.FixtureJob;
import io.dbrestore.runtime.testing.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The AWS-facing parts of the runtime against LocalStack (Secrets Manager, Step Functions, EC2),
 * for machines with Docker. Without Docker it is skipped, never failed; the same behaviours are
 * covered over WireMock by the unit tests.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIT {
  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
          .withServices(
              LocalStackContainer.Service.SECRETSMANAGER,
              LocalStackContainer.Service.STEPFUNCTIONS,
              LocalStackContainer.Service.EC2);

  private AwsTestProperties properties;
  private AwsClients clients;

  @BeforeEach
  void setUp() {
    properties = AwsTestProperties.pointAt(LOCALSTACK.getEndpoint().toString());
    System.setProperty("aws.region", LOCALSTACK.getRegion());
    System.setProperty("aws.accessKeyId", LOCALSTACK.getAccessKey());
    System.setProperty("aws.secretAccessKey", LOCALSTACK.getSecretKey());
    clients = new AwsClients(AwsClients.Settings.CONTROL_PLANE, false);
  }

  @AfterEach
  void tearDown() {
    clients.close();
    properties.close();
    Redactor.clearSecrets();
  }

  @Test
  void secrets_readsJsonSecretAndRegistersThePassword() {
    String arn =
        clients
            .secretsManager()
            .createSecret(
                r ->
                    r.name("dbrestore-it-" + System.nanoTime())
                        .secretString("{\"username\":\"masker\",\"password\":\"Lq7-it-password\"}"))
            .arn();

    Map<String, String> secret = new Secrets(clients.secretsManager()).json(arn);

    assertThat(secret).containsEntry("username", "masker");
    assertThat(Redactor.redact("login Lq7-it-password")).isEqualTo("login ***");
  }

  private Volume volume(boolean managed) {
    var request =
        software.amazon.awssdk.services.ec2.model.CreateVolumeRequest.builder()
            .availabilityZone(LOCALSTACK.getRegion() + "a")
            .size(1);
    if (managed) {
      request.tagSpecifications(
          TagSpecification.builder()
              .resourceType(ResourceType.VOLUME)
              .tags(Tag.builder().key("dbrestore:managed").value("true").build())
              .build());
    }
    String id = ec2().createVolume(request.build()).volumeId();
    return ec2().describeVolumes(r -> r.volumeIds(id)).volumes().get(0);
  }

  private Ec2Client ec2() {
    return clients.client(Ec2Client.class, Ec2Client::builder);
  }

  private boolean exists(String volumeId) {
    return ec2()
        .describeVolumes(
            r -> r.filters(Filter.builder().name("volume-id").values(volumeId).build()))
        .volumes()
        .stream()
        .anyMatch(v -> !"deleting".equals(v.stateAsString()));
  }

  @Test
  void guard_deletesOurVolumeAndRefusesAnUntaggedOne() {
    Volume ours = volume(true);
    Volume theirs = volume(false);

    Run allowed =
        Run.of(
            FixtureJob.entryPoint(),
            Map.of(),
            "delete-volume",
            "--volume-id",
            ours.volumeId(),
            "--target-allowlist",
            "vol-.*");
    Run refused =
        Run.of(
            FixtureJob.entryPoint(),
            Map.of(),
            "delete-volume",
            "--volume-id",
            theirs.volumeId(),
            "--target-allowlist",
            "vol-.*");

    assertThat(allowed.exitCode()).as(allowed.err()).isZero();
    assertThat(exists(ours.volumeId())).isFalse();
    assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED.code());
    assertThat(exists(theirs.volumeId())).isTrue();
  }

  @Test
  void taskToken_successCompletesTheExecution() throws Exception {
    var sfn = clients.stepFunctions();
    String activity = sfn.createActivity(r -> r.name("dbrestore-it")).activityArn();
    String definition =
        "{\"StartAt\":\"Job\",\"States\":{\"Job\":{\"Type\":\"Task\",\"Resource\":\""
            + activity
            + "\",\"HeartbeatSeconds\":60,\"End\":true}}}";
    String machine =
        sfn.createStateMachine(
                r ->
                    r.name("dbrestore-it-" + System.nanoTime())
                        .definition(definition)
                        .roleArn("arn:aws:iam::000000000000:role/dbrestore-it"))
            .stateMachineArn();
    String execution =
        sfn.startExecution(r -> r.stateMachineArn(machine).input("{}")).executionArn();
    String token = sfn.getActivityTask(r -> r.activityArn(activity)).taskToken();

    Run run =
        Run.of(
            FixtureJob.entryPoint(),
            Map.of("DBRESTORE_TASK_TOKEN", token, "DBRESTORE_HEARTBEAT_SECONDS", "1"),
            "succeed",
            "--value",
            "from-localstack");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    ExecutionStatus status;
    String output;
    do {
      var described = sfn.describeExecution(r -> r.executionArn(execution));
      status = described.status();
      output = described.output();
      Thread.sleep(200);
    } while (status == ExecutionStatus.RUNNING && Instant.now().isBefore(until));
    assertThat(status).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(output).contains("from-localstack");
  }
}
