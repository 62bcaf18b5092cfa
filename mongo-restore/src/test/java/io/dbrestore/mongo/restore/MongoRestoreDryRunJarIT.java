package io.dbrestore.mongo.restore;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.ec2Tags;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static io.dbrestore.runtime.testing.AwsStubs.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real jar, run as ECS runs it, with EC2 and STS at WireMock through the SDK's own {@code
 * AWS_ENDPOINT_URL_EC2}/{@code _STS}: a dry run of {@code mongo-restore run} finds the shared
 * masked snapshot, inspects the instance, runs the guard's checks and prints the plan, and no call
 * that changes anything reaches "AWS".
 */
class MongoRestoreDryRunJarIT {
  static final String NS = " xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
  WireMockServer aws;

  @BeforeEach
  void start() {
    aws = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    aws.start();
  }

  @AfterEach
  void stop() {
    aws.stop();
  }

  @Test
  void dryRun_printsThePlanAndChangesNothing() throws Exception {
    String started = Instant.now().minusSeconds(3600).toString();
    aws.stubFor(query("GetCallerIdentity").willReturn(callerIdentity("222222222222")));
    aws.stubFor(
        query("DescribeSnapshots")
            .willReturn(
                xml(
                    "<DescribeSnapshotsResponse"
                        + NS
                        + "><requestId>r</requestId><snapshotSet><item><snapshotId>"
                        + "snap-0123456789abcdef0</snapshotId><volumeId>vol-0fffffffffffffff0"
                        + "</volumeId><status>completed</status><startTime>"
                        + started
                        + "</startTime><progress>100%</progress><ownerId>999999999999</ownerId>"
                        + "<volumeSize>100</volumeSize><description>dbrestore masked mongodb"
                        + " main; run prod-1; source snap-0aaaaaaaaaaaaaaa0; 150 documents in 5"
                        + " collections; manifest sha256 0123456789abcdef</description>"
                        + "<encrypted>true</encrypted></item></snapshotSet>"
                        + "</DescribeSnapshotsResponse>")));
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
                        + "/dev/sdf</deviceName><ebs><volumeId>vol-0123456789abcdef0</volumeId>"
                        + "<status>attached</status></ebs></item></blockDeviceMapping></item>"
                        + "</instancesSet></item></reservationSet></DescribeInstancesResponse>")));
    aws.stubFor(
        query("DescribeVolumes")
            .withRequestBody(containing("Filter.1.Name=tag"))
            .willReturn(
                xml(
                    "<DescribeVolumesResponse"
                        + NS
                        + "><requestId>r</requestId><volumeSet/></DescribeVolumesResponse>")));
    aws.stubFor(
        query("DescribeVolumes")
            .withRequestBody(containing("VolumeId.1=vol-0123456789abcdef0"))
            .willReturn(
                xml(
                    "<DescribeVolumesResponse"
                        + NS
                        + "><requestId>r</requestId><volumeSet><item><volumeId>"
                        + "vol-0123456789abcdef0</volumeId><size>100</size><availabilityZone>"
                        + "eu-west-1a</availabilityZone><status>in-use</status><attachmentSet>"
                        + "<item><volumeId>vol-0123456789abcdef0</volumeId><instanceId>"
                        + "i-0123456789abcdef0</instanceId><device>/dev/sdf</device><status>"
                        + "attached</status></item></attachmentSet><volumeType>gp3</volumeType>"
                        + "</item></volumeSet></DescribeVolumesResponse>")));
    aws.stubFor(
        query("DescribeTags").willReturn(ec2Tags("any", Map.of("dbrestore:managed", "true"))));

    Path jar = Path.of("target", "mongo-restore.jar");
    assertThat(jar).exists();
    Path out = Files.createTempFile("job-out", ".txt");
    Path err = Files.createTempFile("job-err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "run",
                "--dry-run",
                "--instance",
                "i-0123456789abcdef0",
                "--source-account",
                "999999999999",
                "--kms-key",
                "alias/aws/ebs",
                "--mongo-uri",
                "mongodb://dbrestore:not-used@127.0.0.1:1/",
                "--volume-initialization-rate",
                "250")
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("DBRESTORE_"));
    env.put("AWS_ENDPOINT_URL_EC2", aws.baseUrl());
    env.put("AWS_ENDPOINT_URL_STS", aws.baseUrl());
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "test-secret-key");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("DBRESTORE_TARGET_ALLOWLIST", "(i|vol|snap)-[0-9a-f]+");
    env.put(
        "DBRESTORE_EXECUTION_ARN", "arn:aws:states:eu-west-1:222222222222:execution:sm:Nightly-42");
    env.put("DBRESTORE_LOG_FORMAT", "text");
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(stderr).isZero();
    assertThat(stdout)
        .contains("Plan for mongo-restore run nightly-42")
        .contains(
            "[dry-run] would call ec2:CreateVolume to create a gp3 volume from"
                + " snap-0123456789abcdef0")
        .contains("initialization rate 250 MiB/s")
        .contains("[dry-run] would call ec2:StopInstances to stop ec2 instance i-0123456789abcdef0")
        .contains(
            "[dry-run] would call ec2:DetachVolume to detach ec2 volume vol-0123456789abcdef0")
        .contains("\"snapshotId\":\"snap-0123456789abcdef0\"")
        .contains("\"dryRun\":true");
    List<LoggedRequest> requests = aws.findAll(postRequestedFor(urlEqualTo("/")));
    assertThat(requests).isNotEmpty();
    for (LoggedRequest r : requests) {
      String action = r.getBodyAsString().replaceAll("^Action=([A-Za-z]+)&.*$", "$1");
      assertThat(action).as("only reads reach AWS").matches("(Describe|Get).*");
    }
    assertThat(stdout + stderr).doesNotContain("not-used");
  }
}
