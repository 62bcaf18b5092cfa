package io.dbrestore.demo;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.types.ObjectId;

/** One document before and after masking, side by side: one line per field. */
final class BeforeAfter {
  static final int WIDTH = 34;

  private BeforeAfter() {}

  static String render(String collection, Document before, Document after) {
    Map<String, String> b = flatten(before);
    Map<String, String> a = after == null ? Map.of() : flatten(after);
    Set<String> paths = new LinkedHashSet<>(b.keySet());
    paths.addAll(a.keySet());
    int width = "field".length();
    for (String p : paths) {
      width = Math.max(width, p.length());
    }
    StringBuilder s = new StringBuilder();
    s.append(collection).append(":").append(System.lineSeparator());
    line(s, width, "field", "before", "after");
    for (String p : paths) {
      String was = b.getOrDefault(p, "(absent)");
      String is = a.getOrDefault(p, "(removed)");
      line(s, width, p, clip(was), was.equals(is) ? "(kept)" : clip(is));
    }
    return s.toString();
  }

  private static void line(StringBuilder s, int width, String field, String before, String after) {
    s.append("  ").append(pad(field, width)).append("  ").append(pad(before, WIDTH));
    s.append("  ").append(after).append(System.lineSeparator());
  }

  /** Pads to a terminal width: CJK and other wide characters take two columns. */
  static String pad(String value, int width) {
    int columns = value.codePoints().map(c -> wide(c) ? 2 : 1).sum();
    return value + " ".repeat(Math.max(0, width - columns));
  }

  private static boolean wide(int c) {
    return (c >= 0x1100 && c <= 0x115F)
        || (c >= 0x2E80 && c <= 0xA4CF)
        || (c >= 0xAC00 && c <= 0xD7A3)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0xFE30 && c <= 0xFE4F)
        || (c >= 0xFF00 && c <= 0xFF60)
        || (c >= 0xFFE0 && c <= 0xFFE6);
  }

  /** Leaf values by dotted path; array elements by index. */
  static Map<String, String> flatten(Document d) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", d, out);
    return out;
  }

  private static void flatten(String path, Object value, Map<String, String> out) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.put(path, "{}");
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        flatten(
            path.isEmpty() ? e.getKey().toString() : path + "." + e.getKey(), e.getValue(), out);
      }
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.put(path, "[]");
      }
      List<?> items = new ArrayList<>(list);
      for (int i = 0; i < items.size(); i++) {
        flatten(path + "[" + i + "]", items.get(i), out);
      }
    } else if (value instanceof Date date) {
      out.put(path, date.toInstant().toString());
    } else if (value instanceof ObjectId id) {
      out.put(path, id.toHexString());
    } else {
      out.put(path, String.valueOf(value));
    }
  }

  private static String clip(String value) {
    return value.length() <= WIDTH ? value : value.substring(0, WIDTH - 1) + "…";
  }
}
