package io.dbrestore.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dbrestore.runtime.cli.EnvDefaults;
import io.dbrestore.runtime.cli.VersionProvider;
import io.dbrestore.runtime.log.LogSetup;
import io.dbrestore.runtime.report.RunContext;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The entry point of every job: parses the command line, then runs the chosen {@link JobCommand}
 * inside the runtime (logs, Sentry, Step Functions task token, signals, deadline) and maps whatever
 * happens to an exit code and a one-line message.
 *
 * <p>{@link #run} is the testable entry point; {@code main} only exits with its result.
 */
public final class JobMain {
  private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** Variables a deployment sets besides the options' own. */
  public static final String TASK_TOKEN_VARIABLE = "DBRESTORE_TASK_TOKEN";

  public static final String EXECUTION_VARIABLE = "DBRESTORE_EXECUTION_ARN";
  public static final String HEARTBEAT_VARIABLE = "DBRESTORE_HEARTBEAT_SECONDS";

  /** The state's HeartbeatSeconds: heartbeats failing for this long cancel the run. */
  public static final String HEARTBEAT_TIMEOUT_VARIABLE = "DBRESTORE_HEARTBEAT_TIMEOUT_SECONDS";

  public static final String GRACE_VARIABLE = "DBRESTORE_CANCEL_GRACE_SECONDS";

  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(60);
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);

  private final String job;
  private final Supplier<Object> topCommand;
  private boolean processMode;
  private Clock clock = Clock.systemUTC();
  private PrintWriter metrics;

  public JobMain(String job, Supplier<Object> topCommand) {
    this.job = job;
    this.topCommand = topCommand;
  }

  /**
   * For {@code main}: handle SIGTERM/SIGINT as cancellation and, if the job has not stopped within
   * the grace period after cancellation, exit anyway.
   */
  public JobMain processMode() {
    this.processMode = true;
    return this;
  }

  /**
   * Where the run's CloudWatch metric lines (EMF) go instead of {@code err}, the default (in ECS,
   * stderr, whose lines the awslogs driver sends to CloudWatch Logs). For tests and for embedding:
   * keeps them apart from the one-line messages.
   */
  public JobMain metricsTo(PrintWriter sink) {
    this.metrics = sink;
    return this;
  }

  JobMain clock(Clock value) {
    this.clock = value;
    return this;
  }

  /** For a job's {@code main}. */
  public void main(String... args) {
    processMode();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(System.getenv(), out, err, args));
  }

  public int run(PrintWriter out, PrintWriter err, String... args) {
    return run(System.getenv(), out, err, args);
  }

  public int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
    LogSetup.configure(env, verbose);
    JobSession session =
        new JobSession(
            job, clock, processMode, env, out, err, metrics == null ? err : metrics, verbose);
    try {
      CommandLine cli = commandLine(env, out, err, session);
      return cli.execute(args);
    } finally {
      session.close();
      out.flush();
      err.flush();
      RunContext.clearMdc();
    }
  }

  /** Builds the command tree with the runtime's conventions applied to every command. */
  CommandLine commandLine(
      Map<String, String> env, PrintWriter out, PrintWriter err, JobSession session) {
    CommandLine cli = new CommandLine(topCommand.get());
    if (!cli.getSubcommands().containsKey("preflight")
        && !(cli.getCommand() instanceof LocalOnly)) {
      cli.addSubcommand("preflight", PreflightCommand.commandLine(cli));
    }
    applyConventions(cli);
    if (!cli.getCommandSpec().optionsMap().containsKey("-v")) {
      // -v anywhere: before the command as after it.
      cli.getCommandSpec()
          .addOption(
              OptionSpec.builder("-v", "--verbose")
                  .description("Also print stack traces of failures.")
                  .arity("0")
                  .type(boolean.class)
                  .build());
    }
    EnvDefaults.install(cli, env);
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((ex, args) -> session.invalidInput(ex, args));
    cli.setExecutionStrategy(session::execute);
    return cli;
  }

  private void applyConventions(CommandLine cli) {
    CommandSpec spec = cli.getCommandSpec();
    spec.mixinStandardHelpOptions(true);
    spec.versionProvider(new VersionProvider(job));
    spec.usageMessage().sortOptions(false);
    spec.usageMessage().showDefaultValues(false);
    spec.usageMessage().exitCodeListHeading("%nExit codes:%n");
    spec.usageMessage().exitCodeList(ExitCode.helpList());
    if (cli.getCommand() instanceof LocalOnly) {
      for (OptionSpec option : spec.options().toArray(new OptionSpec[0])) {
        if (LocalOnly.HIDDEN_OPTIONS.contains(option.longestName())) {
          spec.remove(option);
          spec.addOption(option.toBuilder().hidden(true).build());
        }
      }
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      applyConventions(sub);
    }
  }

  /** How long the job may take to stop after cancellation before the runtime exits anyway. */
  static Duration cancelGrace(Map<String, String> env) {
    return seconds(env, GRACE_VARIABLE, DEFAULT_GRACE);
  }

  static Duration seconds(Map<String, String> env, String variable, Duration fallback) {
    String v = env.get(variable);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long s = Long.parseLong(v.trim());
      if (s <= 0) {
        throw new NumberFormatException();
      }
      return Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      LOG.warn(
          "{}='{}' is not a positive number of seconds; using {}s",
          variable,
          v,
          fallback.toSeconds());
      return fallback;
    }
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
