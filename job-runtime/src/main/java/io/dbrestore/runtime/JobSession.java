package io.dbrestore.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.cli.CliErrors;
import io.dbrestore.runtime.cli.VersionProvider;
import io.dbrestore.runtime.guard.GuardPolicy;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.lifecycle.Signals;
import io.dbrestore.runtime.lifecycle.TaskToken;
import io.dbrestore.runtime.log.LogEncoder;
import io.dbrestore.runtime.log.LogSetup;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.metrics.Metric;
import io.dbrestore.runtime.metrics.RunMetrics;
import io.dbrestore.runtime.report.RunContext;
import io.dbrestore.runtime.report.SentryReporter;
import io.dbrestore.runtime.report.TaskMetadata;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * One invocation of a job: its environment and outputs, and the runtime around the command it runs
 * (logs, Sentry, the Step Functions task token, signals, the deadline, cancellation). The one place
 * a failure becomes an exit code, a line on stderr, a report and a task failure.
 */
final class JobSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

  private final String job;
  private final Clock clock;
  private final boolean processMode;
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final PrintWriter metricsOut;
  private boolean verbose;
  // The command that runs and its arguments: an invalid-input message about an option whose
  // value came from the environment names the variable.
  private CommandSpec leafCommand;
  private List<String> arguments = List.of();
  private final RunContext run;
  private SentryReporter sentry = SentryReporter.disabled();
  private AwsClients aws;
  private boolean dryRun;
  private TaskToken token;
  private final RunMetrics metrics = new RunMetrics();
  // Whether this run's end writes its EMF lines; set once the command is known.
  private boolean emitMetrics;

  JobSession(
      String job,
      Clock clock,
      boolean processMode,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      PrintWriter metricsOut,
      boolean verbose) {
    this.job = job;
    this.clock = clock;
    this.processMode = processMode;
    this.env = env;
    this.out = out;
    this.err = err;
    this.metricsOut = metricsOut;
    this.verbose = verbose;
    this.run =
        new RunContext(
            job,
            JobMain.blankToNull(env.get("DBRESTORE_TARGET")),
            JobMain.blankToNull(env.get(JobMain.EXECUTION_VARIABLE)));
  }

  private synchronized AwsClients aws() {
    if (aws == null) {
      aws = new AwsClients(AwsClients.Settings.CONTROL_PLANE, dryRun);
    }
    return aws;
  }

  private String token() {
    return JobMain.blankToNull(env.get(JobMain.TASK_TOKEN_VARIABLE));
  }

  int invalidInput(ParameterException ex, String[] args) {
    return invalidInput(ex.getCommandLine(), CliErrors.describe(ex, List.of(args), env), ex);
  }

  int invalidInput(CommandLine commandLine, String message, Exception ex) {
    String fullName = commandLine.getCommandSpec().qualifiedName();
    String line =
        job
            + ": "
            + message.replaceAll("[\\r\\n]+", " ").trim()
            + " (see '"
            + fullName
            + " --help')";
    // Not logged: the one line on stderr is the whole story for a command-line mistake.
    return fail(
        new Failure(ExitCode.INVALID_INPUT, "invalid-input", line.substring(job.length() + 2), ex),
        false);
  }

  Integer execute(ParseResult parseResult) {
    Integer help = CommandLine.executeHelpRequest(parseResult);
    if (help != null) {
      return help;
    }
    ParseResult leaf = parseResult;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    leafCommand = leaf.commandSpec();
    arguments = parseResult.originalArgs();
    verbose = verbose || parseResult.hasMatchedOption("-v");
    Object command = leaf.commandSpec().userObject();
    if (!(command instanceof JobCommand jobCommand)) {
      try {
        return new CommandLine.RunLast().execute(parseResult);
      } catch (CommandLine.ExecutionException e) {
        if (e.getCause() instanceof ParameterException pe) {
          return invalidInput(pe.getCommandLine(), CliErrors.describe(pe, arguments, env), pe);
        }
        throw e;
      }
    }
    return runJob(jobCommand);
  }

  private int runJob(JobCommand command) {
    verbose = verbose || command.common.verbose;
    dryRun = command.common.dryRun;
    LogSetup.configure(env, verbose);
    if (command instanceof LocalOnly) {
      LogSetup.quiet(verbose);
    }
    if (command.common.target != null) {
      run.target(command.common.target);
    }
    sentry = SentryReporter.start(env, job, VersionProvider.version());
    Instant started = clock.instant();
    emitMetrics = emitsMetrics(command);

    GuardPolicy policy;
    try {
      policy = guardPolicy(command);
    } catch (IllegalArgumentException e) {
      int code = fail(new Failure(ExitCode.INVALID_INPUT, "invalid-input", e.getMessage(), e));
      emitMetrics(code, started);
      return code;
    }
    Duration timeout =
        command.common.timeout != null ? command.common.timeout : command.defaultTimeout();
    Instant deadline = started.plus(timeout);

    Cancellation cancellation = new Cancellation();
    cancellation.bindJobThread(Thread.currentThread());
    ScheduledExecutorService timers =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "dbrestore-timer");
              t.setDaemon(true);
              return t;
            });
    timers.schedule(
        () ->
            cancellation.cancel(
                Cancellation.Reason.DEADLINE,
                "the job ran longer than its --timeout of "
                    + timeout.toString().substring(2).toLowerCase()),
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
    if (processMode) {
      Signals.install(cancellation);
      Duration grace = JobMain.cancelGrace(env);
      cancellation.onCancel(
          request ->
              timers.schedule(
                  () -> {
                    err.println(
                        job
                            + ": did not reach a safe point within "
                            + grace.toSeconds()
                            + "s of being cancelled; exiting now");
                    err.flush();
                    sentry.close();
                    Runtime.getRuntime().halt(request.reason().exitCode().code());
                  },
                  grace.toMillis(),
                  TimeUnit.MILLISECONDS));
    }
    run.task(TaskMetadata.read(env));
    int code = ExitCode.FAULT.code();
    try {
      String taskToken = token();
      if (taskToken != null) {
        token =
            TaskToken.start(
                aws().stepFunctions(),
                taskToken,
                seconds(JobMain.HEARTBEAT_VARIABLE, JobMain.DEFAULT_HEARTBEAT),
                stateTimeout(),
                cancellation,
                run.mdc());
      }
      cancellation.throwIfCancelled();
      JobContext context =
          new JobContext(
              run, env, out, dryRun, deadline, clock, cancellation, this::aws, policy, metrics);
      LOG.info("{} started{}", job, dryRun ? " (dry run)" : "");
      Object result = command.execute(context);
      cancellation.unbindJobThread();
      Thread.interrupted();
      String json = resultJson(result, started);
      out.println(json);
      out.flush();
      run.step("done");
      LOG.info("{} done in {}s", job, Duration.between(started, clock.instant()).toSeconds());
      if (token != null) {
        token.succeed(json);
      }
      code = ExitCode.DONE.code();
      return code;
    } catch (Throwable t) {
      cancellation.unbindJobThread();
      Thread.interrupted();
      code = fail(Failure.classify(t, cancellation));
      if (t instanceof VirtualMachineError e) {
        // Reported what we could; a broken JVM must not carry on.
        throw e;
      }
      return code;
    } finally {
      timers.shutdownNow();
      // After the task token's success or failure: the exit code is final.
      emitMetrics(code, started);
    }
  }

  /**
   * Whether a run of {@code command} ends with EMF lines: not a dry run (it changes nothing; its
   * seconds and successes would skew the real runs' figures), not a command that is no pipeline run
   * (preflight, mask, the demo), and only when the logs are JSON (a machine reads them: ECS, or
   * DBRESTORE_LOG_FORMAT=json); a person at a terminal gets no JSON lines.
   */
  private boolean emitsMetrics(JobCommand command) {
    return !dryRun
        && command.emitsMetrics()
        && !(command instanceof LocalOnly)
        && LogEncoder.current() == LogEncoder.Format.JSON;
  }

  /**
   * Writes the run's CloudWatch Embedded Metric Format lines (docs/metrics.md), once: each is one
   * JSON object on a line of its own, written whole, and the awslogs driver makes each line one log
   * event, which CloudWatch Logs reads as EMF. They go where the one-line failure message goes
   * (stderr, with the JSON log lines), never to stdout, which carries only the result JSON and the
   * dry-run plan that the launcher and Step Functions read. Never through the logger: its encoder
   * would wrap the object in a log line's JSON, and CloudWatch extracts metrics only from an event
   * that is the EMF object itself.
   */
  private void emitMetrics(int code, Instant started) {
    if (!emitMetrics) {
      return;
    }
    emitMetrics = false;
    try {
      if (code == ExitCode.VERIFICATION_FAILED.code()
          && !metrics.figures().containsKey(Metric.VERIFICATION_PASSED)) {
        metrics.verification(false);
      }
      Map<String, Double> steps = new LinkedHashMap<>(run.stepSeconds());
      steps.remove("done");
      Instant now = clock.instant();
      List<String> lines =
          metrics.lines(
              job,
              run.target().orElse(null),
              now,
              Duration.between(started, now).toMillis() / 1000.0,
              code,
              steps);
      for (String line : lines) {
        // print + one flush: the whole line reaches the stream in one write.
        metricsOut.print(line + "\n");
        metricsOut.flush();
      }
    } catch (RuntimeException e) {
      // The metrics must never change a run's outcome.
      LOG.warn("could not write the run's metrics: {}", Redactor.redact(e.toString()));
    }
  }

  private GuardPolicy guardPolicy(JobCommand command) {
    Pattern allowlist = null;
    String pattern = command.common.targetAllowlist;
    if (pattern != null && !pattern.isBlank()) {
      try {
        allowlist = Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "--target-allowlist '"
                + pattern
                + "' is not a valid regular expression: "
                + e.getDescription());
      }
    }
    return new GuardPolicy(
        allowlist, GuardPolicy.parseProtectedAccounts(command.common.protectedAccounts));
  }

  private String resultJson(Object result, Instant started) throws Exception {
    ObjectNode node;
    if (result == null) {
      node = JobMain.JSON.createObjectNode();
    } else if (JobMain.JSON.valueToTree(result) instanceof ObjectNode o) {
      node = o;
    } else {
      node = JobMain.JSON.createObjectNode();
      node.set("result", JobMain.JSON.valueToTree(result));
    }
    ObjectNode full = JobMain.JSON.createObjectNode();
    full.put("job", job);
    run.target().ifPresent(t -> full.put("target", t));
    full.put("status", ExitCode.DONE.name());
    full.put("dryRun", dryRun);
    full.put("durationSeconds", Duration.between(started, clock.instant()).toSeconds());
    run.task().logLink().ifPresent(link -> full.put("logLink", link));
    full.set("stepSeconds", JobMain.JSON.valueToTree(run.stepSeconds()));
    full.setAll(node);
    return Redactor.redact(JobMain.JSON.writeValueAsString(full));
  }

  /**
   * The one place a failure becomes an exit code, a line on stderr, a report and a task failure.
   */
  int fail(Failure failure) {
    return fail(failure, true);
  }

  private int fail(Failure failure, boolean log) {
    String message = failure.redactedMessage();
    if (failure.code() == ExitCode.INVALID_INPUT && leafCommand != null) {
      message = CliErrors.withVariables(message, leafCommand, arguments, env);
    }
    err.println(job + ": " + message);
    if (verbose && failure.error() != null) {
      StringWriter trace = new StringWriter();
      failure.error().printStackTrace(new PrintWriter(trace));
      err.print(Redactor.redact(trace.toString()));
    }
    err.flush();
    if (log && LogEncoder.current() == LogEncoder.Format.JSON) {
      LOG.error("{} failed: {} ({}): {}", job, failure.code(), failure.kind(), message);
    }
    if (!sentry.enabled() && failure.code() == ExitCode.INVALID_INPUT) {
      sentry = SentryReporter.start(env, job, VersionProvider.version());
    }
    sentry.report(run, failure.code(), failure.kind(), message, failure.error());
    String taskToken = token();
    if (taskToken != null) {
      String cause = message + run.task().logLink().map(l -> " | logs: " + l).orElse("");
      try {
        if (token == null) {
          token = TaskToken.withoutHeartbeats(aws().stepFunctions(), taskToken);
        }
        token.fail(failure.code().name(), cause);
      } catch (RuntimeException e) {
        LOG.warn(
            "could not report the failure to Step Functions: {}", Redactor.redact(e.toString()));
      }
    }
    return failure.code().code();
  }

  /** The state's HeartbeatSeconds when the deployment passes it; null (not checked) otherwise. */
  private Duration stateTimeout() {
    Duration d = seconds(JobMain.HEARTBEAT_TIMEOUT_VARIABLE, Duration.ZERO);
    return d.isZero() ? null : d;
  }

  private Duration seconds(String variable, Duration fallback) {
    return JobMain.seconds(env, variable, fallback);
  }

  @Override
  public void close() {
    if (token != null) {
      token.close();
    }
    if (aws != null) {
      aws.close();
    }
    sentry.close();
  }
}
