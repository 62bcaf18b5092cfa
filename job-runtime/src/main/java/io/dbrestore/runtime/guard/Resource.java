package io.dbrestore.runtime.guard;

import java.util.Objects;

/**
 * A resource a destructive call would touch: its kind ("ec2 volume", "rds cluster"), the identifier
 * that the target allowlist is matched against, and how to read its tags.
 */
public record Resource(String kind, String id, TagLookup tags) {
  public Resource {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(id);
    Objects.requireNonNull(tags);
  }

  @Override
  public String toString() {
    return kind + " " + id;
  }
}
