package io.dbrestore.mongo.ec2;

import io.dbrestore.mongo.ec2.Ec2Port.Instance;
import io.dbrestore.mongo.ec2.Ec2Port.Snapshot;
import io.dbrestore.mongo.ec2.Ec2Port.Volume;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Resource;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.lifecycle.Cleanup;
import io.dbrestore.runtime.wait.Poll;
import io.dbrestore.runtime.wait.Waiter;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EC2 steps both jobs are made of, each safe to repeat: it looks first and only acts when the
 * resource is not yet where the step leaves it. Every stop, detach, delete and attach goes through
 * the safety guard; every wait through the runtime's waiter (timeout exit 4, cancellation exit 6).
 * The steps are the same in a dry run: the port is then {@link DryRunEc2}, which prints and
 * simulates each change the guard lets through.
 */
public final class Ec2Steps {
  private static final Logger LOG = LoggerFactory.getLogger(Ec2Steps.class);

  private final JobContext context;
  private final SafetyGuard guard;
  private final Ec2Port ec2;
  private final Timeouts timeouts;
  private final Supplier<Waiter> waiter;

  /**
   * @param guard the run's guard for a port: {@link JobContext#guardForPort()}, which in a dry run
   *     checks and lets the call through to the dry-run port
   */
  public Ec2Steps(JobContext context, SafetyGuard guard, Ec2Port ec2, Timeouts timeouts) {
    this(context, guard, ec2, timeouts, context::waiter);
  }

  private Ec2Steps(
      JobContext context,
      SafetyGuard guard,
      Ec2Port ec2,
      Timeouts timeouts,
      Supplier<Waiter> waiter) {
    this.context = context;
    this.guard = guard;
    this.ec2 = ec2;
    this.timeouts = timeouts;
    this.waiter = waiter;
  }

  /**
   * The same steps for putting things back after a failure or cancellation: their waits ignore the
   * run's cancellation and deadline and stop at the end of the cleanup's budget instead.
   */
  public Ec2Steps forRollback(Cleanup cleanup) {
    return new Ec2Steps(context, guard, ec2, timeouts, cleanup::waiter);
  }

  /** A waiter for one wait: the run's own, or the rollback's. */
  public Waiter waiter() {
    return waiter.get();
  }

  public Resource instanceResource(String instanceId) {
    return ec2.resource("ec2 instance", instanceId);
  }

  public Resource volumeResource(String volumeId) {
    return ec2.resource("ec2 volume", volumeId);
  }

  public Resource snapshotResource(String snapshotId) {
    return ec2.resource("ebs snapshot", snapshotId);
  }

  /**
   * Checks, before the first call that changes anything, every destructive call a volume swap
   * makes: stop the instance (unless stopped), attach over it, and detach and delete the volume at
   * its data device (when there is one to replace). A refusal is exit 3 with nothing changed.
   */
  public void checkSwap(Instance instance, Optional<String> replaced) {
    if (!instance.state().equals("stopped")) {
      guard.check(Operation.STOP, instanceResource(instance.id()));
    }
    guard.check(Operation.RESTORE_OVER, instanceResource(instance.id()));
    if (replaced.isPresent()) {
      guard.check(Operation.DETACH, volumeResource(replaced.get()));
      guard.check(Operation.DELETE, volumeResource(replaced.get()));
    }
  }

  /** The instance, or exit 2 when there is none with that id. */
  public Instance instance(String instanceId) {
    Instance i =
        ec2.describeInstance(instanceId)
            .orElseThrow(
                () ->
                    JobException.invalidInput(
                        "instance "
                            + instanceId
                            + " does not exist in this account and region; check --instance"));
    if (i.state().equals("terminated") || i.state().equals("shutting-down")) {
      throw JobException.invalidInput(
          "instance " + instanceId + " is " + i.state() + "; check --instance");
    }
    return i;
  }

  /** Stops the instance (guarded) unless it is stopped, and waits until it is. */
  public void stop(String instanceId) {
    Instance i = instance(instanceId);
    if (i.state().equals("stopped")) {
      return;
    }
    if (!i.state().equals("stopping")) {
      guard.perform(
          Operation.STOP,
          instanceResource(instanceId),
          "ec2:StopInstances",
          () -> ec2.stopInstance(instanceId));
    }
    awaitInstance(instanceId, "stopped");
  }

  /**
   * Starts the instance unless it runs, waits until it runs and both status checks pass (a stopping
   * instance is first waited for: it cannot be started before it has stopped).
   */
  public void start(String instanceId) {
    Instance i = instance(instanceId);
    if (i.state().equals("stopping")) {
      awaitInstance(instanceId, "stopped");
      i = instance(instanceId);
    }
    if (i.state().equals("stopped")) {
      LOG.info("starting instance {}", instanceId);
      ec2.startInstance(instanceId);
    }
    awaitInstance(instanceId, "running");
    waiter
        .get()
        .until(
            "the status checks of instance " + instanceId + " to pass",
            timeouts.instance(),
            timeouts.backoff(),
            () -> {
              Optional<Ec2Port.StatusChecks> s = ec2.instanceStatus(instanceId);
              if (s.isPresent() && s.get().passed()) {
                return Poll.done(s.get());
              }
              if (s.isPresent()
                  && ("impaired".equals(s.get().system())
                      || "impaired".equals(s.get().instance()))) {
                throw new JobException(
                    ExitCode.FAULT,
                    "instance-impaired",
                    "instance "
                        + instanceId
                        + " failed its status checks (system "
                        + s.get().system()
                        + ", instance "
                        + s.get().instance()
                        + "); look at its system log in the EC2 console");
              }
              return Poll.pending(
                  s.map(c -> "system " + c.system() + ", instance " + c.instance())
                      .orElse("no status yet"));
            });
  }

  private void awaitInstance(String instanceId, String state) {
    waiter
        .get()
        .until(
            "instance " + instanceId + " to be " + state,
            timeouts.instance(),
            timeouts.backoff(),
            () -> {
              Instance i = instance(instanceId);
              return i.state().equals(state) ? Poll.done(i) : Poll.pending(i.state());
            });
  }

  /** Creates a volume and waits until it is available. */
  public Volume createVolume(Ec2Port.NewVolume spec) {
    Volume v = ec2.createVolume(spec);
    LOG.info("created volume {} from {} in {}", v.id(), spec.snapshotId(), spec.availabilityZone());
    context.resource("new-volume", v.id());
    return awaitVolume(v.id(), "available");
  }

  /** Waits until the volume is in {@code state}; a volume in {@code error} is a fault. */
  public Volume awaitVolume(String volumeId, String state) {
    return waiter
        .get()
        .until(
            "volume " + volumeId + " to be " + state,
            timeouts.volume(),
            timeouts.backoff(),
            () -> {
              Volume v =
                  ec2.describeVolume(volumeId)
                      .orElseThrow(
                          () ->
                              new JobException(
                                  ExitCode.FAULT,
                                  "volume-vanished",
                                  "volume " + volumeId + " disappeared while we waited for it"));
              if (v.state().equals("error")) {
                throw new JobException(
                    ExitCode.FAULT,
                    "volume-error",
                    "volume "
                        + volumeId
                        + " is in state error (EBS could not create it from "
                        + v.snapshotId()
                        + "); it is left for inspection");
              }
              return v.state().equals(state) ? Poll.done(v) : Poll.pending(v.state());
            });
  }

  /**
   * Attaches the volume at {@code device} (guarded as a restore over the instance: it puts other
   * data under it) and waits until the attachment is complete.
   */
  public void attach(String volumeId, String instanceId, String device) {
    Optional<Volume> now = ec2.describeVolume(volumeId);
    boolean attached =
        now.flatMap(Volume::attachment)
            .filter(a -> a.instanceId().equals(instanceId) && a.device().equals(device))
            .isPresent();
    if (!attached) {
      guard.perform(
          Operation.RESTORE_OVER,
          instanceResource(instanceId),
          "ec2:AttachVolume",
          () -> ec2.attachVolume(volumeId, instanceId, device));
    }
    waiter
        .get()
        .until(
            "volume " + volumeId + " to be attached to " + instanceId + " at " + device,
            timeouts.volume(),
            timeouts.backoff(),
            () -> {
              Volume v = ec2.describeVolume(volumeId).orElseThrow();
              Optional<Ec2Port.Attachment> a = v.attachment();
              if (a.isPresent() && a.get().state().equals("attached")) {
                return Poll.done(v);
              }
              return Poll.pending(a.map(Ec2Port.Attachment::state).orElse(v.state()));
            });
  }

  /** Detaches the volume (guarded) unless it is detached, and waits until it is available. */
  public void detach(String volumeId, String instanceId, String device) {
    Optional<Volume> now = ec2.describeVolume(volumeId);
    if (now.isEmpty()) {
      return;
    }
    if (now.get().attachment().filter(a -> !a.state().equals("detaching")).isPresent()) {
      guard.perform(
          Operation.DETACH,
          volumeResource(volumeId),
          "ec2:DetachVolume",
          () -> ec2.detachVolume(volumeId, instanceId, device));
    }
    awaitVolume(volumeId, "available");
  }

  /** Deletes the volume (guarded) unless it is gone. */
  public void deleteVolume(String volumeId) {
    Optional<Volume> now = ec2.describeVolume(volumeId);
    if (now.isEmpty() || now.get().state().equals("deleting")) {
      return;
    }
    guard.perform(
        Operation.DELETE,
        volumeResource(volumeId),
        "ec2:DeleteVolume",
        () -> ec2.deleteVolume(volumeId));
  }

  /** Deletes the snapshot (guarded). */
  public void deleteSnapshot(String snapshotId) {
    guard.perform(
        Operation.DELETE,
        snapshotResource(snapshotId),
        "ec2:DeleteSnapshot",
        () -> ec2.deleteSnapshot(snapshotId));
  }

  /** Waits until the snapshot has completed; a snapshot in {@code error} is a fault. */
  public Snapshot awaitSnapshot(String snapshotId) {
    return waiter
        .get()
        .until(
            "snapshot " + snapshotId + " to complete",
            timeouts.snapshot(),
            timeouts.backoff(),
            () -> {
              Snapshot s =
                  ec2.describeSnapshot(snapshotId)
                      .orElseThrow(
                          () ->
                              new JobException(
                                  ExitCode.FAULT,
                                  "snapshot-vanished",
                                  "snapshot " + snapshotId + " disappeared while it was made"));
              if (s.state().equals("error")) {
                throw new JobException(
                    ExitCode.FAULT,
                    "snapshot-error",
                    "snapshot " + snapshotId + " failed (state error); run the job again");
              }
              return s.state().equals("completed")
                  ? Poll.done(s)
                  : Poll.pending(s.state() + (s.progress() == null ? "" : " " + s.progress()));
            });
  }

  /**
   * Runs a best-effort action after cancellation or a failure; logs instead of throwing, so that
   * the original reason is what the run reports.
   */
  public boolean quietly(String what, Runnable action) {
    return context.cleanup(timeouts.instance()).run(what, action);
  }
}
