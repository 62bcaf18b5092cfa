package io.dbrestore.mongo.restore;

import io.dbrestore.mongo.ec2.Ec2Port;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.mongo.ec2.Ec2Steps;
import io.dbrestore.mongo.ec2.MongodSteps;
import io.dbrestore.mongo.ec2.Timeouts;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cleanup;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the restore does when anything fails after the instance was stopped: the development
 * environment goes back to yesterday's data on its previous volume, and the run ends with the
 * original reason (plus what was, or could not be, put back).
 */
final class Rollback {
  private static final Logger LOG = LoggerFactory.getLogger(Rollback.class);

  private final JobContext context;
  private final Ec2Port ec2;
  private final Ec2Steps steps;
  private final MongodSteps mongod;
  private final Timeouts timeouts;
  private final Request request;

  Rollback(
      JobContext context,
      Ec2Port ec2,
      Ec2Steps steps,
      MongodSteps mongod,
      Timeouts timeouts,
      Request request) {
    this.context = context;
    this.ec2 = ec2;
    this.steps = steps;
    this.mongod = mongod;
    this.timeouts = timeouts;
    this.request = request;
  }

  /**
   * Puts the instance back on its old volume: stop, detach the new volume, attach the old one,
   * start. After cancellation it gets a short budget (the runtime exits soon); what it could not
   * finish is in the message. Returns the exception the run ends with.
   */
  JobException after(
      RuntimeException cause, String instanceId, Optional<String> old, String newVolume) {
    JobException reason =
        cause instanceof JobException je
            ? je
            : new JobException(ExitCode.FAULT, "fault", String.valueOf(cause.getMessage()), cause);
    if (old.isEmpty()) {
      return new JobException(
          reason.exitCode(),
          reason.kind(),
          reason.getMessage() + "; there was no previous volume to go back to",
          cause);
    }
    boolean cancelled = context.cancellation().isCancelled();
    Cleanup cleanup = context.cleanup(timeouts.instance().multipliedBy(3));
    Ec2Steps back = steps.forRollback(cleanup);
    LOG.warn(
        "rolling back: putting {} back under {} ({})", old.get(), instanceId, reason.getMessage());
    try {
      cleanup.call(() -> putBack(back, instanceId, old.get(), cancelled));
    } catch (RuntimeException e) {
      return new JobException(
          cancelled ? reason.exitCode() : ExitCode.FAULT,
          cancelled ? reason.kind() : "rollback-failed",
          reason.getMessage()
              + "; putting the previous volume back did not finish ("
              + e.getMessage()
              + "): attach "
              + old.get()
              + " to "
              + instanceId
              + " at "
              + request.device()
              + " and start it",
          cause);
    }
    return new JobException(
        reason.exitCode(),
        reason.kind(),
        reason.getMessage()
            + "; rolled back: "
            + instanceId
            + " runs on its previous volume "
            + old.get()
            + " again, and the new volume "
            + newVolume
            + " is kept for inspection (the next run deletes it)",
        cause);
  }

  /** Stop, swap the old volume back in, start (and wait for mongod unless cancelled). */
  private Void putBack(Ec2Steps back, String instanceId, String old, boolean cancelled) {
    Volume previous = ec2.describeVolume(old).orElseThrow();
    boolean inPlace =
        previous
            .attachment()
            .filter(a -> a.instanceId().equals(instanceId))
            .filter(a -> a.device().equals(request.device()) && a.state().equals("attached"))
            .isPresent();
    if (!inPlace) {
      back.stop(instanceId);
      Optional<String> current = back.instance(instanceId).volumeAt(request.device());
      if (current.isPresent() && !current.get().equals(old)) {
        back.detach(current.get(), instanceId, request.device());
      }
      if (previous.attachment().isPresent()) {
        // Still detaching: it must be free before it can go back.
        back.detach(old, instanceId, request.device());
      }
      back.attach(old, instanceId, request.device());
    }
    back.start(instanceId);
    if (!cancelled) {
      mongod.awaitReady(back.waiter(), timeouts.mongod(), timeouts.backoff());
    }
    return null;
  }
}
