package io.dbrestore.runtime.preflight;

import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.JobMain;
import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.GuardPolicy;
import io.dbrestore.runtime.guard.Operation;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.preflight.Check.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * One preflight: the checks it made, in order, and what a job's {@link Preflighted} command uses to
 * make its own. Nothing here changes anything: its AWS clients ({@link #aws()}) let through only
 * calls that read, {@code iam:Simulate*} and requests with {@code DryRun=true}, and fail the run on
 * any other.
 */
public final class Preflight implements AutoCloseable {
  /** The kind (in Sentry and the task failure) of a preflight with a failed check: exit 3. */
  public static final String FAILED_KIND = "preflight-failed";

  /** The kind of the fault when a preflight tried a call that changes something. */
  public static final String VIOLATION = "preflight-violation";

  static final String SIMULATE_DENIED =
      "not checked: grant iam:SimulatePrincipalPolicy on the role to check";

  /**
   * A preflight answers within a minute or so even when AWS cannot be reached: fewer attempts than
   * a night's run, which rides out throttling.
   */
  static final AwsClients.Settings SETTINGS =
      new AwsClients.Settings(
          3, java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(20));

  private final JobContext context;
  private final PreflightOptions options;
  private final String command;
  private final List<Check> checks = new ArrayList<>();
  private AwsClients aws;
  private String account;
  private String callerArn;

  private Preflight(JobContext context, PreflightOptions options, String command) {
    this.context = context;
    this.options = options;
    this.command = command;
  }

  /**
   * A preflight of {@code command} (null: of the deployment alone), with the checks every one
   * makes: identity, the guard, reporting. For the runtime's {@code preflight}.
   */
  public static Preflight start(JobContext context, PreflightOptions options, String command) {
    Preflight p = new Preflight(context, options, command);
    p.identity();
    p.guard(command != null);
    p.reporting();
    return p;
  }

  public JobContext context() {
    return context;
  }

  /**
   * AWS clients that cannot change anything: a call that is not a read, a simulation or a dry run
   * fails the preflight (exit 1) before it is sent.
   */
  public synchronized AwsClients aws() {
    if (aws == null) {
      aws = AwsClients.preflight(SETTINGS);
    }
    return aws;
  }

  /** The account, from the identity check; null when STS could not tell. */
  public String account() {
    return account;
  }

  /** The region the clients call. */
  public String region() {
    return aws().sts().serviceClientConfiguration().region().id();
  }

  /** The partition of the caller's ARN ({@code aws}, {@code aws-cn}, …). */
  public String partition() {
    return callerArn == null ? "aws" : callerArn.split(":")[1];
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }

  public void add(Check check) {
    checks.add(check);
  }

  public void ok(String name, String detail) {
    add(new Check(name, Status.OK, detail));
  }

  public void failed(String name, String detail) {
    add(new Check(name, Status.FAILED, detail));
  }

  public void warning(String name, String detail) {
    add(new Check(name, Status.WARNING, detail));
  }

  public void skipped(String name, String detail) {
    add(new Check(name, Status.SKIPPED, detail));
  }

  /**
   * Runs one check: ok with the detail it returns; failed with the message of what it throws (a
   * {@link JobException}'s own, which says what to do; AWS's error code otherwise), never a crash.
   */
  public void check(String name, Callable<String> body) {
    try {
      ok(name, body.call());
    } catch (JobException e) {
      if (VIOLATION.equals(e.kind())) {
        throw e; // a bug, not a finding: exit 1
      }
      failed(name, e.getMessage());
    } catch (AwsServiceException e) {
      failed(name, describe(e));
    } catch (Exception e) {
      failed(name, Redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  /** What went wrong, for a check's detail: a job's message, AWS's error code, else the type. */
  public static String reason(Exception e) {
    if (e instanceof JobException j) {
      return j.getMessage();
    }
    if (e instanceof AwsServiceException a) {
      return describe(a);
    }
    return Redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  static String describe(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String service =
        e.awsErrorDetails() == null ? "AWS" : String.valueOf(e.awsErrorDetails().serviceName());
    return service
        + " answered "
        + (code == null ? "HTTP " + e.statusCode() : code)
        + (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
            ? ": " + Redactor.redact(e.awsErrorDetails().errorMessage())
            : "");
  }

  // --- the checks every preflight makes ---------------------------------------------------------

  /** Who the credentials are: sts:GetCallerIdentity. */
  void identity() {
    try {
      GetCallerIdentityResponse id = aws().sts().getCallerIdentity();
      account = id.account();
      callerArn = id.arn();
      ok("identity", "account " + account + " as " + callerArn);
    } catch (SdkException e) {
      failed(
          "identity",
          "sts:GetCallerIdentity failed ("
              + reason(e)
              + "): the safety guard refuses to act without knowing the account; check the"
              + " credentials, the network and sts:GetCallerIdentity on the role");
    }
  }

  /** What the safety guard allows in this account. */
  void guard(boolean forCommand) {
    GuardPolicy policy = context.guardPolicy();
    Set<String> refused = new TreeSet<>();
    if (account != null) {
      for (Operation op : policy.protectedAccounts().getOrDefault(account, Set.of())) {
        refused.add(op.cliName());
      }
    }
    String protectedHere =
        refused.isEmpty() ? "" : "; account " + account + " is protected for " + refused;
    if (policy.allowlist() == null) {
      String detail =
          "no --target-allowlist (DBRESTORE_TARGET_ALLOWLIST): every destructive call will be"
              + " refused"
              + protectedHere;
      if (forCommand) {
        failed("guard", detail);
      } else {
        warning("guard", detail);
      }
    } else {
      ok("guard", "target allowlist '" + policy.allowlist().pattern() + "'" + protectedHere);
    }
  }

  /** Sentry, the task token and the log link: set or not (never a failure). */
  void reporting() {
    Map<String, String> env = context.env();
    if (env.containsKey("SENTRY_DSN")) {
      ok("sentry", "SENTRY_DSN is set");
    } else {
      warning("sentry", "SENTRY_DSN is not set: failures are not reported to Sentry");
    }
    if (env.containsKey(JobMain.TASK_TOKEN_VARIABLE)) {
      ok("task token", JobMain.TASK_TOKEN_VARIABLE + " is set: the result goes to Step Functions");
    } else {
      skipped("task token", "not started by Step Functions");
    }
    Optional<String> link = context.run().task().logLink();
    if (link.isPresent()) {
      ok("log link", link.get());
    } else {
      skipped("log link", "not running as an ECS task with awslogs");
    }
  }

  // --- what a job's command adds -----------------------------------------------------------------

  /**
   * The safety guard would let {@code op} on this identifier through (allowlist, protections,
   * account): what it decides before it reads any tag.
   */
  public void guardAllows(Operation op, String kind, String id) {
    String name = "guard: " + op.cliName() + " " + kind + " " + id;
    if (account == null) {
      skipped(name, "the account is not known");
      return;
    }
    check(
        name,
        () -> {
          context.guard().checkPlanned(op, kind, id);
          return "allowed by the target allowlist in account " + account;
        });
  }

  /**
   * The command's permissions, evaluated for the task role with {@code
   * iam:SimulatePrincipalPolicy}: failed naming each denied action and its resource; a warning when
   * the simulation itself cannot be run.
   */
  public void permissions(List<Permission> permissions) {
    String name = "permissions";
    String principal =
        options.roleArn != null ? options.roleArn : Simulation.principalOf(callerArn);
    if (principal == null) {
      skipped(
          name,
          callerArn == null
              ? "the caller is not known"
              : "not checked: "
                  + callerArn
                  + " is no IAM role or user; give --role-arn <task role> to check one");
      return;
    }
    List<Simulation.Denied> denied;
    try {
      denied =
          new Simulation(aws().client(IamClient.class, IamClient::builder))
              .denied(principal, permissions);
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (e.statusCode() == 403 || "AccessDenied".equals(code)) {
        warning(name, SIMULATE_DENIED + " (" + principal + ")");
      } else if ("NoSuchEntity".equals(code)) {
        warning(
            name,
            "not checked: IAM does not know "
                + principal
                + " (a role with a path?): give its ARN with --role-arn");
      } else {
        warning(name, "not checked: " + describe(e));
      }
      return;
    } catch (SdkException e) {
      rethrowViolation(e);
      warning(name, "not checked: " + Redactor.redact(e.getMessage()));
      return;
    }
    List<Permission> distinct = Permission.distinct(permissions);
    if (denied.isEmpty()) {
      long actions = distinct.stream().map(Permission::action).distinct().count();
      ok(
          name,
          actions
              + " actions on "
              + distinct.stream().map(Permission::resource).distinct().count()
              + " resources allowed for "
              + principal
              + " (identity policies; key and resource policies are not evaluated)");
    } else {
      failed(
          name,
          "denied for "
              + principal
              + ": "
              + denied.stream().map(Simulation.Denied::toString).collect(Collectors.joining("; ")));
    }
  }

  /**
   * A probe with EC2's {@code DryRun=true}: AWS checks the permission (with the request's real
   * conditions) and answers {@code DryRunOperation} when it would be allowed, {@code
   * UnauthorizedOperation} when not; nothing is done either way.
   */
  public void dryRun(String name, Runnable call) {
    try {
      call.run();
      failed(name, "the call succeeded: it was not a dry run (a bug in dbrestore; report it)");
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      switch (code) {
        case "DryRunOperation" -> ok(name, "allowed (DryRun)");
        case "UnauthorizedOperation" ->
            failed(name, "denied (DryRun answered UnauthorizedOperation): grant it to the role");
        default -> warning(name, "not checked: " + describe(e));
      }
    } catch (SdkException e) {
      rethrowViolation(e);
      warning(name, "not checked: " + Redactor.redact(e.getMessage()));
    }
  }

  /** A call the preflight's clients stopped is a bug, whatever the SDK wrapped it in: exit 1. */
  private static void rethrowViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JobException j && VIOLATION.equals(j.kind())) {
        throw j;
      }
    }
  }

  /**
   * A target the command changes exists and carries {@value Tags#MANAGED}=true, as the guard
   * requires. {@code tags} empty: it does not exist ({@code absent} says whether that fails).
   */
  public void managed(
      String kind,
      String id,
      String managedTag,
      Optional<Map<String, String>> tags,
      Status absent,
      String absentDetail) {
    String name = "target " + kind + " " + id;
    if (tags.isEmpty()) {
      add(
          new Check(
              name, absent, "does not exist" + (absentDetail == null ? "" : ": " + absentDetail)));
    } else if (Tags.isManaged(tags.get())) {
      ok(name, "exists and carries " + managedTag + "=true");
    } else {
      failed(
          name,
          "exists but does not carry "
              + managedTag
              + "=true, which the safety guard requires before it changes it; tag it only if"
              + " dbrestore may destroy it");
    }
  }

  /** The same with the tag as AWS spells it: {@code dbrestore:managed}. */
  public void managed(
      String kind,
      String id,
      Optional<Map<String, String>> tags,
      Status absent,
      String absentDetail) {
    managed(kind, id, Tags.MANAGED, tags, absent, absentDetail);
  }

  // --- the result -------------------------------------------------------------------------------

  /** ok, warnings or failed. */
  public String verdict() {
    if (checks.stream().anyMatch(c -> c.status() == Status.FAILED)) {
      return "failed";
    }
    return checks.stream().anyMatch(c -> c.status() == Status.WARNING) ? "warnings" : "ok";
  }

  /**
   * Prints the result (the checklist on a terminal, else JSON) and returns what the runtime prints
   * as the command's result; throws exit 3 ({@value #FAILED_KIND}) when a check failed.
   */
  public Object finish(String job) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("preflight", command == null ? job : job + " " + command);
    result.put("verdict", verdict());
    result.put("account", account);
    result.put("checks", checks());
    PrintWriter out = context.out();
    boolean text = options.text();
    List<Check> failedChecks = checks.stream().filter(c -> c.status() == Status.FAILED).toList();
    if (text) {
      for (Check c : checks) {
        out.println(
            c.status().mark() + " " + c.name() + (c.detail().isEmpty() ? "" : ": " + c.detail()));
      }
      out.println(verdictLine(failedChecks));
      out.flush();
    }
    if (!failedChecks.isEmpty()) {
      if (!text) {
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("job", job);
        full.put("status", "REFUSED");
        full.putAll(result);
        try {
          out.println(Redactor.redact(JSON.writeValueAsString(full)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
        out.flush();
      }
      throw JobException.refused(
          FAILED_KIND,
          "preflight failed: "
              + failedChecks.stream()
                  .map(c -> c.name() + " (" + c.detail() + ")")
                  .collect(Collectors.joining("; ")));
    }
    if (text) {
      // The runtime prints the result as one JSON line after the checklist: keep it short.
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("preflight", result.get("preflight"));
      summary.put("verdict", verdict());
      return summary;
    }
    return result;
  }

  private String verdictLine(List<Check> failedChecks) {
    long warnings = checks.stream().filter(c -> c.status() == Status.WARNING).count();
    if (!failedChecks.isEmpty()) {
      return "FAILED: "
          + failedChecks.size()
          + " of "
          + checks.size()
          + " checks failed ("
          + failedChecks.stream().map(Check::name).collect(Collectors.joining(", "))
          + "); exit 3";
    }
    return warnings == 0
        ? "OK: all " + checks.size() + " checks passed"
        : "OK with "
            + warnings
            + " warning"
            + (warnings == 1 ? "" : "s")
            + ": "
            + checks.size()
            + " checks, none failed";
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  @Override
  public void close() {
    if (aws != null) {
      aws.close();
    }
  }
}
