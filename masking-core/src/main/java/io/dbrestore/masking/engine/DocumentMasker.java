package io.dbrestore.masking.engine;

import io.dbrestore.masking.strategy.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
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
    if (value instanceof Map<?, ?> map) {
      Document copy = null;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = String.valueOf(e.getKey());
        FieldTree child = node.child(name);
        String childPath = path + "." + name;
        if (child == null) {
          undeclared.accept(childPath, 1);
          continue;
        }
        Object original = e.getValue();
        Object masked = walk(child, original, childPath, undeclared);
        if (masked != original) {
          if (copy == null) {
            copy = copyOf(map);
          }
          if (masked == Strategy.REMOVE) {
            copy.remove(name);
          } else {
            copy.put(name, masked);
          }
        }
      }
      return copy == null ? value : copy;
    }
    // A scalar where the rules expect a sub-document or an array: nothing declared covers it.
    undeclared.accept(path, 1);
    return value;
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

  private static Document copyOf(Map<?, ?> map) {
    Document d = new Document();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      d.put(String.valueOf(e.getKey()), e.getValue());
    }
    return d;
  }
}
