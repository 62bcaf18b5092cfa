package io.dbrestore.runtime.metrics;

/**
 * Every metric a job emits, in namespace {@value RunMetrics#NAMESPACE}, with its CloudWatch unit.
 * The names are a contract: dashboards and alarms (Terraform, Datadog) are built on them, and
 * docs/metrics.md lists them; rename none.
 */
public enum Metric {
  /** The run's duration, success or failure. Set by the runtime. */
  RUN_SECONDS("RunSeconds", "Seconds", true),
  /** The run's exit code (io.dbrestore.runtime.ExitCode). Set by the runtime. */
  EXIT_CODE("ExitCode", "None", true),
  /** 1 when the run exited 0, else 0. Set by the runtime. */
  SUCCEEDED("Succeeded", "Count", true),
  /** One step's duration, with the Step dimension. Set by the runtime. */
  STEP_SECONDS("StepSeconds", "Seconds", true),
  /** Documents (MongoDB) or rows (SQL) the masking changed. */
  MASKED_ITEMS("MaskedItems", "Count", false),
  /** Masked documents or rows per second of the masking phase. */
  MASKED_ITEMS_PER_SECOND("MaskedItemsPerSecond", "Count/Second", false),
  /** The masking phase's duration. */
  MASKING_SECONDS("MaskingSeconds", "Seconds", false),
  /** 1 when the verification ran and passed, 0 when it ran and failed. */
  VERIFICATION_PASSED("VerificationPassed", "Count", false),
  /** How old the snapshot a restore used was when the restore began. */
  SNAPSHOT_AGE_SECONDS("SnapshotAgeSeconds", "Seconds", false),
  /** The size of the data restored or masked, as far as the job knows it (a volume's size). */
  DATA_BYTES("DataBytes", "Bytes", false),
  /** 1: a development target was restored (not in a dry run). */
  REFRESHED("Refreshed", "Count", false),
  /** 1: a masked snapshot was made and shared in production (not in a dry run). */
  SNAPSHOT_PUBLISHED("SnapshotPublished", "Count", false);

  private final String metricName;
  private final String unit;
  private final boolean runtime;

  Metric(String metricName, String unit, boolean runtime) {
    this.metricName = metricName;
    this.unit = unit;
    this.runtime = runtime;
  }

  /** The CloudWatch metric name. */
  public String metricName() {
    return metricName;
  }

  /** The CloudWatch unit (a MetricDatum unit). */
  public String unit() {
    return unit;
  }

  /** Whether the runtime sets it for every run (a job cannot). */
  public boolean runtime() {
    return runtime;
  }
}
