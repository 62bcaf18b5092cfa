package io.dbrestore.runtime.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the ECS task metadata endpoint v4 says about this task: its ARN and where its logs go,
 * turned into a link to the CloudWatch log stream so that a failure in Sentry or in the Step
 * Functions console leads straight to the logs. Empty outside ECS.
 */
public record TaskMetadata(
    Optional<String> taskArn,
    Optional<String> logGroup,
    Optional<String> logStream,
    Optional<String> region) {
  private static final Logger LOG = LoggerFactory.getLogger(TaskMetadata.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String ENDPOINT_VARIABLE = "ECS_CONTAINER_METADATA_URI_V4";

  public static TaskMetadata none() {
    return new TaskMetadata(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Reads the endpoint named by {@value #ENDPOINT_VARIABLE}; empty on any failure. */
  public static TaskMetadata read(Map<String, String> env) {
    String base = env.get(ENDPOINT_VARIABLE);
    if (base == null || base.isBlank()) {
      return none();
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      JsonNode container = get(http, base);
      JsonNode task = get(http, base + "/task");
      JsonNode options = container.path("LogOptions");
      return new TaskMetadata(
          text(task, "TaskARN"),
          text(options, "awslogs-group"),
          text(options, "awslogs-stream"),
          text(options, "awslogs-region"));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn(
          "cannot read the ECS task metadata endpoint ({}); reports will lack the log link",
          e.toString());
      return none();
    }
  }

  private static JsonNode get(HttpClient http, String uri) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(3)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + " from " + uri);
    }
    return JSON.readTree(response.body());
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.asText().isBlank()
        ? Optional.empty()
        : Optional.of(v.asText());
  }

  /** A link to the task's log stream in the CloudWatch console. */
  public Optional<String> logLink() {
    if (logGroup.isEmpty() || logStream.isEmpty() || region.isEmpty()) {
      return Optional.empty();
    }
    String r = region.get();
    return Optional.of(
        "https://"
            + r
            + ".console.aws.amazon.com/cloudwatch/home?region="
            + r
            + "#logsV2:log-groups/log-group/"
            + consoleEscape(logGroup.get())
            + "/log-events/"
            + consoleEscape(logStream.get()));
  }

  /**
   * The CloudWatch console's fragment encoding: URL-encode twice, then write {@code %} as {@code
   * $}, so {@code /} becomes {@code $252F}.
   */
  static String consoleEscape(String value) {
    String once = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    String twice = URLEncoder.encode(once, StandardCharsets.UTF_8);
    return twice.replace("%", "$");
  }
}
