package io.dbrestore.runtime.testing;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.JobMain;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.guard.Resource;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * A job made only for tests: each subcommand exercises one part of the runtime through the real
 * entry point, in-process or as a child process.
 */
@Command(
    name = "fixture",
    subcommands = {
      FixtureJob.Succeed.class,
      FixtureJob.Tool.class,
      FixtureJob.Fail.class,
      FixtureJob.Leak.class,
      FixtureJob.WaitForever.class,
      FixtureJob.Stubborn.class,
      FixtureJob.DeleteVolume.class
    })
public final class FixtureJob extends JobGroup {
  public static JobMain entryPoint() {
    return new JobMain("fixture", FixtureJob::new);
  }

  public static void main(String[] args) {
    entryPoint().main(args);
  }

  @Command(name = "succeed")
  static final class Succeed extends JobCommand {
    @Option(names = "--value", paramLabel = "<value>")
    String value = "ok";

    @Option(names = "--refreshed", description = "Record Refreshed 1.")
    boolean refreshed;

    @Override
    protected Object execute(JobContext context) {
      context.step("succeed");
      if (refreshed) {
        context.metrics().refreshed();
      }
      context.resource("volume", "vol-0123");
      return Map.of("value", value, "count", 42);
    }
  }

  /** A command that is no pipeline run (as mask and preflight): its runs emit no metrics. */
  @Command(name = "tool")
  static final class Tool extends JobCommand {
    @Override
    protected boolean emitsMetrics() {
      return false;
    }

    @Override
    protected Object execute(JobContext context) {
      context.step("tool");
      return Map.of();
    }
  }

  @Command(name = "fail")
  static final class Fail extends JobCommand {
    @Option(names = "--code", paramLabel = "<code>")
    int code = 3;

    @Option(names = "--message", paramLabel = "<message>")
    String message = "snapshot snap-1 is 3 days old (--max-age 1d); check the production job";

    @Option(names = "--kind", paramLabel = "<kind>")
    String kind = "snapshot-too-old";

    @Option(names = "--masked", paramLabel = "<n>", description = "Record n items masked first.")
    Long masked;

    @Override
    protected Object execute(JobContext context) {
      if (masked != null) {
        context.step("mask");
        context.metrics().masking(masked, 2.0);
      }
      context.step("check-snapshot");
      context.resource("snapshot", "snap-1");
      throw new JobException(ExitCode.of(code), kind, message);
    }
  }

  /** Fails with secrets and personal data in the exception message. */
  @Command(name = "leak")
  static final class Leak extends JobCommand {
    @Override
    protected Object execute(JobContext context) {
      context.step("connect");
      LoggerFactory.getLogger(Leak.class).info("looking up the row of bob.breadcrumb@example.net");
      throw new IllegalStateException(
          "cannot connect to postgresql://admin:hunter2secret@db.internal:5432/app while masking"
              + " jane.doe@example.com (password=hunter2secret)");
    }
  }

  /** Waits for a condition that never comes; writes the marker file in its cleanup. */
  @Command(name = "wait-forever")
  static final class WaitForever extends JobCommand {
    @Option(names = "--marker", paramLabel = "<file>", required = true)
    Path marker;

    @Override
    protected Object execute(JobContext context) throws Exception {
      context.step("wait");
      try {
        return context
            .waiter()
            .until(
                "something that never happens",
                Duration.ofHours(1),
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), 2.0),
                () -> Poll.pending("not yet"));
      } finally {
        Files.writeString(marker, "cleanup ran");
      }
    }
  }

  /** One guarded destructive call: EC2 DeleteVolume. */
  @Command(name = "delete-volume")
  static final class DeleteVolume extends JobCommand
      implements io.dbrestore.runtime.preflight.Preflighted {
    @Option(names = "--volume-id", paramLabel = "<id>", required = true)
    String volumeId;

    /** Makes its preflight call DeleteVolume for real: the preflight's clients must stop it. */
    @Option(names = "--preflight-bug", hidden = true)
    boolean preflightBug;

    /** Its permission, simulated, and EC2's DryRun of the call. */
    @Override
    public void preflight(io.dbrestore.runtime.preflight.Preflight p) {
      var ec2 = p.aws().client(Ec2Client.class, Ec2Client::builder);
      p.guardAllows(Operation.DELETE, "ec2 volume", volumeId);
      p.permissions(
          java.util.List.of(
              io.dbrestore.runtime.preflight.Permission.of(
                      "ec2:DeleteVolume",
                      "arn:aws:ec2:" + p.region() + ":" + p.account() + ":volume/" + volumeId)
                  .onTagged(Map.of("dbrestore:managed", "true"))));
      p.dryRun(
          "dry run: ec2:DeleteVolume " + volumeId,
          () -> ec2.deleteVolume(r -> r.volumeId(volumeId).dryRun(!preflightBug)));
    }

    @Override
    protected Object execute(JobContext context) {
      context.step("delete-volume");
      context.resource("volume", volumeId);
      var ec2 = context.aws().client(Ec2Client.class, Ec2Client::builder);
      boolean deleted =
          context
              .guard()
              .perform(
                  Operation.DELETE,
                  new Resource("ec2 volume", volumeId, () -> tags(ec2, volumeId)),
                  "ec2:DeleteVolume",
                  () -> ec2.deleteVolume(r -> r.volumeId(volumeId)))
              .isPresent();
      return Map.of("volumeId", volumeId, "deleted", deleted);
    }
  }

  /** Ignores cancellation: only the grace watchdog can end it. */
  @Command(name = "stubborn")
  static final class Stubborn extends JobCommand {
    @Override
    protected Object execute(JobContext context) {
      context.step("ignore-everyone");
      LoggerFactory.getLogger(Stubborn.class).info("busy and not listening");
      while (true) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          // Deliberately ignored, like a blocking call that does not react to interrupts.
        }
      }
    }
  }

  /** The volume's tags, read fresh: the guard's view. */
  static Map<String, String> tags(Ec2Client ec2, String resourceId) {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    ec2.describeTagsPaginator(
            r -> r.filters(Filter.builder().name("resource-id").values(resourceId).build()))
        .tags()
        .forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }
}
