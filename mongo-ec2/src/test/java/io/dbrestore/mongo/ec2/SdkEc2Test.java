package io.dbrestore.mongo.ec2;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.dbrestore.runtime.testing.AwsStubs.ec2Error;
import static io.dbrestore.runtime.testing.AwsStubs.queried;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static io.dbrestore.runtime.testing.AwsStubs.xml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.testing.AwsWireMock;
import io.dbrestore.runtime.wait.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The SDK adapter over HTTP: WireMock speaks EC2's query protocol and XML, errors included. */
class SdkEc2Test {
  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  static final String NS = " xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
  static final String KMS = "arn:aws:kms:eu-west-1:111111111111:key/abcd";

  AwsClients clients;
  SdkEc2 port;

  @BeforeEach
  void clients() {
    clients = new AwsClients(AwsClients.Settings.CONTROL_PLANE, false);
    port = new SdkEc2(() -> clients.client(Ec2Client.class, Ec2Client::builder));
  }

  @AfterEach
  void close() {
    clients.close();
  }

  static String volumeXml(String state, String attachment) {
    return "<item><volumeId>vol-0123456789abcdef0</volumeId><size>100</size>"
        + "<snapshotId>snap-0123456789abcdef0</snapshotId><availabilityZone>eu-west-1a"
        + "</availabilityZone><status>"
        + state
        + "</status><createTime>2026-03-01T02:00:00.000Z</createTime><attachmentSet>"
        + attachment
        + "</attachmentSet><tagSet><item><key>dbrestore:managed</key><value>true</value></item>"
        + "</tagSet><volumeType>gp3</volumeType><encrypted>true</encrypted><kmsKeyId>"
        + KMS
        + "</kmsKeyId><volumeInitializationRate>200</volumeInitializationRate></item>";
  }

  static String describeVolumes(String state, String attachment) {
    return "<DescribeVolumesResponse"
        + NS
        + "><requestId>r</requestId><volumeSet>"
        + volumeXml(state, attachment)
        + "</volumeSet></DescribeVolumesResponse>";
  }

  @Test
  void createVolume_sendsKeyRateTagsTokenAndParsesTheAnswer() {
    aws.stubFor(
        query("CreateVolume")
            .willReturn(
                xml(
                    "<CreateVolumeResponse"
                        + NS
                        + "><requestId>r</requestId><volumeId>vol-0123456789abcdef0</volumeId>"
                        + "<size>100</size><snapshotId>snap-0123456789abcdef0</snapshotId>"
                        + "<availabilityZone>eu-west-1a</availabilityZone><status>creating"
                        + "</status><createTime>2026-03-01T02:00:00.000Z</createTime><volumeType>"
                        + "gp3</volumeType><encrypted>true</encrypted><kmsKeyId>"
                        + KMS
                        + "</kmsKeyId><volumeInitializationRate>200</volumeInitializationRate>"
                        + "</CreateVolumeResponse>")));

    Ec2Port.Volume v =
        port.createVolume(
            new Ec2Port.NewVolume(
                "snap-0123456789abcdef0",
                "eu-west-1a",
                KMS,
                "gp3",
                200,
                Map.of("dbrestore:run-id", "run-1"),
                "dbrestore-mongo-restore-run-1",
                null));

    assertThat(v.id()).isEqualTo("vol-0123456789abcdef0");
    assertThat(v.state()).isEqualTo("creating");
    assertThat(v.initializationRate()).isEqualTo(200);
    aws.verify(
        queried("CreateVolume")
            .withRequestBody(containing("SnapshotId=snap-0123456789abcdef0"))
            .withRequestBody(containing("AvailabilityZone=eu-west-1a"))
            .withRequestBody(containing("Encrypted=true"))
            .withRequestBody(
                containing("KmsKeyId=arn%3Aaws%3Akms%3Aeu-west-1%3A111111111111%3Akey%2Fabcd"))
            .withRequestBody(containing("VolumeType=gp3"))
            .withRequestBody(containing("VolumeInitializationRate=200"))
            .withRequestBody(containing("ClientToken=dbrestore-mongo-restore-run-1"))
            .withRequestBody(containing("TagSpecification.1.ResourceType=volume"))
            .withRequestBody(containing("TagSpecification.1.Tag.1.Key=dbrestore%3Arun-id"))
            .withRequestBody(containing("TagSpecification.1.Tag.1.Value=run-1")));
  }

  @Test
  void createBlankVolume_sendsNoSnapshotButTheSizeKeyAndEncryption() {
    aws.stubFor(
        query("CreateVolume")
            .willReturn(
                xml(
                    "<CreateVolumeResponse"
                        + NS
                        + "><requestId>r</requestId><volumeId>vol-0123456789abcdef1</volumeId>"
                        + "<size>120</size><snapshotId></snapshotId>"
                        + "<availabilityZone>eu-west-1a</availabilityZone><status>creating"
                        + "</status><createTime>2026-03-01T02:00:00.000Z</createTime><volumeType>"
                        + "gp3</volumeType><encrypted>true</encrypted><kmsKeyId>"
                        + KMS
                        + "</kmsKeyId></CreateVolumeResponse>")));

    Ec2Port.Volume v =
        port.createVolume(
            Ec2Port.NewVolume.blankForRun(
                    "mongo-mask-snapshot",
                    "run-1",
                    "published-volume",
                    new Ec2Port.Instance("i-0123456789abcdef0", "stopped", "eu-west-1a", Map.of()),
                    120,
                    "dbrestore-mongo-mask-snapshot-run-1-published")
                .withEncryptionAndType(KMS, "gp3", null));

    assertThat(v.id()).isEqualTo("vol-0123456789abcdef1");
    assertThat(v.snapshotId()).isNullOrEmpty();
    assertThat(v.sizeGiB()).isEqualTo(120);
    aws.verify(
        queried("CreateVolume")
            .withRequestBody(notContaining("SnapshotId"))
            .withRequestBody(containing("Size=120"))
            .withRequestBody(containing("Encrypted=true"))
            .withRequestBody(
                containing("KmsKeyId=arn%3Aaws%3Akms%3Aeu-west-1%3A111111111111%3Akey%2Fabcd"))
            .withRequestBody(containing("VolumeType=gp3"))
            .withRequestBody(notContaining("VolumeInitializationRate"))
            .withRequestBody(
                containing("ClientToken=dbrestore-mongo-mask-snapshot-run-1-published"))
            .withRequestBody(containing("TagSpecification.1.Tag.")));
  }

  @Test
  void describeBlankVolume_hasNoSnapshotIdAndItsSize() {
    aws.stubFor(
        query("DescribeVolumes")
            .willReturn(
                xml(
                    "<DescribeVolumesResponse"
                        + NS
                        + "><requestId>r</requestId><volumeSet><item><volumeId>"
                        + "vol-0123456789abcdef1</volumeId><size>120</size><snapshotId/>"
                        + "<availabilityZone>eu-west-1a</availabilityZone><status>available"
                        + "</status><createTime>2026-03-01T02:00:00.000Z</createTime>"
                        + "<attachmentSet/><volumeType>gp3</volumeType><encrypted>true"
                        + "</encrypted><kmsKeyId>"
                        + KMS
                        + "</kmsKeyId></item></volumeSet></DescribeVolumesResponse>")));

    Ec2Port.Volume v = port.describeVolume("vol-0123456789abcdef1").orElseThrow();

    assertThat(v.snapshotId()).isNullOrEmpty();
    assertThat(v.sizeGiB()).isEqualTo(120);
    assertThat(v.kmsKeyId()).isEqualTo(KMS);
  }

  @Test
  void describeVolume_parsesStateAttachmentAndTags_andNotFoundIsEmpty() {
    aws.stubFor(
        query("DescribeVolumes")
            .withRequestBody(containing("VolumeId.1=vol-0123456789abcdef0"))
            .willReturn(
                xml(
                    describeVolumes(
                        "in-use",
                        "<item><volumeId>vol-0123456789abcdef0</volumeId><instanceId>"
                            + "i-0123456789abcdef0</instanceId><device>/dev/sdf</device><status>"
                            + "attached</status></item>"))));
    aws.stubFor(
        query("DescribeVolumes")
            .withRequestBody(containing("VolumeId.1=vol-0000000000000dead"))
            .willReturn(ec2Error(400, "InvalidVolume.NotFound", "The volume does not exist")));

    Ec2Port.Volume v = port.describeVolume("vol-0123456789abcdef0").orElseThrow();

    assertThat(v.state()).isEqualTo("in-use");
    assertThat(v.attachment())
        .contains(new Ec2Port.Attachment("i-0123456789abcdef0", "/dev/sdf", "attached"));
    assertThat(v.tags()).containsEntry("dbrestore:managed", "true");
    assertThat(v.kmsKeyId()).isEqualTo(KMS);
    assertThat(port.describeVolume("vol-0000000000000dead")).isEmpty();
  }

  @Test
  void throttlingAndServerErrorBursts_areRetriedThrough() {
    aws.stubFor(
        query("DescribeVolumes")
            .inScenario("burst")
            .whenScenarioStateIs(STARTED)
            .willReturn(ec2Error(503, "RequestLimitExceeded", "Request limit exceeded."))
            .willSetStateTo("2"));
    aws.stubFor(
        query("DescribeVolumes")
            .inScenario("burst")
            .whenScenarioStateIs("2")
            .willReturn(ec2Error(500, "InternalError", "An internal error has occurred"))
            .willSetStateTo("3"));
    aws.stubFor(
        query("DescribeVolumes")
            .inScenario("burst")
            .whenScenarioStateIs("3")
            .willReturn(ec2Error(503, "Unavailable", "The service is unavailable"))
            .willSetStateTo("4"));
    aws.stubFor(
        query("DescribeVolumes")
            .inScenario("burst")
            .whenScenarioStateIs("4")
            .willReturn(xml(describeVolumes("available", ""))));

    assertThat(port.describeVolume("vol-0123456789abcdef0")).isPresent();
    aws.verify(4, queried("DescribeVolumes"));
  }

  @Test
  void detachAlreadyDetached_andDeleteAlreadyDeleted_succeed() {
    aws.stubFor(
        query("DetachVolume")
            .willReturn(ec2Error(400, "IncorrectState", "Volume is in the 'available' state")));
    aws.stubFor(
        query("DeleteVolume")
            .willReturn(ec2Error(400, "InvalidVolume.NotFound", "The volume does not exist")));

    port.detachVolume("vol-0123456789abcdef0", "i-0123456789abcdef0", "/dev/sdf");
    port.deleteVolume("vol-0123456789abcdef0");

    aws.verify(
        queried("DetachVolume")
            .withRequestBody(containing("VolumeId=vol-0123456789abcdef0"))
            .withRequestBody(containing("InstanceId=i-0123456789abcdef0"))
            .withRequestBody(containing("Device=%2Fdev%2Fsdf")));
  }

  @Test
  void otherErrors_surface() {
    aws.stubFor(
        query("AttachVolume")
            .willReturn(ec2Error(400, "UnauthorizedOperation", "You are not authorized")));

    assertThatThrownBy(
            () -> port.attachVolume("vol-0123456789abcdef0", "i-0123456789abcdef0", "/dev/sdf"))
        .isInstanceOfSatisfying(
            software.amazon.awssdk.services.ec2.model.Ec2Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation"));
  }

  @Test
  void shareSnapshot_addsCreateVolumePermissions() {
    aws.stubFor(
        query("ModifySnapshotAttribute")
            .willReturn(
                xml(
                    "<ModifySnapshotAttributeResponse"
                        + NS
                        + "><requestId>r</requestId><return>true</return>"
                        + "</ModifySnapshotAttributeResponse>")));

    port.shareSnapshot("snap-0123456789abcdef0", List.of("222222222222", "333333333333"));

    aws.verify(
        queried("ModifySnapshotAttribute")
            .withRequestBody(containing("SnapshotId=snap-0123456789abcdef0"))
            .withRequestBody(containing("Attribute=createVolumePermission"))
            .withRequestBody(containing("CreateVolumePermission.Add.1.UserId=222222222222"))
            .withRequestBody(containing("CreateVolumePermission.Add.2.UserId=333333333333")));
  }

  @Test
  void findSnapshots_filtersByOwnerVolumeTagAndDescription() {
    aws.stubFor(
        query("DescribeSnapshots")
            .willReturn(
                xml(
                    "<DescribeSnapshotsResponse"
                        + NS
                        + "><requestId>r</requestId><snapshotSet><item><snapshotId>"
                        + "snap-0123456789abcdef0</snapshotId><volumeId>vol-0123456789abcdef0"
                        + "</volumeId><status>completed</status><startTime>"
                        + "2026-03-01T01:00:00.000Z</startTime><progress>100%</progress>"
                        + "<ownerId>999999999999</ownerId><volumeSize>100</volumeSize>"
                        + "<description>dbrestore masked mongodb main; run r</description>"
                        + "<encrypted>true</encrypted></item></snapshotSet>"
                        + "</DescribeSnapshotsResponse>")));

    List<Ec2Port.Snapshot> found =
        port.findSnapshots(
            new Ec2Port.SnapshotQuery(
                List.of("999999999999"),
                "vol-0123456789abcdef0",
                Map.of("dbrestore:role", "masked-snapshot"),
                "dbrestore masked mongodb main;*"));

    assertThat(found).hasSize(1);
    assertThat(found.get(0).ownerId()).isEqualTo("999999999999");
    assertThat(found.get(0).startTime()).hasToString("2026-03-01T01:00:00Z");
    aws.verify(
        queried("DescribeSnapshots")
            .withRequestBody(containing("Owner.1=999999999999"))
            .withRequestBody(containing("Filter.1.Name=tag%3Adbrestore%3Arole"))
            .withRequestBody(containing("Filter.1.Value.1=masked-snapshot"))
            .withRequestBody(containing("Filter.2.Name=volume-id"))
            .withRequestBody(containing("Filter.3.Name=description")));
  }

  @Test
  void describeInstance_andStatusChecks() {
    aws.stubFor(
        query("DescribeInstances")
            .willReturn(
                xml(
                    "<DescribeInstancesResponse"
                        + NS
                        + "><requestId>r</requestId><reservationSet><item><reservationId>r-1"
                        + "</reservationId><instancesSet><item><instanceId>i-0123456789abcdef0"
                        + "</instanceId><instanceState><code>16</code><name>running</name>"
                        + "</instanceState><placement><availabilityZone>eu-west-1a"
                        + "</availabilityZone></placement><blockDeviceMapping><item><deviceName>"
                        + "/dev/xvda</deviceName><ebs><volumeId>vol-00000000000000001</volumeId>"
                        + "<status>attached</status></ebs></item><item><deviceName>/dev/sdf"
                        + "</deviceName><ebs><volumeId>vol-0123456789abcdef0</volumeId><status>"
                        + "attached</status></ebs></item></blockDeviceMapping></item>"
                        + "</instancesSet></item></reservationSet></DescribeInstancesResponse>")));
    aws.stubFor(
        query("DescribeInstanceStatus")
            .willReturn(
                xml(
                    "<DescribeInstanceStatusResponse"
                        + NS
                        + "><requestId>r</requestId><instanceStatusSet><item><instanceId>"
                        + "i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>"
                        + "running</name></instanceState><systemStatus><status>ok</status>"
                        + "</systemStatus><instanceStatus><status>initializing</status>"
                        + "</instanceStatus></item></instanceStatusSet>"
                        + "</DescribeInstanceStatusResponse>")));

    Ec2Port.Instance i = port.describeInstance("i-0123456789abcdef0").orElseThrow();

    assertThat(i.state()).isEqualTo("running");
    assertThat(i.availabilityZone()).isEqualTo("eu-west-1a");
    assertThat(i.volumeAt("/dev/sdf")).contains("vol-0123456789abcdef0");
    Ec2Port.StatusChecks s = port.instanceStatus("i-0123456789abcdef0").orElseThrow();
    assertThat(s.passed()).isFalse();
    assertThat(s.instance()).isEqualTo("initializing");
    aws.verify(
        queried("DescribeInstanceStatus").withRequestBody(containing("IncludeAllInstances=true")));
  }

  @Test
  void volumeStuckCreatingPastItsTimeout_exits4() {
    aws.stubFor(query("DescribeVolumes").willReturn(xml(describeVolumes("creating", ""))));
    JobContext context = TestJobContext.builder().build();
    Ec2Steps steps =
        new Ec2Steps(
            context,
            context.guardForPort(),
            port,
            Timeouts.DEFAULT
                .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(50), 2))
                .withVolume(Duration.ofMillis(300)));

    assertThatThrownBy(() -> steps.awaitVolume("vol-0123456789abcdef0", "available"))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.TIMED_OUT))
        .hasMessageContaining("volume vol-0123456789abcdef0 to be available")
        .hasMessageContaining("last status: creating");
  }
}
