package io.dbrestore.runtime.guard;

import io.dbrestore.runtime.contract.Tags;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.plan.DryRunPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>A job may add what the runtime cannot know ({@link #protecting}: targets it never changes,
 * such as the cluster it copies from; {@link #identifiedAs}: the shape of its identifiers, for
 * messages). The checks come in three parts that each job may also call alone: {@link
 * #checkIdentifier} from the identifier only, no request at all (allowlist, protections); the
 * account ({@code sts:GetCallerIdentity}); {@link #checkManaged}, the tags.
 */
public final class SafetyGuard {
  private static final Logger LOG = LoggerFactory.getLogger(SafetyGuard.class);

  private final GuardPolicy policy;
  private final Supplier<String> callerAccount;
  private final boolean dryRun;
  private final PrintWriter plan;
  private final List<Protection> protections;
  private final String identifierShape;

  public SafetyGuard(
      GuardPolicy policy, Supplier<String> callerAccount, boolean dryRun, PrintWriter plan) {
    this(policy, callerAccount, dryRun, plan, List.of(), null);
  }

  private SafetyGuard(
      GuardPolicy policy,
      Supplier<String> callerAccount,
      boolean dryRun,
      PrintWriter plan,
      List<Protection> protections,
      String identifierShape) {
    this.policy = policy;
    this.callerAccount = callerAccount;
    this.dryRun = dryRun;
    this.plan = plan;
    this.protections = List.copyOf(protections);
    this.identifierShape = identifierShape;
  }

  public boolean dryRun() {
    return dryRun;
  }

  /**
   * This guard, also refusing every target one of {@code more} covers (checked in the order added,
   * after these guard's own). The guard it is called on is unchanged.
   */
  public SafetyGuard protecting(Protection... more) {
    List<Protection> all = new ArrayList<>(protections);
    all.addAll(Arrays.asList(more));
    return new SafetyGuard(policy, callerAccount, dryRun, plan, all, identifierShape);
  }

  /**
   * This guard, naming the shape of the identifiers its allowlist is matched against in its
   * refusals, e.g. {@code <project-id>/<cluster>}: for jobs whose identifiers are built from parts,
   * so that a refusal shows the identifier as matched and what a pattern must look like.
   */
  public SafetyGuard identifiedAs(String shape) {
    return new SafetyGuard(policy, callerAccount, dryRun, plan, protections, shape);
  }

  /** Refuses (exit 3) unless {@code op} on {@code resource} is allowed. */
  public void check(Operation op, Resource resource) {
    checkPlanned(op, resource.kind(), resource.id());
    checkManaged(op, resource);
  }

  /**
   * The managed-tag rule alone (it reads the tags, and nothing else): refuses (exit 3) unless the
   * resource carries {@value io.dbrestore.runtime.contract.Tags#MANAGED}={@code true}, spelled as
   * its {@link TagLookup} reads it. For a check before the whole {@link #check}, without asking for
   * the account yet.
   */
  public void checkManaged(Operation op, Resource resource) {
    Map<String, String> tags = resource.tags().tags();
    if (!"true".equals(tags.get(Tags.MANAGED))) {
      throw JobException.refused(
          "unmanaged-resource",
          "refused to "
              + op.cliName()
              + " "
              + resource
              + ": it does not carry the "
              + resource.tags().managedTag()
              + "=true, so dbrestore did not create it; tag it only if dbrestore may destroy it");
    }
  }

  /**
   * The checks that need no tags, for a resource a run will create and later change or delete:
   * refuses (exit 3) before anything is created when the account is protected for {@code op}, or
   * {@link #checkIdentifier} refuses the identifier, instead of after hours of work.
   */
  public void checkPlanned(Operation op, String kind, String id) {
    String resource = kind + " " + id;
    checkAccount(op, resource);
    checkIdentifier(op, kind, id);
  }

  private void checkAccount(Operation op, String resource) {
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
  }

  /**
   * The checks that need nothing but the identifier, so no request at all (not even for the
   * account), in this order: an allowlist is configured; no {@link #protecting protection} covers
   * the identifier; the identifier matches the allowlist. Refuses with exit 3.
   */
  public void checkIdentifier(Operation op, String kind, String id) {
    String refused = "refused to " + op.cliName() + " " + kind + " " + id + ": ";
    if (policy.allowlist() == null) {
      throw JobException.refused(
          "no-allowlist",
          refused
              + "no target allowlist is configured; set --target-allowlist (env"
              + " DBRESTORE_TARGET_ALLOWLIST) to a pattern of "
              + (identifierShape == null ? "the resources" : identifierShape)
              + " this job may change");
    }
    for (Protection p : protections) {
      if (p.covers().test(id)) {
        throw JobException.refused(p.rule(), refused + p.reason());
      }
    }
    if (!policy.allowlist().matcher(id).matches()) {
      throw JobException.refused(
          "not-allowlisted",
          refused
              + (identifierShape == null ? "it" : "'" + id + "'")
              + " does not match the target allowlist '"
              + policy.allowlist().pattern()
              + "'"
              + (identifierShape == null ? "" : ", a pattern of " + identifierShape)
              + "; fix the target name or the allowlist");
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
      new DryRunPlan(plan).call(awsCall, op.cliName() + " " + resource);
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
