package io.dbrestore.runtime.preflight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;

/**
 * Evaluates permissions for a principal with {@code iam:SimulatePrincipalPolicy}: one simulation
 * per resource and set of condition keys (the keys apply to the whole request), every action on it
 * at once. Only the principal's identity policies (and its permissions boundary) are evaluated:
 * resource policies such as KMS key policies are not.
 */
final class Simulation {
  /** An action the simulation did not allow, with the decision (implicitDeny, explicitDeny). */
  record Denied(Permission permission, String decision) {
    @Override
    public String toString() {
      return permission + " (" + decision + ")";
    }
  }

  private final IamClient iam;

  Simulation(IamClient iam) {
    this.iam = iam;
  }

  /** The permissions the principal lacks, in the order given. */
  List<Denied> denied(String principalArn, List<Permission> permissions) {
    Map<String, List<Permission>> groups = new LinkedHashMap<>();
    for (Permission p : Permission.distinct(permissions)) {
      groups.computeIfAbsent(p.resource() + " " + p.context(), k -> new ArrayList<>()).add(p);
    }
    List<Denied> denied = new ArrayList<>();
    for (List<Permission> group : groups.values()) {
      Permission first = group.get(0);
      List<String> actions = group.stream().map(Permission::action).distinct().toList();
      List<ContextEntry> entries = new ArrayList<>();
      first
          .context()
          .forEach(
              (key, values) ->
                  entries.add(
                      ContextEntry.builder()
                          .contextKeyName(key)
                          .contextKeyType(
                              values.size() > 1 || key.equals("aws:TagKeys")
                                  ? ContextKeyTypeEnum.STRING_LIST
                                  : ContextKeyTypeEnum.STRING)
                          .contextKeyValues(values)
                          .build()));
      Map<String, EvaluationResult> results = new LinkedHashMap<>();
      iam.simulatePrincipalPolicyPaginator(
              r -> {
                r.policySourceArn(principalArn).actionNames(actions);
                if (!first.resource().equals("*")) {
                  r.resourceArns(first.resource());
                }
                if (!entries.isEmpty()) {
                  r.contextEntries(entries);
                }
              })
          .evaluationResults()
          .forEach(e -> results.put(e.evalActionName(), e));
      for (Permission p : group) {
        EvaluationResult result = results.get(p.action());
        if (result == null) {
          denied.add(new Denied(p, "not evaluated"));
        } else if (result.evalDecision() != PolicyEvaluationDecisionType.ALLOWED) {
          denied.add(new Denied(p, result.evalDecisionAsString()));
        }
      }
    }
    return denied;
  }

  /**
   * The IAM principal whose policies apply to a caller: for an assumed role ({@code
   * arn:aws:sts::<account>:assumed-role/<name>/<session>}) the role, {@code
   * arn:aws:iam::<account>:role/<name>} (a role with a path is not found under that ARN: give it
   * with --role-arn); an IAM user or role ARN as it is; null for anything else (the root user, a
   * federated user).
   */
  static String principalOf(String callerArn) {
    if (callerArn == null) {
      return null;
    }
    String[] parts = callerArn.split(":", 6);
    if (parts.length < 6) {
      return null;
    }
    String partition = parts[1];
    String account = parts[4];
    String resource = parts[5];
    if (parts[2].equals("sts") && resource.startsWith("assumed-role/")) {
      String[] names = resource.split("/");
      return names.length >= 2
          ? "arn:" + partition + ":iam::" + account + ":role/" + names[1]
          : null;
    }
    if (parts[2].equals("iam") && (resource.startsWith("user/") || resource.startsWith("role/"))) {
      return callerArn;
    }
    return null;
  }
}
