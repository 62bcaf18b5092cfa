package io.dbrestore.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EMF lines of a run, against AWS's specification ({@link EmfSpec}) and the contract. */
class RunMetricsTest {
  static final Instant AT = Instant.parse("2026-12-01T05:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, Double> steps() {
    Map<String, Double> steps = new LinkedHashMap<>();
    steps.put("choose-source", 1.24);
    steps.put("restore", 1800.0);
    steps.put("mask", 0.0);
    return steps;
  }

  static RunMetrics everyFigure() {
    return new RunMetrics()
        .masking(120_000, 60)
        .verification(true)
        .snapshotAge(AT.minusSeconds(3 * 3600), AT)
        .dataGiB(200)
        .refreshed()
        .snapshotPublished();
  }

  @Test
  void everyLine_meetsTheSpecification() {
    List<String> lines = everyFigure().lines("aurora-restore", "develop", AT, 1861.26, 0, steps());

    assertThat(lines).hasSize(4);
    for (String line : lines) {
      assertThat(EmfSpec.problems(line)).as(line).isEmpty();
    }
  }

  @Test
  void runLine_carriesTheRunAndTheJobsFigures_withDimensionsJobAndTarget() throws Exception {
    JsonNode run =
        JSON.readTree(
            everyFigure().lines("aurora-restore", "develop", AT, 1861.26, 0, steps()).get(0));

    JsonNode directive = run.path("_aws").path("CloudWatchMetrics").path(0);
    assertThat(run.path("_aws").path("Timestamp").asLong()).isEqualTo(AT.toEpochMilli());
    assertThat(directive.path("Namespace").asText()).isEqualTo("dbrestore");
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Job\",\"Target\"]]");
    assertThat(run.path("Job").asText()).isEqualTo("aurora-restore");
    assertThat(run.path("Target").asText()).isEqualTo("develop");
    assertThat(run.path("RunSeconds").asDouble()).isEqualTo(1861.3);
    assertThat(run.path("ExitCode").asInt()).isZero();
    assertThat(run.path("Succeeded").asInt()).isEqualTo(1);
    assertThat(run.path("MaskedItems").asLong()).isEqualTo(120_000);
    assertThat(run.path("MaskingSeconds").asDouble()).isEqualTo(60);
    assertThat(run.path("MaskedItemsPerSecond").asDouble()).isEqualTo(2000);
    assertThat(run.path("VerificationPassed").asInt()).isEqualTo(1);
    assertThat(run.path("SnapshotAgeSeconds").asLong()).isEqualTo(10_800);
    assertThat(run.path("DataBytes").asLong()).isEqualTo(200L * 1024 * 1024 * 1024);
    assertThat(run.path("Refreshed").asInt()).isEqualTo(1);
    assertThat(run.path("SnapshotPublished").asInt()).isEqualTo(1);
    Map<String, String> units = new LinkedHashMap<>();
    directive
        .path("Metrics")
        .forEach(m -> units.put(m.path("Name").asText(), m.path("Unit").asText()));
    assertThat(units)
        .containsEntry("RunSeconds", "Seconds")
        .containsEntry("ExitCode", "None")
        .containsEntry("Succeeded", "Count")
        .containsEntry("MaskedItemsPerSecond", "Count/Second")
        .containsEntry("DataBytes", "Bytes")
        .doesNotContainKey("StepSeconds");
  }

  @Test
  void oneStepLinePerStep_withDimensionsJobTargetStep() throws Exception {
    List<String> lines = new RunMetrics().lines("mongo-restore", null, AT, 5, 3, steps());

    JsonNode run = JSON.readTree(lines.get(0));
    assertThat(run.path("Target").asText()).isEqualTo("-");
    assertThat(run.path("Succeeded").asInt()).isZero();
    assertThat(run.path("ExitCode").asInt()).isEqualTo(3);
    JsonNode restore = JSON.readTree(lines.get(2));
    assertThat(restore.path("_aws").path("CloudWatchMetrics").path(0).path("Dimensions").toString())
        .isEqualTo("[[\"Job\",\"Target\",\"Step\"]]");
    assertThat(restore.path("Step").asText()).isEqualTo("restore");
    assertThat(restore.path("StepSeconds").asDouble()).isEqualTo(1800);
    assertThat(restore.path("Target").asText()).isEqualTo("-");
    assertThat(JSON.readTree(lines.get(1)).path("StepSeconds").asDouble()).isEqualTo(1.2);
    assertThat(restore.has("RunSeconds")).isFalse();
  }

  @Test
  void aTargetCloudWatchWouldRefuse_isMadeAValidDimension() {
    List<String> lines =
        new RunMetrics()
            .lines("atlas-restore", "dévelop\tedge" + "x".repeat(2000), AT, 1, 0, Map.of());

    assertThat(EmfSpec.problems(lines.get(0))).isEmpty();
    assertThat(lines.get(0)).contains("\"Target\":\"d_velop_edge");
  }

  @Test
  void theOracleFailsWhatBreaksTheSpecification() {
    String good = new RunMetrics().lines("j", "t", AT, 1, 0, Map.of()).get(0);
    assertThat(EmfSpec.problems(good)).isEmpty();

    assertThat(EmfSpec.problems(good.replace("\"Unit\":\"Seconds\"", "\"Unit\":\"Secs\"")))
        .isNotEmpty();
    assertThat(EmfSpec.problems(good.replace("\"Timestamp\":", "\"Time\":"))).isNotEmpty();
    assertThat(EmfSpec.problems(good.replace("\"Target\":\"t\"", "\"Tgt\":\"t\""))).isNotEmpty();
    assertThat(EmfSpec.problems(good.replace("\"ExitCode\":0", "\"ExitCode\":\"0\""))).isNotEmpty();
    assertThat(EmfSpec.problems("INFO " + good)).isNotEmpty();
    assertThat(EmfSpec.problems(good + " {}")).isNotEmpty();
    String[] dims = new String[31];
    Arrays.setAll(dims, i -> "\"D" + i + "\"");
    assertThat(
            EmfSpec.problems(
                good.replace("[\"Job\",\"Target\"]", "[" + String.join(",", dims) + "]")))
        .isNotEmpty();
  }

  @Test
  void theRuntimesMetrics_cannotBeSetByAJob() {
    assertThatThrownBy(() -> new RunMetrics().put(Metric.EXIT_CODE, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RunMetrics().put(Metric.MASKED_ITEMS, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownFigures_areLeftOut() {
    String line =
        new RunMetrics()
            .snapshotAge(null, AT)
            .dataGiB(null)
            .masking(0, 0)
            .lines("j", "t", AT, 1, 0, Map.of())
            .get(0);

    assertThat(line)
        .doesNotContain("SnapshotAgeSeconds", "DataBytes", "MaskedItemsPerSecond")
        .contains("\"MaskedItems\":0");
  }

  /** The names and units dashboards and alarms are built on (docs/metrics.md): rename none. */
  @Test
  void theContract() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("RunSeconds", "Seconds");
    expected.put("ExitCode", "None");
    expected.put("Succeeded", "Count");
    expected.put("StepSeconds", "Seconds");
    expected.put("MaskedItems", "Count");
    expected.put("MaskedItemsPerSecond", "Count/Second");
    expected.put("MaskingSeconds", "Seconds");
    expected.put("VerificationPassed", "Count");
    expected.put("SnapshotAgeSeconds", "Seconds");
    expected.put("DataBytes", "Bytes");
    expected.put("Refreshed", "Count");
    expected.put("SnapshotPublished", "Count");
    Map<String, String> actual = new LinkedHashMap<>();
    for (Metric m : Metric.values()) {
      actual.put(m.metricName(), m.unit());
    }
    assertThat(actual).containsExactlyEntriesOf(expected);
    assertThat(RunMetrics.NAMESPACE).isEqualTo("dbrestore");
  }
}
