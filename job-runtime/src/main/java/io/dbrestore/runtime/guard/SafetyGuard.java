package io.dbrestore.runtime.guard;

import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single gate for every destructive AWS call (delete, stop, detach, restore over, overwrite,
 * modify). A call goes through only when the caller's account is not protected for the operation,
 * the resource carries {@code dbrestore:managed=true} (read fresh from AWS), and its identifier
 * matches the job's target allowlist. A refusal is exit 3, naming the resource and the rule.
 *
 * <p>In a dry run the checks still run (they only read), the call is printed to the plan instead of
 * being made, and {@link #perform} returns empty.
 */
public final class SafetyGuard {
  private static final Logger LOG = LoggerFactory.getLogger(SafetyGuard.class);

  private final GuardPolicy policy;
  private final Supplier<String> callerAccount;
  private final boolean dryRun;
  private final PrintWriter plan;

  public SafetyGuard(
      GuardPolicy policy, Supplier<String> callerAccount, boolean dryRun, PrintWriter plan) {
    this.policy = policy;
    this.callerAccount = callerAccount;
    this.dryRun = dryRun;
    this.plan = plan;
  }

  public boolean dryRun() {
    return dryRun;
  }

  /** Refuses (exit 3) unless {@code op} on {@code resource} is allowed. */
  public void check(Operation op, Resource resource) {
    checkPlanned(op, resource.kind(), resource.id());
    Map<String, String> tags = resource.tags().tags();
    if (!"true".equals(tags.get(Tags.MANAGED))) {
      throw JobException.refused(
          "unmanaged-resource",
          "refused to "
              + op.cliName()
              + " "
              + resource
              + ": it does not carry the tag "
              + Tags.MANAGED
              + "=true, so dbrestore did not create it; tag it only if dbrestore may destroy it");
    }
  }

  /**
   * The checks that need no tags, for a resource a run will create and later change or delete:
   * refuses (exit 3) before anything is created when the account is protected for {@code op} or the
   * identifier is outside the allowlist, instead of after hours of work.
   */
  public void checkPlanned(Operation op, String kind, String id) {
    String resource = kind + " " + id;
    String account = callerAccount.get();
    Set<Operation> protectedOps = policy.protectedAccounts().getOrDefault(account, Set.of());
    if (protectedOps.contains(op)) {
      throw JobException.refused(
          "protected-account",
          "refused to "
              + op.cliName()
              + " "
              + resource
              + ": account "
              + account
              + " is protected for "
              + op.cliName()
              + " (--protected-account); run this step in the account it is meant for");
    }
    if (policy.allowlist() == null) {
      throw JobException.refused(
          "no-allowlist",
          "refused to "
              + op.cliName()
              + " "
              + resource
              + ": no target allowlist is configured; set --target-allowlist (env"
              + " DBRESTORE_TARGET_ALLOWLIST) to a pattern of the resources this job may change");
    }
    if (!policy.allowlist().matcher(id).matches()) {
      throw JobException.refused(
          "not-allowlisted",
          "refused to "
              + op.cliName()
              + " "
              + resource
              + ": it does not match the target allowlist '"
              + policy.allowlist().pattern()
              + "'; fix the target name or the allowlist");
    }
  }

  /**
   * Checks, then runs {@code call} unless this is a dry run. {@code awsCall} names the call for the
   * plan, e.g. {@code ec2:DeleteVolume}.
   */
  public <T> Optional<T> perform(
      Operation op, Resource resource, String awsCall, Supplier<T> call) {
    check(op, resource);
    if (dryRun) {
      plan.println("[dry-run] would call " + awsCall + " to " + op.cliName() + " " + resource);
      plan.flush();
      return Optional.empty();
    }
    LOG.info("{} {} ({}): allowed by the safety guard", op.cliName(), resource, awsCall);
    return Optional.ofNullable(call.get());
  }

  /** For calls with no result. */
  public void perform(Operation op, Resource resource, String awsCall, Runnable call) {
    perform(
        op,
        resource,
        awsCall,
        () -> {
          call.run();
          return Boolean.TRUE;
        });
  }
}
