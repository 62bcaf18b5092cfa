package io.dbrestore.masking.drift;

import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.PathCounts;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What one collection (or table) holds that its rules do not declare, found by walking its
 * documents (or JSON values) with the collection's {@link FieldTree}, the tree the masking engine
 * walks: undeclared paths down to their leaves with the shapes of their values, values of another
 * shape than declared, and the rules that matched something. Paths and counts only, never a value:
 * a name inside a sub-document that does not look like a field name makes that sub-document a map
 * ({@code prefs{}} for its keys, {@code prefs.*} for their values).
 */
public final class Findings {
  /** The engine's test for a name it prints as it is (DocumentMasker's): anything else is data. */
  private static final Pattern SHOWN_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$-]{0,63}");

  private final String leafKind;
  private final Map<String, Leaf> leaves = new LinkedHashMap<>();
  private final Map<String, Long> shapes = new TreeMap<>();
  private final Set<String> matched = new HashSet<>();
  private final Set<Object> inDocument = new HashSet<>();

  /**
   * Distinct names seen under a sub-document before it is taken for a map: names that look like
   * field names but are many (user ids as keys) are data too, and one path each would not end.
   */
  static final int MAX_NAMES = 200;

  private final Map<String, Set<String>> namesUnder = new java.util.HashMap<>();
  private final Set<String> maps = new HashSet<>();
  private long documents;

  /**
   * @param leafKind how an undeclared leaf is reported: {@code field} (MongoDB) or {@code json-key}
   */
  public Findings(String leafKind) {
    this.leafKind = leafKind;
  }

  /** Walks one document of a collection whose rules are {@code tree} (empty when undeclared). */
  public void document(FieldTree tree, Map<?, ?> document) {
    inDocument.clear();
    walkDocument(tree, document, "", true);
    documents++;
  }

  /** Walks one value of a JSON column whose rules are {@code node} (null when undeclared). */
  public void jsonValue(FieldTree node, Object value, String column) {
    inDocument.clear();
    if (node == null) {
      collect(value, column);
    } else {
      walk(node, value, column);
    }
    documents++;
  }

  /** Adds an SQL column the rules do not declare (read from the catalogue). */
  public void column(String name, Leaf.Column column) {
    leaves.put(name, new Leaf(name, "column", new ValueShapes(), column));
  }

  private final Set<String> uniqueKeys = new HashSet<>();

  /** The dotted paths a unique index covers (MongoDB: {@code contacts.email}). */
  public void uniqueKeys(java.util.Collection<String> paths) {
    uniqueKeys.addAll(paths);
  }

  /** Whether a unique index covers a path ({@code contacts[].email} is {@code contacts.email}). */
  public boolean unique(String path) {
    return uniqueKeys.contains(path.replace("[]", ""));
  }

  /** Marks a rule as matching (an SQL column that exists). */
  public void matched(String rulePath) {
    matched.add(rulePath);
  }

  public long documents() {
    return documents;
  }

  /** Undeclared leaves by path. */
  public Map<String, Leaf> leaves() {
    return leaves;
  }

  /** Values of another shape than declared: the engine's description → documents. */
  public Map<String, Long> shapes() {
    return shapes;
  }

  /** The paths (as written in the rules) of the rules that matched something. */
  public Set<String> matchedRules() {
    return matched;
  }

  private void walkDocument(FieldTree node, Map<?, ?> map, String path, boolean top) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      FieldTree child = node.child(name);
      String childPath = top ? name : path + "." + name;
      if (child == null && node.any() != null) {
        child = node.any();
        childPath = path + ".*";
      }
      if (node.keyRule() != null) {
        matched.add(node.keyRule().path().text());
      }
      if (child != null) {
        walk(child, e.getValue(), childPath);
      } else if (node.keyStrategy() != null) {
        collect(e.getValue(), path + ".*");
      } else if (!top && !SHOWN_NAME.matcher(name).matches()) {
        // Data used as a key next to declared names: no named rule can cover it.
        shape(path + ".<hidden> (a key that looks like data, next to declared fields)");
      } else if (!top && manyNames(path, name)) {
        shape(
            path
                + ".<hidden> (more than "
                + MAX_NAMES
                + " undeclared names next to declared fields: a map? declare "
                + path
                + "{} and "
                + path
                + ".*)");
      } else {
        collect(e.getValue(), childPath);
      }
    }
  }

  /** Whether the undeclared names under a declared sub-document are too many to list. */
  private boolean manyNames(String path, String name) {
    Set<String> names = namesUnder.computeIfAbsent("declared:" + path, k -> new HashSet<>());
    if (names.size() > MAX_NAMES) {
      return true;
    }
    names.add(name);
    return false;
  }

  private void walk(FieldTree node, Object value, String path) {
    if (node.isLeaf()) {
      matched.add(node.rule().path().text());
      return;
    }
    if (value == null) {
      return;
    }
    if (node.keyRule() != null) {
      matched.add(node.keyRule().path().text());
    }
    if (value instanceof List<?> list) {
      FieldTree each = node.each();
      for (Object element : list) {
        if (each == null) {
          walk(node, element, path);
        } else {
          walk(each, element, path + "[]");
        }
      }
    } else if (value instanceof Map<?, ?> map && node.expectsDocument()) {
      walkDocument(node, map, path, false);
    } else {
      shape(
          PathCounts.shape(
              path,
              shapeOf(value)
                  + " where the rules expect "
                  + (node.expectsDocument()
                      ? node.each() == null ? "a sub-document" : "a sub-document or an array"
                      : "an array")));
    }
  }

  /** Everything under an undeclared path, down to its leaves. */
  private void collect(Object value, String path) {
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        leaf(path).add(list);
      }
      for (Object element : list) {
        collect(element, path + "[]");
      }
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        leaf(path).add(map);
        return;
      }
      // Top-level names are names (the engine prints them as they are); below, one name that
      // looks like data makes the sub-document a map.
      boolean isMap =
          maps.contains(path)
              || map.keySet().stream()
                  .anyMatch(k -> !SHOWN_NAME.matcher(String.valueOf(k)).matches());
      if (!isMap) {
        Set<String> names = namesUnder.computeIfAbsent(path, k -> new HashSet<>());
        for (Object k : map.keySet()) {
          names.add(String.valueOf(k));
        }
        if (names.size() > MAX_NAMES) {
          isMap = true;
        }
      }
      if (isMap && maps.add(path)) {
        namesUnder.remove(path);
      }
      boolean topLevelDocument = path.isEmpty();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (isMap && !topLevelDocument) {
          leaf(path + "{}").add(name);
          collect(e.getValue(), path + ".*");
        } else {
          collect(e.getValue(), topLevelDocument ? name : path + "." + name);
        }
      }
    } else {
      leaf(path).add(value);
    }
  }

  private ValueShapes leaf(String path) {
    Leaf leaf = leaves.computeIfAbsent(path, p -> new Leaf(p, leafKind, new ValueShapes(), null));
    if (inDocument.add(leaf)) {
      leaf.shapes().documents++;
    }
    return leaf.shapes();
  }

  private void shape(String key) {
    if (inDocument.add("shape:" + key)) {
      shapes.merge(key, 1L, Long::sum);
    }
  }

  /** A value's shape in words, never the value (the engine's words). */
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
}
