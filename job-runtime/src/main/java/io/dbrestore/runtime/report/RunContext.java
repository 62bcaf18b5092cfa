package io.dbrestore.runtime.report;

import io.dbrestore.runtime.log.LogFields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * What is known about the run right now: job, target, step, execution and the AWS resources in
 * play. Log lines carry the first four (through the MDC); error reports carry all of it.
 */
public final class RunContext {
  private final String job;
  private volatile String target;
  private volatile String step = "start";
  private final String execution;
  private final Map<String, String> resources = Collections.synchronizedMap(new LinkedHashMap<>());
  private volatile TaskMetadata task = TaskMetadata.none();
  private final Map<String, Long> stepMillis = Collections.synchronizedMap(new LinkedHashMap<>());
  private volatile long stepStarted = System.nanoTime();

  public RunContext(String job, String target, String execution) {
    this.job = job;
    this.target = target;
    this.execution = execution;
    MDC.put(LogFields.JOB, job);
    if (target != null) {
      MDC.put(LogFields.TARGET, target);
    }
    if (execution != null) {
      MDC.put(LogFields.EXECUTION, execution);
    }
    MDC.put(LogFields.STEP, step);
  }

  public String job() {
    return job;
  }

  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  public void target(String value) {
    this.target = value;
    MDC.put(LogFields.TARGET, value);
  }

  public String step() {
    return step;
  }

  /** Enters a step: log lines and error reports from now on name it. */
  public void step(String value) {
    long now = System.nanoTime();
    stepMillis.merge(step, (now - stepStarted) / 1_000_000, Long::sum);
    stepStarted = now;
    this.step = value;
    MDC.put(LogFields.STEP, value);
  }

  /**
   * How long each step has taken so far, in entry order, in seconds (rounded to 0.1 s); the step in
   * progress counts up to now. A step entered twice adds up.
   */
  public Map<String, Double> stepSeconds() {
    Map<String, Double> result = new LinkedHashMap<>();
    synchronized (stepMillis) {
      stepMillis.forEach((k, v) -> result.put(k, v / 100 / 10.0));
    }
    long current = (System.nanoTime() - stepStarted) / 1_000_000;
    result.merge(step, current / 100 / 10.0, (a, b) -> Math.round((a + b) * 10) / 10.0);
    result.remove("start");
    return result;
  }

  public Optional<String> execution() {
    return Optional.ofNullable(execution);
  }

  /** Records an AWS resource in play ("cluster" → "dev-app"), for error reports. */
  public void resource(String role, String id) {
    resources.put(role, id);
  }

  public Map<String, String> resources() {
    synchronized (resources) {
      return Map.copyOf(resources);
    }
  }

  public TaskMetadata task() {
    return task;
  }

  public void task(TaskMetadata value) {
    this.task = value;
  }

  /** Copies the MDC fields onto another thread (workers, heartbeats). */
  public Map<String, String> mdc() {
    Map<String, String> copy = MDC.getCopyOfContextMap();
    return copy == null ? Map.of() : copy;
  }

  public static void clearMdc() {
    MDC.clear();
  }
}
