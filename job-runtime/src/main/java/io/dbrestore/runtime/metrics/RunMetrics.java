package io.dbrestore.runtime.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's figures, and the CloudWatch Embedded Metric Format (EMF) lines they become when the run
 * ends. A job adds its figures through {@code context.metrics()} while it runs; the runtime adds
 * {@code RunSeconds}, {@code ExitCode}, {@code Succeeded} and one {@code StepSeconds} per step, and
 * writes the lines once, at the end of the run, whether it succeeded or failed (so a figure
 * recorded before a failure is still emitted). No agent and no AWS call: CloudWatch Logs extracts
 * the metrics from the log events themselves.
 *
 * <p>Only numbers are recorded; the dimensions are the job's name, the target's name and step
 * names. Never a value from a database.
 */
public final class RunMetrics {
  /** The CloudWatch namespace of every metric. */
  public static final String NAMESPACE = "dbrestore";

  /** The Target dimension of a run without a target. */
  public static final String NO_TARGET = "-";

  public static final String JOB = "Job";
  public static final String TARGET = "Target";
  public static final String STEP = "Step";

  private static final long GIB = 1L << 30;
  // A CloudWatch dimension value: 1 to 1024 ASCII characters, no control characters.
  private static final int MAX_DIMENSION_VALUE = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Metric, Double> figures =
      Collections.synchronizedMap(new EnumMap<>(Metric.class));

  /** Records a job figure; a later value of the same metric replaces the earlier one. */
  public RunMetrics put(Metric metric, double value) {
    if (metric.runtime()) {
      throw new IllegalArgumentException(metric.metricName() + " is set by the runtime");
    }
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(metric.metricName() + " must be a finite number");
    }
    figures.put(metric, value);
    return this;
  }

  /**
   * The masking phase: {@code MaskedItems}, {@code MaskingSeconds} and, when it took any time,
   * {@code MaskedItemsPerSecond}.
   */
  public RunMetrics masking(long items, double seconds) {
    put(Metric.MASKED_ITEMS, items);
    put(Metric.MASKING_SECONDS, round(Math.max(0, seconds)));
    if (seconds > 0) {
      put(Metric.MASKED_ITEMS_PER_SECOND, round(items / seconds));
    }
    return this;
  }

  /** {@code VerificationPassed}: 1 or 0. */
  public RunMetrics verification(boolean passed) {
    return put(Metric.VERIFICATION_PASSED, passed ? 1 : 0);
  }

  /**
   * {@code SnapshotAgeSeconds}: how old the snapshot taken at {@code created} is {@code now}; none
   * when its time is unknown. A clock behind the snapshot's counts as age 0.
   */
  public RunMetrics snapshotAge(Instant created, Instant now) {
    if (created != null) {
      put(Metric.SNAPSHOT_AGE_SECONDS, Math.max(0, Duration.between(created, now).toSeconds()));
    }
    return this;
  }

  /** {@code DataBytes} of a volume of {@code gib} GiB; none when the size is unknown. */
  public RunMetrics dataGiB(Integer gib) {
    if (gib != null && gib > 0) {
      put(Metric.DATA_BYTES, (double) gib * GIB);
    }
    return this;
  }

  /** {@code Refreshed} 1: a development target was restored. */
  public RunMetrics refreshed() {
    return put(Metric.REFRESHED, 1);
  }

  /** {@code SnapshotPublished} 1: a masked snapshot was made and shared. */
  public RunMetrics snapshotPublished() {
    return put(Metric.SNAPSHOT_PUBLISHED, 1);
  }

  /** The job's figures so far. */
  public Map<Metric, Double> figures() {
    Map<Metric, Double> copy = new EnumMap<>(Metric.class);
    synchronized (figures) {
      copy.putAll(figures);
    }
    return copy;
  }

  /**
   * The EMF lines of a finished run, each one JSON object without a line break: first the run's
   * line (dimension set [Job, Target]: RunSeconds, ExitCode, Succeeded and the job's figures), then
   * one line per step (dimension set [Job, Target, Step]: StepSeconds). The Step dimension needs a
   * value per line, so steps cannot share a line.
   *
   * @param target the run's target, or null ({@value #NO_TARGET})
   * @param at the metrics' timestamp
   * @param stepSeconds each step's duration, as the result's {@code stepSeconds}
   */
  public List<String> lines(
      String job,
      String target,
      Instant at,
      double runSeconds,
      int exitCode,
      Map<String, Double> stepSeconds) {
    Map<Metric, Double> run = new LinkedHashMap<>();
    run.put(Metric.RUN_SECONDS, round(runSeconds));
    run.put(Metric.EXIT_CODE, (double) exitCode);
    run.put(Metric.SUCCEEDED, exitCode == 0 ? 1.0 : 0.0);
    run.putAll(figures());
    String jobValue = dimension(job);
    String targetValue = dimension(target);
    List<String> lines = new ArrayList<>();
    lines.add(line(at, Map.of(JOB, jobValue, TARGET, targetValue), List.of(JOB, TARGET), run));
    stepSeconds.forEach(
        (step, seconds) -> {
          Map<String, String> dims = new LinkedHashMap<>();
          dims.put(JOB, jobValue);
          dims.put(TARGET, targetValue);
          dims.put(STEP, dimension(step));
          lines.add(
              line(
                  at,
                  dims,
                  List.of(JOB, TARGET, STEP),
                  Map.of(Metric.STEP_SECONDS, round(seconds))));
        });
    return lines;
  }

  private static String line(
      Instant at, Map<String, String> dims, List<String> dimensionSet, Map<Metric, Double> values) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", at.toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    ArrayNode set = directive.putArray("Dimensions").addArray();
    dimensionSet.forEach(set::add);
    ArrayNode metrics = directive.putArray("Metrics");
    for (Metric m : values.keySet()) {
      metrics.addObject().put("Name", m.metricName()).put("Unit", m.unit());
    }
    for (String d : dimensionSet) {
      root.put(d, dims.get(d));
    }
    values.forEach(
        (m, v) -> {
          if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            root.put(m.metricName(), v.longValue());
          } else {
            root.put(m.metricName(), v);
          }
        });
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A dimension value CloudWatch accepts: printable ASCII (anything else becomes {@code _}), 1 to
   * 1024 characters; {@value #NO_TARGET} for none.
   */
  static String dimension(String value) {
    if (value == null || value.isBlank()) {
      return NO_TARGET;
    }
    StringBuilder b = new StringBuilder();
    for (char c : value.strip().toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? c : '_');
    }
    return b.length() > MAX_DIMENSION_VALUE ? b.substring(0, MAX_DIMENSION_VALUE) : b.toString();
  }

  /** Tenths: the precision of the result's stepSeconds. */
  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
