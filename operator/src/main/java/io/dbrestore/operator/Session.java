package io.dbrestore.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.aws.AwsClients;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsClientBuilder;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.SfnClientBuilder;

/** One invocation of the operator CLI: its environment, outputs, clock and AWS clients. */
final class Session implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Fewer attempts than a job's: a person is waiting, and a retry is one command away. */
  static final AwsClients.Settings AWS =
      new AwsClients.Settings(4, Duration.ofMinutes(1), Duration.ofSeconds(20));

  /** Waits between polls; tests pass one that only moves their clock. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  final Map<String, String> env;
  final PrintWriter out;
  final PrintWriter err;
  final Clock clock;
  final Sleeper sleeper;

  /** Whether stdout is a terminal: {@code run --wait} then redraws a live view in place. */
  final boolean terminal;

  private AwsClients aws;

  Session(
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      Clock clock,
      Sleeper sleeper,
      boolean terminal) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.sleeper = sleeper;
    this.terminal = terminal;
  }

  /** The terminal's width: $COLUMNS when the shell exports it, else 80. */
  int columns() {
    try {
      int c = Integer.parseInt(env.getOrDefault("COLUMNS", "").trim());
      return c > 0 ? c : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  private synchronized AwsClients aws() {
    if (aws == null) {
      aws = new AwsClients(AWS, false);
    }
    return aws;
  }

  /** Step Functions in {@code region}, or the SDK's default region when it is null. */
  SfnClient sfn(String region) {
    return aws()
        .client(
            SfnClient.class,
            () -> {
              SfnClientBuilder b = SfnClient.builder();
              if (region != null && !region.isBlank()) {
                b.region(Region.of(region));
              }
              return b;
            });
  }

  /** ECS in {@code region}, or the SDK's default region when it is null. */
  EcsClient ecs(String region) {
    return aws()
        .client(
            EcsClient.class,
            () -> {
              EcsClientBuilder b = EcsClient.builder();
              if (region != null && !region.isBlank()) {
                b.region(Region.of(region));
              }
              return b;
            });
  }

  /** CloudWatch Logs in {@code region}, or the SDK's default region when it is null. */
  CloudWatchLogsClient logs(String region) {
    return client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder, region);
  }

  /** RDS in {@code region}, or the SDK's default region when it is null. */
  RdsClient rds(String region) {
    return client(RdsClient.class, RdsClient::builder, region);
  }

  /** EC2 in {@code region}, or the SDK's default region when it is null. */
  Ec2Client ec2(String region) {
    return client(Ec2Client.class, Ec2Client::builder, region);
  }

  /** EventBridge Scheduler in {@code region}, or the SDK's default region when it is null. */
  /** S3 for {@code rules … --rules s3://…}, in the SDK's default region (S3 follows redirects). */
  software.amazon.awssdk.services.s3.S3Client s3() {
    return client(
        software.amazon.awssdk.services.s3.S3Client.class,
        io.dbrestore.masking.cli.RulesLocation::s3Builder,
        null);
  }

  SchedulerClient scheduler(String region) {
    return client(SchedulerClient.class, SchedulerClient::builder, region);
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient>
      C client(Class<C> type, Supplier<B> builder, String region) {
    return aws()
        .client(
            type,
            () -> {
              B b = builder.get();
              if (region != null && !region.isBlank()) {
                b.region(Region.of(region));
              }
              return b;
            });
  }

  /**
   * Secrets Manager with the operator's credentials, in the region of the secret's ARN (the SDK's
   * default region for a plain name).
   */
  io.dbrestore.runtime.aws.Secrets secrets(String secretId) {
    String[] parts = secretId.split(":");
    String region = secretId.startsWith("arn:") && parts.length > 3 ? parts[3] : null;
    return new io.dbrestore.runtime.aws.Secrets(
        client(
            software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.class,
            software.amazon.awssdk.services.secretsmanager.SecretsManagerClient::builder,
            region));
  }

  /** Who runs this, for execution names: $USER, reduced to what an execution name may hold. */
  String user() {
    String user = env.getOrDefault("USER", env.getOrDefault("USERNAME", ""));
    user = user.replaceAll("[^A-Za-z0-9_-]", "");
    if (user.isEmpty()) {
      return "operator";
    }
    return user.length() > 40 ? user.substring(0, 40) : user;
  }

  @Override
  public void close() {
    if (aws != null) {
      aws.close();
    }
  }
}
