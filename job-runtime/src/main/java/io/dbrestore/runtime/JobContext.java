package io.dbrestore.runtime;

import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.aws.Secrets;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.GuardPolicy;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.lifecycle.Cleanup;
import io.dbrestore.runtime.metrics.RunMetrics;
import io.dbrestore.runtime.report.RunContext;
import io.dbrestore.runtime.wait.Waiter;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * What a job's workflow gets from the runtime: AWS clients, the safety guard, waiting,
 * cancellation, the run's context for logs and reports, and where to print its plan.
 */
public final class JobContext {
  private final RunContext run;
  private final Map<String, String> env;
  private final PrintWriter out;
  private final boolean dryRun;
  private final Instant deadline;
  private final Clock clock;
  private final Cancellation cancellation;
  private final Supplier<AwsClients> aws;
  private final GuardPolicy guardPolicy;
  private final RunMetrics metrics;
  private volatile String account;
  private volatile SafetyGuard guard;
  private volatile String runId;

  JobContext(
      RunContext run,
      Map<String, String> env,
      PrintWriter out,
      boolean dryRun,
      Instant deadline,
      Clock clock,
      Cancellation cancellation,
      Supplier<AwsClients> aws,
      GuardPolicy guardPolicy,
      RunMetrics metrics) {
    this.run = run;
    this.env = env;
    this.out = out;
    this.dryRun = dryRun;
    this.deadline = deadline;
    this.clock = clock;
    this.cancellation = cancellation;
    this.aws = aws;
    this.guardPolicy = guardPolicy;
    this.metrics = metrics;
  }

  public RunContext run() {
    return run;
  }

  /** Enters a named step; logs and error reports name it. */
  public void step(String name) {
    cancellation.throwIfCancelled();
    run.step(name);
  }

  /**
   * The run's figures for CloudWatch (docs/metrics.md): what a job records here is emitted with the
   * run's own metrics when the run ends, even if it then fails. Numbers only.
   */
  public RunMetrics metrics() {
    return metrics;
  }

  /** Records an AWS resource in play, for error reports. */
  public void resource(String role, String id) {
    run.resource(role, id);
  }

  /**
   * This run's id, for naming and tagging what it creates so that a re-run of the same execution
   * finds and adopts it: the Step Functions execution name (from {@code DBRESTORE_EXECUTION_ARN}),
   * otherwise {@code local-<UTC timestamp>} fixed for the life of this process. Lower case letters,
   * digits and single hyphens only, at most 40 characters, so it fits into AWS identifiers.
   */
  public String runId() {
    String id = runId;
    if (id == null) {
      String arn = env.get("DBRESTORE_EXECUTION_ARN");
      if (arn != null && !arn.isBlank()) {
        id = sanitizeRunId(arn.substring(arn.lastIndexOf(':') + 1));
      }
      if (id == null || id.isEmpty()) {
        id =
            "local-"
                + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(java.time.ZoneOffset.UTC)
                    .format(clock.instant());
      }
      runId = id;
    }
    return id;
  }

  /** Lower case, runs of anything but letters and digits become one hyphen, at most 40 chars. */
  public static String sanitizeRunId(String raw) {
    String s = raw.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    s = s.replaceAll("^-+", "");
    if (s.length() > 40) {
      s = s.substring(0, 40);
    }
    return s.replaceAll("-+$", "");
  }

  public Map<String, String> env() {
    return env;
  }

  /** Where the dry-run plan and human-facing output go (stdout). */
  public PrintWriter out() {
    return out;
  }

  public boolean dryRun() {
    return dryRun;
  }

  public Instant deadline() {
    return deadline;
  }

  public Clock clock() {
    return clock;
  }

  public Cancellation cancellation() {
    return cancellation;
  }

  public AwsClients aws() {
    return aws.get();
  }

  public Secrets secrets() {
    return new Secrets(aws().secretsManager());
  }

  /**
   * Work after a failure or cancellation that the run's cancellation must not stop: its waits get
   * {@code budget}, cut to fit the runtime's grace period when the run was cancelled.
   */
  public Cleanup cleanup(java.time.Duration budget) {
    return Cleanup.start(cancellation, clock, JobMain.cancelGrace(env), budget);
  }

  /** The one way to wait: bounded by this wait's timeout and the job's deadline. */
  public Waiter waiter() {
    return new Waiter(cancellation, clock, deadline);
  }

  public GuardPolicy guardPolicy() {
    return guardPolicy;
  }

  /** The safety guard, which every destructive AWS call goes through. */
  public SafetyGuard guard() {
    SafetyGuard g = guard;
    if (g == null) {
      g = new SafetyGuard(guardPolicy, this::callerAccount, dryRun, out);
      guard = g;
    }
    return g;
  }

  /**
   * The guard for a workflow that runs against a dry-run overlay of its port: in a dry run the
   * overlay prints and simulates each change, so this guard checks and lets the (simulated) call
   * through; in a real run it is {@link #guard()}.
   */
  public SafetyGuard guardForPort() {
    return dryRun ? new SafetyGuard(guardPolicy, this::callerAccount, false, out) : guard();
  }

  /** For tests that run without STS: the account the guard sees. */
  void fixCallerAccount(String value) {
    account = value;
  }

  /** The AWS account this job runs in, from STS (once per run). */
  public String callerAccount() {
    String a = account;
    if (a == null) {
      try {
        a = aws().sts().getCallerIdentity().account();
      } catch (AwsServiceException e) {
        throw new JobException(
            ExitCode.FAULT,
            "sts-unavailable",
            "cannot tell which AWS account this is (sts:GetCallerIdentity failed: "
                + (e.awsErrorDetails() == null
                    ? "HTTP " + e.statusCode()
                    : e.awsErrorDetails().errorCode())
                + "); the safety guard refuses to act blind: grant the task role"
                + " sts:GetCallerIdentity or check the network",
            e);
      }
      account = a;
    }
    return a;
  }
}
