package io.dbrestore.operator;

import io.dbrestore.masking.cli.rules.RulesCommand;
import io.dbrestore.masking.cli.rules.RulesHost;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.cli.VersionProvider;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.LogSetup;
import io.dbrestore.runtime.log.Redactor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The entry point of the operator CLI: parses the command line, runs the command and maps whatever
 * happens to an exit code ({@link ExitCode}, the jobs' codes) and one line on stderr per problem.
 *
 * <p>{@link #run} is the testable entry point; {@code main} only exits with its result.
 */
public final class OperatorMain {
  private Clock clock = Clock.systemDefaultZone();
  private Session.Sleeper sleeper = d -> Thread.sleep(d.toMillis());
  private Boolean terminal;

  /** For tests: a fixed clock and a sleeper that does not sleep. */
  OperatorMain time(Clock value, Session.Sleeper sleep) {
    this.clock = value;
    this.sleeper = sleep;
    return this;
  }

  /** For tests: whether stdout is taken for a terminal (by default, whether it is one). */
  OperatorMain terminal(boolean value) {
    this.terminal = value;
    return this;
  }

  /**
   * Stdout is a terminal that takes cursor movement: Java 17 has a console only when stdin and
   * stdout are terminals; TERM=dumb (an editor's shell, some CI) draws no cursor movement.
   */
  private static boolean isTerminal(Map<String, String> env) {
    return System.console() != null && !"dumb".equals(env.get("TERM"));
  }

  public void main(String... args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(System.getenv(), out, err, args));
  }

  public int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
    LogSetup.configure(env, verbose);
    boolean tty = terminal != null ? terminal : isTerminal(env);
    try (Session session = new Session(env, out, err, clock, sleeper, tty)) {
      CommandLine cli = new CommandLine(new Operator());
      InputFlags.install(cli.getSubcommands().get("run").getCommandSpec(), InputSchema.all());
      applyConventions(cli);
      RulesCommand.hideJobOptions(cli);
      cli.setOut(out);
      cli.setErr(err);
      cli.setCaseInsensitiveEnumValuesAllowed(true);
      cli.setParameterExceptionHandler((ex, a) -> fail(err, ex.getCommandLine(), ex, verbose));
      cli.setExecutionExceptionHandler((ex, cl, parsed) -> fail(err, cl, ex, verbose));
      cli.setExecutionStrategy(parsed -> execute(parsed, session));
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static int execute(ParseResult parsed, Session session) {
    Integer help = CommandLine.executeHelpRequest(parsed);
    if (help != null) {
      return help;
    }
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    if (leaf.commandSpec().userObject() instanceof OperatorCommand command) {
      command.session(session);
    }
    if (leaf.commandSpec().userObject() instanceof RulesHost.Standalone rules) {
      // rules check|diff: job commands (a job image runs them too), run here without a job's
      // runtime, with this session's environment, outputs and credentials.
      try {
        return rules.run(new OperatorRulesHost(session));
      } catch (Exception e) {
        throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), "rules", e);
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  private static void applyConventions(CommandLine cli) {
    CommandSpec spec = cli.getCommandSpec();
    spec.mixinStandardHelpOptions(true);
    spec.versionProvider(new VersionProvider("dbrestore"));
    spec.usageMessage().sortOptions(false);
    spec.usageMessage().showDefaultValues(false);
    spec.usageMessage().exitCodeListHeading("%nExit codes:%n");
    spec.usageMessage().exitCodeList(ExitCode.helpList());
    for (CommandLine sub : cli.getSubcommands().values()) {
      applyConventions(sub);
    }
  }

  /** One line per problem on stderr, prefixed with the command; the exit code. */
  static int fail(PrintWriter err, CommandLine cl, Throwable t, boolean verbose) {
    String command = cl.getCommandSpec().qualifiedName();
    ExitCode code;
    String message;
    if (t instanceof JobException e) {
      code = e.exitCode();
      message = e.getMessage();
    } else if (t instanceof ParameterException e) {
      code = ExitCode.INVALID_INPUT;
      String suggestion = "";
      if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
        suggestion = "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
      }
      message =
          e.getMessage().replaceAll("[\\r\\n]+", " ").trim()
              + suggestion
              + " (see '"
              + command
              + " --help')";
    } else if (t instanceof SdkClientException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("Unable to load region")) {
        code = ExitCode.INVALID_INPUT;
        message = "no AWS region: pass --region or set AWS_REGION";
      } else if (m.contains("Unable to load credentials")) {
        code = ExitCode.INVALID_INPUT;
        message = "no AWS credentials: log in (aws sso login) or set AWS_PROFILE";
      } else {
        code = ExitCode.FAULT;
        message = "calling AWS failed: " + Text.firstLine(m);
      }
    } else if (t instanceof AwsServiceException e) {
      AwsErrorDetails details = e.awsErrorDetails();
      String service = details == null ? "AWS" : details.serviceName();
      String error = details == null ? "" : details.errorCode();
      code = ExitCode.FAULT;
      message =
          service
              + " refused the call ("
              + (error == null || error.isEmpty() ? "HTTP " + e.statusCode() : error)
              + "): "
              + Text.firstLine(details == null ? e.getMessage() : details.errorMessage());
    } else {
      code = ExitCode.FAULT;
      message =
          "unexpected "
              + t.getClass().getSimpleName()
              + ": "
              + Text.firstLine(t.getMessage())
              + " (a bug: re-run with -v for the stack trace)";
    }
    for (String line : String.valueOf(message).split("\\R")) {
      err.println(command + ": " + Redactor.redact(line));
    }
    if (verbose) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      err.print(Redactor.redact(trace.toString()));
    }
    err.flush();
    return code.code();
  }
}
