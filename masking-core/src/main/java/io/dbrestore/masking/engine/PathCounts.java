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
        s.append(p.getKey())
            .append(" (")
            .append(p.getValue())
            .append(p.getValue() == 1 ? " document)" : " documents)");
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
