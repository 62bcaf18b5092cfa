package io.dbrestore.runtime.guard;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A target a job never changes, whatever the allowlist says, registered by the job from what it
 * knows and the runtime does not: the cluster it copies from, a production project named by the
 * job's own option. {@link SafetyGuard#protecting} adds it; the guard checks it with the allowlist,
 * from the identifier alone (no request), right after "is an allowlist configured" and before "does
 * the identifier match it".
 *
 * @param rule the refusal's kind, e.g. {@code target-is-source}
 * @param reason why, and what to do, after "refused to &lt;op&gt; &lt;resource&gt;: "
 * @param covers which identifiers (those the allowlist is matched against) it protects
 */
public record Protection(String rule, String reason, Predicate<String> covers) {
  public Protection {
    Objects.requireNonNull(rule);
    Objects.requireNonNull(reason);
    Objects.requireNonNull(covers);
  }

  /** One identifier. */
  public static Protection identifier(String rule, String id, String reason) {
    Objects.requireNonNull(id);
    return new Protection(rule, reason, id::equals);
  }

  /** Every identifier that starts with {@code prefix}: a project, an account, a namespace. */
  public static Protection scope(String rule, String prefix, String reason) {
    Objects.requireNonNull(prefix);
    return new Protection(rule, reason, id -> id.startsWith(prefix));
  }
}
