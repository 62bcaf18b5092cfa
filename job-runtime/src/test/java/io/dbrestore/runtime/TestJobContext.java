package io.dbrestore.runtime;

import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.guard.GuardPolicy;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.metrics.RunMetrics;
import io.dbrestore.runtime.report.RunContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Builds a {@link JobContext} for workflow tests that drive a job's steps directly (against a fake
 * port) instead of through the command line. The caller account is fixed, so the safety guard needs
 * no STS; AWS clients are only built if a test asks for them.
 */
public final class TestJobContext {
  private final Map<String, String> env = new HashMap<>();
  private final StringWriter plan = new StringWriter();
  private boolean dryRun;
  private Clock clock = Clock.systemUTC();
  private Duration timeout = Duration.ofMinutes(5);
  private Cancellation cancellation = new Cancellation();
  private Supplier<AwsClients> aws =
      () -> {
        throw new IllegalStateException("this test context has no AWS clients");
      };
  private Pattern allowlist = Pattern.compile(".*");
  private Map<String, java.util.Set<io.dbrestore.runtime.guard.Operation>> protectedAccounts =
      Map.of();
  private String account = "111111111111";
  private String job = "test-job";

  public static TestJobContext builder() {
    return new TestJobContext();
  }

  public TestJobContext job(String value) {
    job = value;
    return this;
  }

  public TestJobContext env(String key, String value) {
    env.put(key, value);
    return this;
  }

  public TestJobContext dryRun(boolean value) {
    dryRun = value;
    return this;
  }

  public TestJobContext clock(Clock value) {
    clock = value;
    return this;
  }

  public TestJobContext timeout(Duration value) {
    timeout = value;
    return this;
  }

  public TestJobContext cancellation(Cancellation value) {
    cancellation = value;
    return this;
  }

  public TestJobContext aws(Supplier<AwsClients> value) {
    aws = value;
    return this;
  }

  /** The target allowlist; {@code null} means none configured (destructive calls refused). */
  public TestJobContext allowlist(String regex) {
    allowlist = regex == null ? null : Pattern.compile(regex);
    return this;
  }

  /** e.g. {@code "111111111111"} or {@code "111111111111:delete,stop"}. */
  public TestJobContext protectedAccount(String spec) {
    protectedAccounts = GuardPolicy.parseProtectedAccounts(java.util.List.of(spec));
    return this;
  }

  public TestJobContext account(String value) {
    account = value;
    return this;
  }

  /** What the context printed to stdout (the dry-run plan) so far. */
  public String printed() {
    return plan.toString();
  }

  public JobContext build() {
    JobContext context =
        new JobContext(
            new RunContext(job, env.get("DBRESTORE_TARGET"), null),
            Map.copyOf(env),
            new PrintWriter(plan, true),
            dryRun,
            clock.instant().plus(timeout),
            clock,
            cancellation,
            aws,
            new GuardPolicy(allowlist, protectedAccounts),
            new RunMetrics());
    context.fixCallerAccount(account);
    return context;
  }

  /**
   * The EMF lines the runtime would write at the end of a workflow run in {@code context} that
   * ended with {@code failure} (null: it succeeded), exit code classified as the runtime does; as
   * {@code JobSession} writes them, but with RunSeconds 0 (the test clock decides no duration).
   */
  public static java.util.List<String> emfLines(JobContext context, Throwable failure) {
    int code =
        failure == null
            ? ExitCode.DONE.code()
            : Failure.classify(failure, context.cancellation()).code().code();
    RunMetrics metrics = context.metrics();
    if (code == ExitCode.VERIFICATION_FAILED.code()
        && !metrics
            .figures()
            .containsKey(io.dbrestore.runtime.metrics.Metric.VERIFICATION_PASSED)) {
      metrics.verification(false);
    }
    return metrics.lines(
        context.run().job(),
        context.run().target().orElse(null),
        context.clock().instant(),
        0,
        code,
        context.run().stepSeconds());
  }
}
