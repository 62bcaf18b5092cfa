package io.dbrestore.runtime.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * AWS's "Specification: Embedded metric format", the independent oracle for the lines the runtime
 * writes: written from the specification, not from {@link RunMetrics}.
 *
 * <p>Source:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * (and, for dimension values, the CloudWatch API's Dimension type). The structure is the JSON
 * Schema {@code emf/cloudwatch-emf.schema.json}:
 *
 * <ul>
 *   <li>the root node has {@code _aws}, a metadata object with {@code CloudWatchMetrics} (an array
 *       of MetricDirective objects) and {@code Timestamp} ("a number representing the time stamp
 *       ... expressed as the number of milliseconds after Jan 1, 1970 00:00:00 UTC");
 *   <li>a MetricDirective has {@code Namespace}, {@code Dimensions} (an array of DimensionSet) and
 *       {@code Metrics} (an array of MetricDefinition); "A DimensionSet MUST NOT contain more than
 *       30 dimension keys"; the Metrics array "MUST NOT contain more than 100 MetricDefinition
 *       objects";
 *   <li>a MetricDefinition has a {@code Name}, and optionally a {@code Unit} ("a valid MetricDatum
 *       unit": the list in the schema) and a {@code StorageResolution} (1 or 60).
 * </ul>
 *
 * What a schema cannot say is checked by {@link #problems}:
 *
 * <ul>
 *   <li>"The LogEvent message MUST be a valid JSON object with no additional data at the beginning
 *       or end of the LogEvent message string": the line is one JSON object and nothing else (and,
 *       for the awslogs driver to make it one event, holds no line break);
 *   <li>"The root node MUST contain all Target Members defined by the references in the
 *       MetricDirective object": every dimension and metric named has a member at the root; a
 *       dimension's is a string, a metric's a number (or an array of numbers);
 *   <li>a dimension value, as CloudWatch takes it: 1 to 1024 ASCII characters, not only white
 *       space, no control characters;
 *   <li>the event fits CloudWatch Logs' limit of 256 KB per event.
 * </ul>
 */
public final class EmfSpec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA = load();

  private EmfSpec() {}

  private static JsonSchema load() {
    try (InputStream in = EmfSpec.class.getResourceAsStream("/emf/cloudwatch-emf.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
          .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with one log line as an EMF document; empty when nothing is. */
  public static List<String> problems(String line) {
    List<String> problems = new ArrayList<>();
    if (line.contains("\n") || line.contains("\r")) {
      problems.add("a line break inside the event");
    }
    if (line.getBytes(StandardCharsets.UTF_8).length > 256 * 1024) {
      problems.add("larger than a CloudWatch Logs event (256 KB)");
    }
    if (!line.startsWith("{") || !line.endsWith("}")) {
      problems.add("data before or after the JSON object");
    }
    JsonNode root;
    try {
      // Trailing tokens fail the read: the message is the object and nothing else.
      root =
          JSON.reader()
              .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(line);
    } catch (IOException e) {
      problems.add("not one JSON value: " + e.getMessage().lines().findFirst().orElse(""));
      return problems;
    }
    if (root == null || !root.isObject()) {
      problems.add("not a JSON object");
      return problems;
    }
    for (ValidationMessage m : SCHEMA.validate(root)) {
      problems.add(m.getMessage());
    }
    for (JsonNode directive : root.path("_aws").path("CloudWatchMetrics")) {
      for (JsonNode set : directive.path("Dimensions")) {
        for (JsonNode key : set) {
          JsonNode value = root.get(key.asText());
          if (value == null) {
            problems.add("dimension " + key + " has no member at the root");
          } else if (!value.isTextual()) {
            problems.add("dimension " + key + " is not a string");
          } else {
            String v = value.asText();
            if (v.isEmpty() || v.length() > 1024 || v.isBlank()) {
              problems.add("dimension " + key + " is empty, blank or longer than 1024");
            }
            if (!v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
              problems.add("dimension " + key + " is not printable ASCII");
            }
          }
        }
      }
      for (JsonNode metric : directive.path("Metrics")) {
        JsonNode value = root.get(metric.path("Name").asText());
        boolean numbers = value != null && value.isArray() && value.size() > 0;
        if (numbers) {
          for (JsonNode v : value) {
            numbers &= v.isNumber();
          }
        }
        if (value == null || !(value.isNumber() || numbers)) {
          problems.add("metric " + metric.path("Name") + " has no number at the root");
        }
      }
    }
    return problems;
  }
}
