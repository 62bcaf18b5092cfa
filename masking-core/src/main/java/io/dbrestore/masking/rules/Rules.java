package io.dbrestore.masking.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded rules file: per database (or schema), per collection (or table), what to do.
 *
 * <p>Maps keep the file's order (databases, collections, fields, options), so that messages and
 * reports follow the file.
 *
 * @param source where it was loaded from, for messages
 * @param sha256 hex SHA-256 of the file's bytes: checkpoints are tied to it, so a changed rules
 *     file never resumes a copy half-masked under the old one
 * @param version the version of the object the rules were read from (an S3 version ID), or null for
 *     a local file
 */
public record Rules(
    String source, String sha256, String version, Policy policy, Map<String, Database> databases) {
  public Rules {
    databases = ordered(databases);
  }

  public Rules(String source, String sha256, Policy policy, Map<String, Database> databases) {
    this(source, sha256, null, policy, databases);
  }

  /** The same rules, read from the given version of their object. */
  public Rules withVersion(String objectVersion) {
    return new Rules(source, sha256, objectVersion, policy, databases);
  }

  /** What to do with what the rules do not mention. */
  public record Policy(Action undeclaredCollections, Action undeclaredFields) {
    public static final Policy STRICT = new Policy(Action.FAIL, Action.FAIL);
  }

  /** Fail the run (exit 3) or only warn. */
  public enum Action {
    FAIL,
    WARN
  }

  /** A database (MongoDB) or schema (SQL). */
  public record Database(String name, Map<String, Collection> collections, int line) {
    public Database {
      collections = ordered(collections);
    }
  }

  /** What happens to a collection (or table). */
  public enum Mode {
    /** Masked with field rules; every field must be declared. */
    MASK,
    /** No personal data: left as it is. */
    KEEP,
    /** Emptied ({@code drop} or {@code truncate} in the file): every document or row deleted. */
    EMPTY
  }

  /** A collection (or table) and its field rules (empty unless the mode is MASK). */
  public record Collection(String name, Mode mode, List<Field> fields, int line) {
    public Collection {
      fields = List.copyOf(fields);
    }
  }

  /**
   * One field rule.
   *
   * @param strategy the strategy name ({@code keep} included)
   * @param options the strategy's options (empty for the short form {@code email: email})
   * @param line the line in the rules file, for messages
   */
  public record Field(FieldPath path, String strategy, Map<String, Object> options, int line) {
    public Field {
      options = ordered(options);
    }
  }

  public Optional<Database> database(String name) {
    return Optional.ofNullable(databases.get(name));
  }

  /** An unmodifiable copy that keeps iteration order (unlike {@link Map#copyOf}); no nulls. */
  private static <K, V> Map<K, V> ordered(Map<K, V> map) {
    Map<K, V> copy = new LinkedHashMap<>(map);
    copy.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "key");
          Objects.requireNonNull(v, "value");
        });
    return Collections.unmodifiableMap(copy);
  }
}
