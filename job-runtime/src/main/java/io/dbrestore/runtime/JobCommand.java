package io.dbrestore.runtime;

import io.dbrestore.runtime.cli.CommonOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A job's command: picocli parses its options, the runtime runs {@link #execute} with logging,
 * error reporting, task-token handling, cancellation and the job's deadline around it.
 */
public abstract class JobCommand implements Callable<Integer> {
  @Mixin public CommonOptions common = new CommonOptions();

  /**
   * The workflow. Returns the step's result (a record or map: ids, counts, durations), which
   * becomes the JSON on stdout and the Step Functions task output. Throws {@link
   * io.dbrestore.runtime.error.JobException} for failures it understands.
   */
  protected abstract Object execute(JobContext context) throws Exception;

  /** How long this command may run when {@code --timeout} is not given. */
  protected Duration defaultTimeout() {
    return Duration.ofHours(6);
  }

  /**
   * Whether a run of this command ends with the job's CloudWatch metrics (docs/metrics.md): the
   * pipeline's commands do; a tool a person runs against a database they reach (mask, preflight)
   * does not, so that its runs never count as the job's.
   */
  protected boolean emitsMetrics() {
    return true;
  }

  @Override
  public final Integer call() {
    throw new IllegalStateException(
        "job commands run through JobMain, which sets up the runtime around them");
  }
}
