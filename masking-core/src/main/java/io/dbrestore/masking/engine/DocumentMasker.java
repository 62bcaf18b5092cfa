package io.dbrestore.masking.engine;

import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * Masks one document against a collection's {@link FieldTree}, and reports every field path that
 * the rules do not declare. Works on decoded {@link Document}s; never changes its input.
 *
 * <p>Changes are returned per top-level field: a field whose value changed anywhere inside is set
 * whole, a removed top-level field is unset. That keeps updates small (only what changed) and
 * simple (no positional array paths).
 */
public final class DocumentMasker {
  /** What masking one document changed. */
  public record Result(Map<String, Object> set, List<String> unset) {
    public boolean changed() {
      return !set.isEmpty() || !unset.isEmpty();
    }

    /** The MongoDB update: {@code $set} of the changed top-level fields, {@code $unset}. */
    public Document toUpdate() {
      Document update = new Document();
      if (!set.isEmpty()) {
        update.append("$set", new Document(set));
      }
      if (!unset.isEmpty()) {
        Document fields = new Document();
        unset.forEach(f -> fields.append(f, ""));
        update.append("$unset", fields);
      }
      return update;
    }
  }

  private final FieldTree tree;

  public DocumentMasker(FieldTree tree) {
    this.tree = tree;
  }

  /**
   * Masks {@code document}.
   *
   * @param undeclared receives each undeclared path (in rules syntax, {@code contacts[].fax}) and
   *     the number of times it occurs in this document
   */
  public Result mask(Document document, BiConsumer<String, Integer> undeclared) {
    Map<String, Object> set = null;
    List<String> unset = null;
    for (Map.Entry<String, Object> e : document.entrySet()) {
      String name = e.getKey();
      FieldTree node = tree.child(name);
      if (node == null) {
        undeclared.accept(name, 1);
        continue;
      }
      Object original = e.getValue();
      Object masked = walk(node, original, name, undeclared);
      if (masked == Strategy.REMOVE) {
        if (unset == null) {
          unset = new ArrayList<>(2);
        }
        unset.add(name);
      } else if (masked != original && !Objects.equals(masked, original)) {
        if (set == null) {
          set = new LinkedHashMap<>();
        }
        set.put(name, masked);
      }
    }
    return new Result(set == null ? Map.of() : set, unset == null ? List.of() : unset);
  }

  /**
   * Returns the value masked under {@code node}: the same instance when nothing changed, a new
   * value otherwise, or {@link Strategy#REMOVE}.
   */
  private static Object walk(
      FieldTree node, Object value, String path, BiConsumer<String, Integer> undeclared) {
    if (node.isLeaf()) {
      Strategy s = node.strategy();
      return s.keeps() ? value : s.mask(value);
    }
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      FieldTree each = node.each();
      if (each == null) {
        // An array where the rules expect a sub-document: walk each element as that sub-document.
        return mapList(list, element -> walk(node, element, path, undeclared));
      }
      String elementPath = path + "[]";
      return mapList(list, element -> walk(each, element, elementPath, undeclared));
    }
    if (value instanceof Map<?, ?> map && node.expectsDocument()) {
      return walkDocument(node, map, path, undeclared);
    }
    return mismatch(node, value, path, undeclared);
  }

  /**
   * A value of another shape than the rules declare at {@code path} (a string where they expect a
   * sub-document, a sub-document where they expect an array): no rule covers it, and the rules say
   * that what lies at this path holds data to mask, so it is replaced by null (never left as it is,
   * whatever the policy) and counted with the undeclared fields (under the fail policy the run
   * refuses at its end). The report names the path and the shapes, never the value.
   */
  static Object mismatch(
      FieldTree node, Object value, String path, BiConsumer<String, Integer> undeclared) {
    undeclared.accept(
        PathCounts.shape(
            path, shapeOf(value) + " where the rules expect " + expected(node) + " (set to null)"),
        1);
    return null;
  }

  /** {@code a string}, {@code an array}…: a value's shape in words, never the value. */
  static String shapeOf(Object value) {
    if (value instanceof CharSequence) {
      return "a string";
    } else if (value instanceof Boolean) {
      return "a boolean";
    } else if (value instanceof Number) {
      return "a number";
    } else if (value instanceof Map<?, ?>) {
      return "a sub-document";
    } else if (value instanceof List<?>) {
      return "an array";
    } else if (value instanceof java.util.Date || value instanceof java.time.temporal.Temporal) {
      return "a date";
    }
    return "a value of type " + value.getClass().getSimpleName();
  }

  /** What the rules expect at an inner node, in words. */
  static String expected(FieldTree node) {
    if (node.expectsDocument()) {
      return node.each() == null ? "a sub-document" : "a sub-document or an array";
    }
    return "an array";
  }

  private static final Pattern SHOWN_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$-]{0,63}");

  /** What undeclared-path reports print for a name that does not look like a field name. */
  public static final String HIDDEN_NAME = "<hidden>";

  /**
   * How a report shows the name of a field inside a sub-document: as it is when it looks like a
   * field name (a letter, {@code _} or {@code $}, then letters, digits, {@code _}, {@code $} or
   * {@code -}, at most 64), {@value #HIDDEN_NAME} otherwise: a name like {@code
   * someone@example.com} or {@code +81 90 1234} is data used as a key, and reports never print
   * data.
   */
  static String shown(String name) {
    return SHOWN_NAME.matcher(name).matches() ? name : HIDDEN_NAME;
  }

  /**
   * Masks a sub-document: each field under its named rule or the {@code *} rule, each key with the
   * {@code {}} rule's strategy (the entry keeps its value and its place).
   */
  private static Object walkDocument(
      FieldTree node, Map<?, ?> map, String path, BiConsumer<String, Integer> undeclared) {
    Strategy keys = node.keyStrategy();
    Map<String, Boolean> maskedKeys = keys == null ? null : new HashMap<>();
    // Key, value, key, value…: filled once something changes (at once when keys are masked).
    List<Object> entries = keys == null ? null : new ArrayList<>(map.size() * 2);
    boolean changed = false;
    int index = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      FieldTree child = node.child(name);
      String childPath;
      if (child != null) {
        childPath = path + "." + name;
      } else {
        child = node.any();
        childPath = path + ".*";
      }
      Object original = e.getValue();
      Object masked = original;
      if (child == null) {
        undeclared.accept(keys != null ? childPath : path + "." + shown(name), 1);
      } else {
        masked = walk(child, original, childPath, undeclared);
      }
      String key = name;
      if (keys != null) {
        key = maskKey(node, keys, name, path);
        if (maskedKeys.put(key, Boolean.TRUE) != null) {
          throw collision(node, path);
        }
      }
      if (masked != original || !key.equals(name)) {
        changed = true;
        if (entries == null) {
          entries = new ArrayList<>(map.size() * 2);
          int i = 0;
          for (Map.Entry<?, ?> before : map.entrySet()) {
            if (i++ == index) {
              break;
            }
            entries.add(String.valueOf(before.getKey()));
            entries.add(before.getValue());
          }
        }
      }
      if (entries != null) {
        entries.add(key);
        entries.add(masked);
      }
      index++;
    }
    if (!changed) {
      return map;
    }
    Document copy = new Document();
    for (int i = 0; i < entries.size(); i += 2) {
      Object masked = entries.get(i + 1);
      if (masked != Strategy.REMOVE) {
        copy.put((String) entries.get(i), masked);
      }
    }
    return copy;
  }

  private static String maskKey(FieldTree node, Strategy keys, String name, String path) {
    Object masked = keys.mask(name);
    if (masked instanceof String text) {
      return text;
    }
    // A unique text strategy masks every string to a string; anything else is a bug, not data.
    throw new MaskingException(
        MaskingException.Kind.REFUSED,
        "key-not-masked",
        where(node)
            + "a key of the sub-document at '"
            + path
            + "' did not mask to text with '"
            + node.keyRule().path()
            + "' (line "
            + node.keyRule().line()
            + "); nothing of this sub-document was written");
  }

  /**
   * Two keys of one sub-document that mask to one key (the email strategy folds case and outer
   * spaces: {@code Ann@x.test} and {@code ann@x.test} are one mailbox): merging their entries would
   * lose one value, so the run stops. Names the path and the rule, never the keys.
   */
  private static MaskingException collision(FieldTree node, String path) {
    Rules.Field rule = node.keyRule();
    return new MaskingException(
        MaskingException.Kind.REFUSED,
        "key-collision",
        where(node)
            + "two keys of one sub-document at '"
            + path
            + "' mask to the same key with '"
            + rule.path()
            + ": "
            + rule.strategy()
            + "' (line "
            + rule.line()
            + "), which would merge their entries; the run stops instead"
            + (rule.strategy().equals("email")
                ? " (email treats addresses that differ only in case or outer spaces as one):"
                    + " mask these keys with token, or make them distinct in the source"
                : ": make the keys distinct in the source"));
  }

  private static String where(FieldTree node) {
    return node.collection().isEmpty() ? "" : node.collection() + ": ";
  }

  private interface ElementMapper {
    Object apply(Object element);
  }

  private static Object mapList(List<?> list, ElementMapper mapper) {
    List<Object> copy = null;
    for (int i = 0; i < list.size(); i++) {
      Object original = list.get(i);
      Object masked = mapper.apply(original);
      if (masked != original) {
        if (copy == null) {
          copy = new ArrayList<>(list);
        }
        copy.set(i, masked == Strategy.REMOVE ? null : masked);
      }
    }
    return copy == null ? list : copy;
  }
}
