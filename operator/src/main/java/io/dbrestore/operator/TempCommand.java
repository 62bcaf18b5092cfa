package io.dbrestore.operator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobGroup;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/** {@code temp create|list|extend|delete}: temporary databases by name. */
@Command(
    name = "temp",
    subcommands = {
      TempCommand.Create.class,
      TempCommand.ListTemp.class,
      TempCommand.Extend.class,
      TempCommand.Delete.class
    },
    description = {
      "Temporary Aurora databases (tmp-<name>): create one ('run temporary'), list them with"
          + " their expiry, extend one without restoring again, delete one now ('run teardown')."
    })
final class TempCommand extends JobGroup {
  /** The teardown pipeline's one-time schedule of a temporary cluster. */
  static final String SCHEDULE_PREFIX = "teardown-";

  /** What the temporary pipeline takes as a name (its schema's pattern). */
  private static final Pattern NAME = Pattern.compile("^tmp-[a-z0-9]+(-[a-z0-9]+)*$");

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw JobException.invalidInput(
          "'"
              + name
              + "' is not a temporary database's name: tmp- then lower-case letters, digits and"
              + " single hyphens");
    }
  }

  private static Map<String, String> tags(DBCluster c) {
    Map<String, String> tags = new HashMap<>();
    for (Tag t : c.tagList()) {
      tags.put(t.key(), t.value());
    }
    return tags;
  }

  private static Instant expiry(Map<String, String> tags) {
    String value = tags.get(Tags.EXPIRES_AT);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Command(
      name = "create",
      description = {
        "Create a temporary database: exactly 'run temporary --name <name> ...' (the input checked"
            + " against the pipeline's schema first). The pipeline restores the newest shared"
            + " masked snapshot (or --snapshot), tags the cluster with its expiry and schedules its"
            + " teardown."
      })
  static final class Create extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "<name>", description = "tmp-<name>: the cluster.")
    String name;

    @Option(
        names = "--ttl-hours",
        paramLabel = "<n>",
        description = "Whole hours it lives (1 to 720). Default: the pipeline's (24).")
    Long ttlHours;

    @Option(
        names = "--snapshot",
        paramLabel = "<arn or id>",
        description = "The masked snapshot. Default: the newest shared.")
    String snapshot;

    @Option(
        names = "--dry-run",
        arity = "0..1",
        description = "The job prints its plan and changes nothing.")
    Boolean dryRun;

    @picocli.CommandLine.Mixin RunCommand.Follow follow = new RunCommand.Follow();

    @Override
    protected int execute(Session session) throws Exception {
      ObjectNode input = Session.JSON.createObjectNode();
      Map<String, String> labels = new HashMap<>();
      input.put("name", name);
      labels.put("name", "<name>");
      if (ttlHours != null) {
        input.put("ttlHours", ttlHours);
        labels.put("ttlHours", "--ttl-hours");
      }
      if (snapshot != null) {
        input.put("snapshot", snapshot);
        labels.put("snapshot", "--snapshot");
      }
      if (dryRun != null) {
        input.put("dryRun", dryRun);
      }
      List<String> problems = InputSchema.load("temporary").validate(input, labels);
      if (!problems.isEmpty()) {
        throw JobException.invalidInput(String.join("\n", problems));
      }
      return RunCommand.start(session, options, "temporary", input, follow);
    }
  }

  @Command(
      name = "delete",
      description = {
        "Tear a temporary database down now: exactly 'run teardown --cluster <name>'. The teardown"
            + " pipeline deletes the cluster and its one-time schedule teardown-<name>."
      })
  static final class Delete extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "<name>", description = "tmp-<name>: the cluster.")
    String name;

    @picocli.CommandLine.Mixin RunCommand.Follow follow = new RunCommand.Follow();

    @Override
    protected int execute(Session session) throws Exception {
      checkName(name);
      ObjectNode input = Session.JSON.createObjectNode().put("cluster", name);
      return RunCommand.start(session, options, "teardown", input, follow);
    }
  }

  /** The schedule group option of list and extend. */
  static class Group {
    @Option(
        names = "--schedule-group",
        paramLabel = "<group>",
        defaultValue = "default",
        description =
            "The EventBridge Scheduler group of the one-time teardown schedules. Default: default.")
    String name;
  }

  @Command(
      name = "list",
      description = {
        "The temporary databases: every RDS cluster tagged dbrestore:managed=true with a"
            + " dbrestore:expires-at, its status, expiry, time left, and whether its one-time"
            + " teardown schedule exists (without it, the daily teardown sweep still removes it"
            + " once expired)."
      })
  static final class ListTemp extends OperatorCommand {
    @picocli.CommandLine.Mixin Group group = new Group();

    @Override
    protected int execute(Session session) throws Exception {
      RdsClient rds = session.rds(options.region);
      SchedulerClient scheduler = session.scheduler(options.region);
      List<DBCluster> clusters =
          rds.describeDBClustersPaginator(b -> b.maxRecords(100)).dbClusters().stream()
              .filter(
                  c -> {
                    Map<String, String> tags = tags(c);
                    return "true".equals(tags.get(Tags.MANAGED))
                        && tags.containsKey(Tags.EXPIRES_AT);
                  })
              .sorted(
                  java.util.Comparator.comparing(
                      c -> {
                        Instant e = expiry(tags(c));
                        return e == null ? Instant.MIN : e;
                      }))
              .toList();
      Set<String> schedules =
          scheduler
              .listSchedulesPaginator(b -> b.groupName(group.name).namePrefix(SCHEDULE_PREFIX))
              .schedules()
              .stream()
              .map(ScheduleSummary::name)
              .collect(Collectors.toSet());
      Instant now = session.clock.instant();
      ArrayNode all = Session.JSON.createArrayNode();
      if (!options.json) {
        if (clusters.isEmpty()) {
          session.out.println(
              "no temporary database (no RDS cluster tagged "
                  + Tags.MANAGED
                  + "=true with "
                  + Tags.EXPIRES_AT
                  + ") in "
                  + rds.serviceClientConfiguration().region().id());
        } else {
          session.out.println(
              String.format(
                  Locale.ROOT,
                  "%-24s %-12s %-17s %-8s %s",
                  "NAME",
                  "STATUS",
                  "EXPIRES",
                  "LEFT",
                  "TEARDOWN SCHEDULE"));
        }
      }
      for (DBCluster c : clusters) {
        Map<String, String> tags = tags(c);
        Instant expires = expiry(tags);
        String schedule = SCHEDULE_PREFIX + c.dbClusterIdentifier();
        boolean scheduled = schedules.contains(schedule);
        boolean expired = expires == null || !expires.isAfter(now);
        ObjectNode n = all.addObject();
        n.put("name", c.dbClusterIdentifier());
        n.put("clusterArn", c.dbClusterArn());
        n.put("status", c.status());
        n.put("expiresAt", tags.get(Tags.EXPIRES_AT));
        n.put("expired", expired);
        if (expires != null) {
          n.put("secondsLeft", Math.max(0, Duration.between(now, expires).toSeconds()));
        }
        n.put("schedule", schedule);
        n.put("scheduleExists", scheduled);
        if (!options.json) {
          session.out.println(
              String.format(
                  Locale.ROOT,
                  "%-24s %-12s %-17s %-8s %s",
                  c.dbClusterIdentifier(),
                  c.status(),
                  expires == null
                      ? tags.get(Tags.EXPIRES_AT)
                      : Text.time(expires, session.clock.getZone(), "yyyy-MM-dd HH:mm"),
                  expired ? "expired" : Text.duration(Duration.between(now, expires)),
                  scheduled ? schedule : "missing (the daily sweep removes it)"));
        }
      }
      if (options.json) {
        session.out.println(Session.JSON.writeValueAsString(all));
      }
      return ExitCode.DONE.code();
    }
  }

  /** --hours or --until. */
  static class NewExpiry {
    @Option(
        names = "--hours",
        paramLabel = "<n>",
        required = true,
        description =
            "Move the expiry n hours later: after the current expiry, or after now if it passed.")
    Long hours;

    @Option(
        names = "--until",
        paramLabel = "<instant>",
        required = true,
        description = "The new expiry, an ISO instant: 2026-12-03T18:00:00Z.")
    String until;
  }

  @Command(
      name = "extend",
      description = {
        "Move a temporary database's expiry without restoring it again: its"
            + " dbrestore:expires-at tag (what the daily teardown sweep reads) and its one-time"
            + " schedule teardown-<name> (UpdateSchedule with everything else unchanged). A missing"
            + " schedule is said so and not created again.",
        "Refused (3) for a cluster not named tmp-* or not tagged dbrestore:managed=true."
      })
  static final class Extend extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "<name>", description = "tmp-<name>: the cluster.")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    NewExpiry expiry;

    @Option(
        names = "--max-hours",
        paramLabel = "<n>",
        defaultValue = "720",
        description = "Refuse an expiry further than this from now. Default: 720 (the pipeline's).")
    long maxHours;

    @picocli.CommandLine.Mixin Group group = new Group();

    @Override
    protected int execute(Session session) throws Exception {
      RdsClient rds = session.rds(options.region);
      DBCluster cluster;
      try {
        cluster = rds.describeDBClusters(b -> b.dbClusterIdentifier(name)).dbClusters().get(0);
      } catch (DbClusterNotFoundException e) {
        throw JobException.invalidInput(
            "no RDS cluster "
                + name
                + " in "
                + rds.serviceClientConfiguration().region().id()
                + " (see 'temp list')");
      }
      Map<String, String> tags = tags(cluster);
      if (!NAME.matcher(name).matches() || !"true".equals(tags.get(Tags.MANAGED))) {
        throw JobException.refused(
            "unmanaged-resource",
            "cluster "
                + name
                + " is not a temporary database: only a cluster named tmp-* and tagged "
                + Tags.MANAGED
                + "=true is extended; nothing was changed");
      }
      Instant now = session.clock.instant();
      Instant old = expiry(tags);
      Instant moved;
      if (expiry.until != null) {
        try {
          moved = Instant.parse(expiry.until.trim());
        } catch (DateTimeParseException e) {
          throw JobException.invalidInput(
              "--until must be an ISO instant such as 2026-12-03T18:00:00Z, got '"
                  + expiry.until
                  + "'");
        }
      } else {
        if (expiry.hours < 1) {
          throw JobException.invalidInput("--hours must be at least 1, got " + expiry.hours);
        }
        Instant from = old == null || old.isBefore(now) ? now : old;
        moved = from.plus(Duration.ofHours(expiry.hours));
      }
      moved = moved.truncatedTo(ChronoUnit.SECONDS);
      if (!moved.isAfter(now)) {
        throw JobException.invalidInput(
            "the new expiry " + moved + " has passed; give a later --until or use --hours");
      }
      if (moved.isAfter(now.plus(Duration.ofHours(maxHours)))) {
        throw JobException.invalidInput(
            "the new expiry "
                + moved
                + " is more than "
                + maxHours
                + "h from now (the temporary pipeline's maximum time to live; --max-hours to"
                + " change it); nothing was changed");
      }

      SchedulerClient scheduler = session.scheduler(options.region);
      String scheduleName = SCHEDULE_PREFIX + name;
      GetScheduleResponse schedule;
      try {
        schedule = scheduler.getSchedule(b -> b.name(scheduleName).groupName(group.name));
      } catch (ResourceNotFoundException e) {
        schedule = null;
      }

      Instant newExpiry = moved;
      rds.addTagsToResource(
          b ->
              b.resourceName(cluster.dbClusterArn())
                  .tags(Tag.builder().key(Tags.EXPIRES_AT).value(newExpiry.toString()).build()));

      String oldExpression = null;
      String newExpression = null;
      if (schedule != null) {
        GetScheduleResponse s = schedule;
        ZoneId zone =
            s.scheduleExpressionTimezone() == null || s.scheduleExpressionTimezone().isBlank()
                ? ZoneOffset.UTC
                : ZoneId.of(s.scheduleExpressionTimezone());
        oldExpression = s.scheduleExpression();
        newExpression = "at(" + Text.time(newExpiry, zone, "yyyy-MM-dd'T'HH:mm:ss") + ")";
        String expression = newExpression;
        // UpdateSchedule replaces the whole schedule: everything GetSchedule returned goes back.
        try {
          scheduler.updateSchedule(
              b ->
                  b.name(s.name())
                      .groupName(s.groupName())
                      .description(s.description())
                      .scheduleExpression(expression)
                      .scheduleExpressionTimezone(s.scheduleExpressionTimezone())
                      .startDate(s.startDate())
                      .endDate(s.endDate())
                      .state(s.state())
                      .kmsKeyArn(s.kmsKeyArn())
                      .flexibleTimeWindow(s.flexibleTimeWindow())
                      .target(s.target())
                      .actionAfterCompletion(s.actionAfterCompletion()));
        } catch (RuntimeException e) {
          // The tag moved but the schedule did not: it would still delete the cluster at the old
          // time. Say so, and how to finish (--until is idempotent; --hours would add again).
          throw new JobException(
              ExitCode.FAULT,
              "schedule-not-moved",
              "the tag now says "
                  + newExpiry
                  + " but schedule "
                  + scheduleName
                  + " could not be moved and still fires at "
                  + oldExpression
                  + ", deleting the cluster then ("
                  + e.getMessage()
                  + "); run 'temp extend "
                  + name
                  + " --until "
                  + newExpiry
                  + "' again",
              e);
        }
      }

      if (options.json) {
        ObjectNode result = Session.JSON.createObjectNode();
        result.put("name", name);
        result.put("clusterArn", cluster.dbClusterArn());
        result.put("oldExpiresAt", tags.get(Tags.EXPIRES_AT));
        result.put("newExpiresAt", newExpiry.toString());
        result.put("schedule", scheduleName);
        result.put("scheduleExists", schedule != null);
        if (schedule != null) {
          result.put("oldScheduleExpression", oldExpression);
          result.put("newScheduleExpression", newExpression);
        }
        session.out.println(Session.JSON.writeValueAsString(result));
        return ExitCode.DONE.code();
      }
      session.out.println(
          name
              + ": expiry moved from "
              + (old == null ? "none" : old.toString())
              + " to "
              + newExpiry
              + " ("
              + Text.duration(Duration.between(now, newExpiry))
              + " from now)");
      if (schedule != null) {
        session.out.println(
            "  schedule " + scheduleName + ": " + oldExpression + " -> " + newExpression);
      } else {
        session.out.println(
            "  no one-time schedule "
                + scheduleName
                + " in group "
                + group.name
                + ": none created; the daily teardown sweep removes the cluster after "
                + newExpiry
                + " (its tag)");
      }
      return ExitCode.DONE.code();
    }
  }
}
