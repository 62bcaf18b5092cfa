package io.dbrestore.runtime.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The one place AWS clients are made: one client per service per process, reused and closed at the
 * end, over one shared HTTP connection pool.
 *
 * <p>Credentials and region come from the SDK's default chains. Endpoints are never set here: the
 * SDK's own {@code AWS_ENDPOINT_URL_<SERVICE>} variables (and {@code aws.endpointUrl<Service>}
 * system properties) point clients at emulators or test servers. Retries use the standard mode with
 * more attempts than the default, since throttling is routine at night when many jobs call the
 * control plane at once; every call and every attempt has a timeout.
 */
public final class AwsClients implements AutoCloseable {
  /** Retry and timeout settings. */
  public record Settings(int maxAttempts, Duration apiCallTimeout, Duration attemptTimeout) {
    /** Control-plane calls (STS, Secrets Manager, Step Functions, and the jobs' services). */
    public static final Settings CONTROL_PLANE =
        new Settings(10, Duration.ofMinutes(3), Duration.ofSeconds(30));
  }

  private final Settings settings;
  private final boolean dryRun;
  private final boolean preflight;
  private final SdkHttpClient http;
  private final Map<Class<?>, SdkClient> clients = new ConcurrentHashMap<>();
  private final List<SdkClient> order = new ArrayList<>();

  public AwsClients(Settings settings, boolean dryRun) {
    this(settings, dryRun, false);
  }

  /**
   * Clients for {@code preflight}, which change nothing: every client, Step Functions included,
   * lets through only calls that read, {@code iam:Simulate*} and requests with {@code DryRun=true}.
   */
  public static AwsClients preflight(Settings settings) {
    return new AwsClients(settings, false, true);
  }

  private AwsClients(Settings settings, boolean dryRun, boolean preflight) {
    this.settings = settings;
    this.dryRun = dryRun;
    this.preflight = preflight;
    this.http =
        ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(settings.attemptTimeout())
            .maxConnections(64)
            .build();
  }

  public boolean dryRun() {
    return dryRun;
  }

  public StsClient sts() {
    return client(StsClient.class, StsClient::builder, true);
  }

  public SecretsManagerClient secretsManager() {
    return client(SecretsManagerClient.class, SecretsManagerClient::builder, true);
  }

  /**
   * Step Functions is the runtime's own channel (heartbeats, task success and failure): dry runs
   * still report to it, so it is not subject to the dry-run stop.
   */
  public SfnClient stepFunctions() {
    return client(SfnClient.class, SfnClient::builder, false);
  }

  /**
   * The client of a service a job calls (EC2, RDS, …), configured like every other: jobs name their
   * own services, so that each job's jar carries only the SDKs it calls.
   */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient>
      C client(Class<C> type, Supplier<B> builder) {
    return client(type, builder, true);
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient>
      C client(Class<C> type, Supplier<B> builder, boolean guardDryRun) {
    return type.cast(
        clients.computeIfAbsent(
            type,
            t -> {
              B b = builder.get();
              b.httpClient(http);
              b.overrideConfiguration(overrides(guardDryRun && dryRun));
              C client = b.build();
              synchronized (order) {
                order.add(client);
              }
              return client;
            }));
  }

  ClientOverrideConfiguration overrides(boolean stopMutations) {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .build())
        .apiCallTimeout(settings.apiCallTimeout())
        .apiCallAttemptTimeout(settings.attemptTimeout())
        .addExecutionInterceptor(
            preflight
                ? new CallInterceptor(CallInterceptor.Mode.PREFLIGHT)
                : new CallInterceptor(stopMutations))
        .build();
  }

  @Override
  public void close() {
    synchronized (order) {
      for (SdkClient client : order) {
        try {
          client.close();
        } catch (RuntimeException e) {
          // Closing is best effort at the end of a run.
        }
      }
      order.clear();
    }
    clients.clear();
    http.close();
  }
}
