package io.dbrestore.runtime.guard;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the safety guard allows: resources whose identifier matches the target allowlist, in an
 * account that is not protected for the operation, and that carry {@value
 * io.dbrestore.runtime.contract.Tags#MANAGED}={@code true}.
 *
 * @param allowlist full-match pattern for identifiers; {@code null} refuses everything
 * @param protectedAccounts account id to the operations that are never allowed in it
 */
public record GuardPolicy(Pattern allowlist, Map<String, Set<Operation>> protectedAccounts) {
  public GuardPolicy {
    protectedAccounts = Map.copyOf(protectedAccounts);
  }

  /**
   * Parses {@code --protected-account} values: {@code 111122223333} (every destructive operation)
   * or {@code 111122223333:delete+restore-over}.
   */
  public static Map<String, Set<Operation>> parseProtectedAccounts(List<String> values) {
    Map<String, Set<Operation>> result = new LinkedHashMap<>();
    for (String value : values) {
      String v = value.trim();
      if (v.isEmpty()) {
        continue;
      }
      String[] parts = v.split(":", 2);
      String account = parts[0].trim();
      if (!account.matches("\\d{12}")) {
        throw new IllegalArgumentException(
            "protected account '" + account + "' is not a 12-digit AWS account id");
      }
      Set<Operation> ops = EnumSet.noneOf(Operation.class);
      if (parts.length == 1 || parts[1].isBlank()) {
        ops.addAll(EnumSet.allOf(Operation.class));
      } else {
        for (String op : parts[1].split("\\+")) {
          ops.add(Operation.parse(op));
        }
      }
      result.merge(
          account,
          ops,
          (a, b) -> {
            Set<Operation> merged = EnumSet.copyOf(a);
            merged.addAll(b);
            return merged;
          });
    }
    return result;
  }
}
