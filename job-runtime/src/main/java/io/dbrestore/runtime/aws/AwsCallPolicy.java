package io.dbrestore.runtime.aws;

import java.util.Set;

/** Which AWS operations only read. Everything else is treated as one that changes something. */
public final class AwsCallPolicy {
  private static final String[] READ_PREFIXES = {
    "Describe", "List", "Get", "Head", "Search", "Lookup", "Query", "Scan", "Validate"
  };
  private static final Set<String> READ_EXCEPTIONS = Set.of();

  private AwsCallPolicy() {}

  public static boolean isReadOnly(String operation) {
    if (operation == null) {
      return false;
    }
    if (READ_EXCEPTIONS.contains(operation)) {
      return true;
    }
    for (String prefix : READ_PREFIXES) {
      if (operation.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
