package io.dbrestore.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's EMF lines, read for assertions: the run's line (dimension set [Job, Target]) and the step
 * lines ([Job, Target, Step]). Reading checks what every line must be: one JSON object, namespace
 * dbrestore, each declared metric a number and each dimension a string at the root.
 */
public final class Emf {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<JsonNode> lines;

  private Emf(List<JsonNode> lines) {
    this.lines = lines;
  }

  /** Text of one EMF object per line. */
  public static Emf parse(String text) {
    return parse(text.isEmpty() ? List.of() : List.of(text.split("\\R")));
  }

  public static Emf parse(List<String> text) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text) {
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new AssertionError("not a JSON object: " + line, e);
      }
      assertThat(node.isObject()).as(line).isTrue();
      JsonNode directive = node.path("_aws").path("CloudWatchMetrics").path(0);
      assertThat(directive.path("Namespace").asText()).as(line).isEqualTo("dbrestore");
      for (JsonNode d : directive.path("Dimensions").path(0)) {
        assertThat(node.path(d.asText()).isTextual()).as(d + " in " + line).isTrue();
      }
      for (JsonNode m : directive.path("Metrics")) {
        assertThat(node.path(m.path("Name").asText()).isNumber()).as(m + " in " + line).isTrue();
      }
      lines.add(node);
    }
    return new Emf(lines);
  }

  public List<JsonNode> lines() {
    return lines;
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  /** The run's line: exactly one. */
  public JsonNode run() {
    List<JsonNode> runs = lines.stream().filter(l -> !l.has("Step")).toList();
    assertThat(runs).as("run lines in %s", lines).hasSize(1);
    return runs.get(0);
  }

  /** A metric of the run's line; fails when it is absent. */
  public double value(String metric) {
    JsonNode v = run().get(metric);
    assertThat(v).as("%s in %s", metric, run()).isNotNull();
    return v.asDouble();
  }

  public boolean has(String metric) {
    return run().has(metric);
  }

  /** The metric names the run's line declares. */
  public List<String> declared() {
    List<String> names = new ArrayList<>();
    run()
        .path("_aws")
        .path("CloudWatchMetrics")
        .path(0)
        .path("Metrics")
        .forEach(m -> names.add(m.path("Name").asText()));
    return names;
  }

  /** The run's Job and Target. */
  public String dimension(String name) {
    return run().path(name).asText();
  }

  /** StepSeconds by Step, in order. */
  public Map<String, Double> steps() {
    Map<String, Double> steps = new LinkedHashMap<>();
    for (JsonNode l : lines) {
      if (l.has("Step")) {
        steps.put(l.get("Step").asText(), l.get("StepSeconds").asDouble());
      }
    }
    return steps;
  }
}
