package io.dbrestore.runtime.lifecycle;

import io.dbrestore.runtime.lifecycle.Cancellation.Reason;
import io.dbrestore.runtime.log.Redactor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The Step Functions side of a task started with {@code .waitForTaskToken}: heartbeats on a timer,
 * and task success or failure at the end.
 *
 * <p>When a heartbeat is answered with "task timed out", "task does not exist" or "invalid token",
 * nobody waits for this task any more (the execution was stopped or timed out): the run is
 * cancelled and exits 6. Other heartbeat errors (network, throttling past the SDK's retries) are
 * logged and the next heartbeat tries again — until none has reached Step Functions for the state's
 * {@code HeartbeatSeconds}: the state has then timed out, and its retry may already run a second
 * copy of the job, so this one cancels itself (exit 6) rather than work on the same run.
 */
public final class TaskToken implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskToken.class);
  private static final int MAX_ERROR = 256;
  private static final int MAX_CAUSE = 32_768;

  private final SfnClient sfn;
  private final String token;
  private final Cancellation cancellation;
  private final ScheduledExecutorService timer;
  private final Duration stateTimeout;
  private volatile boolean gone;
  private volatile long lastDelivered = System.nanoTime();

  private TaskToken(SfnClient sfn, String token, Cancellation cancellation, Duration stateTimeout) {
    this.sfn = sfn;
    this.token = token;
    this.cancellation = cancellation;
    this.stateTimeout = stateTimeout;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sfn-heartbeat");
              t.setDaemon(true);
              return t;
            });
    Redactor.registerSecret(token);
  }

  /** Only for reporting the end of a task that never got as far as heartbeats. */
  public static TaskToken withoutHeartbeats(SfnClient sfn, String token) {
    return new TaskToken(sfn, token, new Cancellation(), null);
  }

  /**
   * Sends the first heartbeat now, on the calling thread (so a run whose execution is already gone
   * cancels before doing any work), then every {@code interval}.
   *
   * @param stateTimeout the state's HeartbeatSeconds, or null when unknown: heartbeats failing for
   *     longer cancel the run
   */
  public static TaskToken start(
      SfnClient sfn,
      String token,
      Duration interval,
      Duration stateTimeout,
      Cancellation cancellation,
      Map<String, String> mdc) {
    TaskToken t = new TaskToken(sfn, token, cancellation, stateTimeout);
    t.heartbeat();
    t.timer.scheduleWithFixedDelay(
        () -> {
          MDC.setContextMap(mdc);
          t.heartbeat();
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return t;
  }

  void heartbeat() {
    if (gone) {
      return;
    }
    try {
      sfn.sendTaskHeartbeat(r -> r.taskToken(token));
      lastDelivered = System.nanoTime();
      LOG.debug("heartbeat sent");
    } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
      gone = true;
      String code =
          e.awsErrorDetails() == null
              ? e.getClass().getSimpleName()
              : e.awsErrorDetails().errorCode();
      LOG.warn("Step Functions no longer waits for this task ({}): cancelling", code);
      cancellation.cancel(
          Reason.EXECUTION_STOPPED,
          "Step Functions answered the heartbeat with "
              + code
              + ": the execution was stopped or timed out");
    } catch (RuntimeException e) {
      Duration silent = Duration.ofNanos(System.nanoTime() - lastDelivered);
      if (stateTimeout != null && silent.compareTo(stateTimeout) >= 0) {
        gone = true;
        LOG.warn("heartbeat failed: {}", Redactor.redact(e.toString()));
        cancellation.cancel(
            Reason.EXECUTION_STOPPED,
            "no heartbeat reached Step Functions for "
                + silent.toSeconds()
                + " s, not less than the state's HeartbeatSeconds ("
                + stateTimeout.toSeconds()
                + " s): the state has timed out and its retry may be running a second copy of"
                + " this job; stopping so that two copies never work on the same run (check the"
                + " task's network path to Step Functions)");
        return;
      }
      LOG.warn("heartbeat failed, will try again: {}", Redactor.redact(e.toString()));
    }
  }

  /** Whether Step Functions said it no longer waits for this task. */
  public boolean gone() {
    return gone;
  }

  public void succeed(String outputJson) {
    stopHeartbeats();
    if (gone) {
      return;
    }
    sfn.sendTaskSuccess(r -> r.taskToken(token).output(outputJson));
    LOG.info("reported success to Step Functions");
  }

  public void fail(String error, String cause) {
    stopHeartbeats();
    if (gone) {
      LOG.info("not reporting failure: Step Functions no longer waits for this task");
      return;
    }
    sfn.sendTaskFailure(
        r ->
            r.taskToken(token).error(truncate(error, MAX_ERROR)).cause(truncate(cause, MAX_CAUSE)));
    LOG.info("reported failure {} to Step Functions", error);
  }

  private void stopHeartbeats() {
    timer.shutdownNow();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  @Override
  public void close() {
    stopHeartbeats();
  }
}
