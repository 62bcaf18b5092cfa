package io.dbrestore.runtime.guard;

import java.util.Map;

/** Reads one resource's tags from AWS, fresh, right before a destructive call. */
@FunctionalInterface
public interface TagLookup {
  /** The resource's tags; empty when it has none. Throws when the resource does not exist. */
  Map<String, String> tags();
}
