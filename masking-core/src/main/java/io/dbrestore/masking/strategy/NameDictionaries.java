package io.dbrestore.masking.strategy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bundled name lists behind {@code name}: common given names and family names, loaded once from
 * {@code /io/dbrestore/masking/names/}. Their order is part of the strategy's output: an entry is
 * only ever appended (a new version otherwise).
 */
final class NameDictionaries {
  private static final String DIR = "/io/dbrestore/masking/names/";
  private static final Pattern KATAKANA = Pattern.compile("[\\x{30A1}-\\x{30FC}]+");

  /** One list of names in one script, with its set for membership checks. */
  record Names(List<String> list, Set<String> set) {
    Names(List<String> list) {
      this(List.copyOf(list), Set.copyOf(list));
    }

    /** The most code points of any name in the list. */
    int maxLength() {
      return list.stream().mapToInt(n -> n.codePointCount(0, n.length())).max().orElse(0);
    }

    String get(long hash) {
      return list.get((int) Long.remainderUnsigned(hash, list.size()));
    }
  }

  static final Names EN_FIRST = new Names(column(read("en-first.txt"), 1, 0, null));
  static final Names EN_LAST = new Names(column(read("en-last.txt"), 1, 0, null));
  private static final List<String> JA_FIRST = read("ja-first.tsv");
  private static final List<String> JA_LAST = read("ja-last.tsv");
  static final Names JA_FIRST_KANJI = new Names(column(JA_FIRST, 2, 0, null));
  static final Names JA_FIRST_KANA = new Names(column(JA_FIRST, 2, 1, KATAKANA));
  static final Names JA_LAST_KANJI = new Names(column(JA_LAST, 2, 0, null));
  static final Names JA_LAST_KANA = new Names(column(JA_LAST, 2, 1, KATAKANA));

  private NameDictionaries() {}

  /**
   * Column {@code index} of tab-separated {@code lines}. Refuses duplicates and names with spaces:
   * a full name is two names and one space, which is how its membership is checked.
   */
  private static List<String> column(List<String> lines, int columns, int index, Pattern form) {
    List<String> out = new ArrayList<>(lines.size());
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      String[] cells = line.split("\t", -1);
      if (cells.length != columns) {
        throw new IllegalStateException("name list line has " + cells.length + " columns: " + line);
      }
      String name = cells[index];
      if (name.isEmpty()
          || !name.equals(name.strip())
          || name.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalStateException("name list entry is empty or has spaces: " + line);
      }
      if (form != null && !form.matcher(name).matches()) {
        throw new IllegalStateException("name list reading is not katakana: " + line);
      }
      if (!seen.add(name)) {
        throw new IllegalStateException("name list has a duplicate: " + name);
      }
      out.add(name);
    }
    return out;
  }

  private static List<String> read(String file) {
    InputStream in = NameDictionaries.class.getResourceAsStream(DIR + file);
    if (in == null) {
      throw new IllegalStateException("missing name list " + DIR + file);
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> lines = new ArrayList<>();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
