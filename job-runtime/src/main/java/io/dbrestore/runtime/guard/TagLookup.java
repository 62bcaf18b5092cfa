package io.dbrestore.runtime.guard;

import io.dbrestore.runtime.contract.Tags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads one resource's tags where it lives (AWS; Atlas through {@link #spelledAs}), fresh, right
 * before a destructive call.
 */
@FunctionalInterface
public interface TagLookup {
  /** The resource's tags; empty when it has none. Throws when the resource does not exist. */
  Map<String, String> tags();

  /** How refusals name the managed tag where these tags are read: {@code tag dbrestore:managed}. */
  default String managedTag() {
    return "tag " + Tags.MANAGED;
  }

  /**
   * Tags read where the managed tag is spelled otherwise, such as in MongoDB Atlas, whose tag keys
   * may not contain ':' ({@code dbrestore-managed}): the value of {@code key} there is what the
   * guard reads as {@value io.dbrestore.runtime.contract.Tags#MANAGED}, and refusals name it as
   * {@code where key}, e.g. "the Atlas tag dbrestore-managed=true".
   *
   * @param where what the tags are called there, e.g. {@code Atlas tag}
   */
  static TagLookup spelledAs(String where, String key, TagLookup read) {
    Objects.requireNonNull(where);
    Objects.requireNonNull(key);
    Objects.requireNonNull(read);
    return new TagLookup() {
      @Override
      public Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>(read.tags());
        String managed = tags.remove(key);
        // Only the spelling of that place counts.
        tags.remove(Tags.MANAGED);
        if (managed != null) {
          tags.put(Tags.MANAGED, managed);
        }
        return tags;
      }

      @Override
      public String managedTag() {
        return where + " " + key;
      }
    };
  }
}
