package io.dbrestore.operator;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * An operator command. Not a job: no task token, heartbeat or deadline; it runs on a laptop, calls
 * AWS with the operator's credentials and returns an exit code ({@link
 * io.dbrestore.runtime.ExitCode}). Failures are thrown as {@link
 * io.dbrestore.runtime.error.JobException} and become one line on stderr in {@link OperatorMain}.
 */
abstract class OperatorCommand implements Callable<Integer> {
  @Mixin OperatorOptions options = new OperatorOptions();

  private Session session;

  void session(Session value) {
    this.session = value;
  }

  /** Does the work; returns the exit code. */
  protected abstract int execute(Session session) throws Exception;

  @Override
  public final Integer call() throws Exception {
    if (session == null) {
      throw new IllegalStateException("operator commands run through OperatorMain");
    }
    return execute(session);
  }
}
