package io.dbrestore.runtime;

import io.dbrestore.runtime.guard.GuardPolicy;
import io.dbrestore.runtime.guard.Operation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;

/**
 * {@code <job> preflight}: checks a deployment's configuration without changing anything: which AWS
 * account this is, what the safety guard would allow in it, and whether Sentry, the task token and
 * the log link are set up. Every job has it.
 */
@Command(
    name = "preflight",
    description = {
      "Check this deployment's configuration and AWS access; changes nothing.",
      "Prints the AWS account, what the safety guard allows in it, and whether Sentry, the Step"
          + " Functions task token and the log link are set up."
    })
public final class PreflightCommand extends JobCommand {
  @Override
  protected Duration defaultTimeout() {
    return Duration.ofMinutes(5);
  }

  @Override
  protected boolean emitsMetrics() {
    return false;
  }

  @Override
  protected Object execute(JobContext context) {
    context.step("preflight");
    Map<String, Object> result = new LinkedHashMap<>();
    String account = context.callerAccount();
    result.put("account", account);
    GuardPolicy policy = context.guardPolicy();
    result.put("targetAllowlist", policy.allowlist() == null ? null : policy.allowlist().pattern());
    Set<String> refused = new TreeSet<>();
    for (Operation op : policy.protectedAccounts().getOrDefault(account, Set.of())) {
      refused.add(op.cliName());
    }
    result.put("protectedOperationsHere", refused);
    result.put("sentry", context.env().containsKey("SENTRY_DSN"));
    result.put("taskToken", context.env().containsKey(JobMain.TASK_TOKEN_VARIABLE));
    result.put("logLink", context.run().task().logLink().orElse(null));
    if (policy.allowlist() == null) {
      result.put("warning", "no --target-allowlist: every destructive call will be refused");
    }
    return result;
  }
}
