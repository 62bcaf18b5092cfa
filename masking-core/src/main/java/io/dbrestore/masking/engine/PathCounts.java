package io.dbrestore.masking.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counts of documents per field path, per collection: undeclared paths found, or fields
 * that failed verification. Holds paths and counts only, never values.
 */
public final class PathCounts {
  private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

  /** Between a path and the shape found there in a key made by {@link #shape}. */
  private static final String HOLDING = " holding ";

  /**
   * The key under which a value of another shape than the rules declare is counted: {@code prefs
   * holding a string where the rules expect a sub-document (set to null)}. {@link #describe} puts
   * the count right after the path.
   */
  public static String shape(String path, String what) {
    return path + HOLDING + what;
  }

  public void add(String collection, String path, long n) {
    counts
        .computeIfAbsent(collection, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(path, k -> new LongAdder())
        .add(n);
  }

  public boolean isEmpty() {
    return counts.isEmpty();
  }

  /** collection → path → documents, sorted. */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> result = new TreeMap<>();
    counts.forEach(
        (collection, paths) -> {
          Map<String, Long> p = new TreeMap<>();
          paths.forEach((path, adder) -> p.put(path, adder.sum()));
          result.put(collection, p);
        });
    return result;
  }

  /** {@code app.users: contacts[].fax (12 documents), nickname (3 documents); app.orders: …} */
  public String describe(int maxPaths) {
    StringBuilder s = new StringBuilder();
    int shown = 0;
    int total = 0;
    for (Map.Entry<String, Map<String, Long>> c : snapshot().entrySet()) {
      total += c.getValue().size();
      if (shown >= maxPaths) {
        continue;
      }
      if (s.length() > 0) {
        s.append("; ");
      }
      s.append(c.getKey()).append(": ");
      boolean first = true;
      for (Map.Entry<String, Long> p : c.getValue().entrySet()) {
        if (shown >= maxPaths) {
          break;
        }
        if (!first) {
          s.append(", ");
        }
        String key = p.getKey();
        int holding = key.indexOf(HOLDING);
        String path = holding < 0 ? key : key.substring(0, holding);
        s.append(path)
            .append(" (")
            .append(p.getValue())
            .append(p.getValue() == 1 ? " document)" : " documents)");
        if (holding >= 0) {
          s.append(key, holding, key.length());
        }
        first = false;
        shown++;
      }
    }
    if (total > shown) {
      s.append("; and ").append(total - shown).append(" more");
    }
    return s.toString();
  }
}
