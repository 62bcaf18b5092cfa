package io.dbrestore.masking.drift;

import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a drift report's suggestions into the rules file's text: each missing field after the last
 * field of its collection, each missing collection after the last collection of its database, each
 * missing database after the last database, with the file's own indentation. Every existing line
 * and comment stays as it is; stale rules and shapes are left to the reviewer.
 */
public final class RulesPatch {
  private RulesPatch() {}

  /**
   * The rules text with the suggestions inserted.
   *
   * @throws RulesException when the file is written in a way text insertion cannot follow (flow
   *     style): paste the patch by hand
   */
  public static String apply(String text, Rules rules, DriftReport.Comparison report) {
    String newline = text.contains("\r\n") ? "\r\n" : "\n";
    List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
    Map<Integer, List<String>> inserts = new TreeMap<>();
    for (Map.Entry<String, Map<String, DriftReport.CollectionPatch>> db :
        report.plan().databases.entrySet()) {
      Rules.Database database = rules.databases().get(db.getKey());
      if (database == null) {
        int databasesLine = find(lines, 0, "databases:");
        int dbIndent = indentOfFirstChild(lines, databasesLine, rules.source());
        String pad = " ".repeat(dbIndent);
        StringBuilder block = new StringBuilder();
        block.append(pad).append(DriftReport.key(db.getKey())).append(":\n");
        block
            .append(pad)
            .append("  ")
            .append(report.plan().mongo ? "collections" : "tables")
            .append(":\n");
        for (Map.Entry<String, DriftReport.CollectionPatch> c : db.getValue().entrySet()) {
          if (!c.getKey().isEmpty()) {
            block.append(DriftReport.renderCollection(c.getKey(), c.getValue(), pad + "    "));
          }
        }
        add(inserts, blockEnd(lines, databasesLine), block.toString());
        continue;
      }
      int dbLine = database.line() - 1;
      refuseFlow(lines, dbLine, rules.source());
      int sectionLine = nextContent(lines, dbLine);
      refuseFlow(lines, sectionLine, rules.source());
      for (Map.Entry<String, DriftReport.CollectionPatch> c : db.getValue().entrySet()) {
        if (c.getKey().isEmpty()) {
          continue;
        }
        Rules.Collection collection = database.collections().get(c.getKey());
        DriftReport.CollectionPatch cp = c.getValue();
        if (collection == null) {
          int indent = indentOfFirstChild(lines, sectionLine, rules.source());
          add(
              inserts,
              blockEnd(lines, sectionLine),
              DriftReport.renderCollection(c.getKey(), cp, " ".repeat(indent)));
          continue;
        }
        if (cp.fields.isEmpty()) {
          continue;
        }
        int collectionLine = collection.line() - 1;
        refuseFlow(lines, collectionLine, rules.source());
        int fieldsLine = find(lines, collectionLine, "fields:");
        refuseFlow(lines, fieldsLine, rules.source());
        int indent = indentOfFirstChild(lines, fieldsLine, rules.source());
        DriftReport.CollectionPatch onlyFields = new DriftReport.CollectionPatch();
        onlyFields.fields.addAll(cp.fields);
        add(
            inserts,
            blockEnd(lines, fieldsLine),
            DriftReport.renderFields(onlyFields, " ".repeat(indent)));
      }
    }
    List<Integer> at = new ArrayList<>(inserts.keySet());
    java.util.Collections.reverse(at);
    for (int i : at) {
      lines.addAll(i + 1, inserts.get(i));
    }
    return String.join(newline, lines);
  }

  private static void add(Map<Integer, List<String>> inserts, int after, String block) {
    List<String> list = inserts.computeIfAbsent(after, k -> new ArrayList<>());
    for (String l : block.split("\n")) {
      list.add(l);
    }
  }

  private static int indent(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static boolean content(String line) {
    String t = line.trim();
    return !t.isEmpty() && !t.startsWith("#");
  }

  private static int nextContent(List<String> lines, int from) {
    for (int i = from + 1; i < lines.size(); i++) {
      if (content(lines.get(i))) {
        return i;
      }
    }
    return from;
  }

  /** The first line at or after {@code from} whose key is {@code key} (e.g. {@code fields:}). */
  private static int find(List<String> lines, int from, String key) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).trim().startsWith(key)) {
        return i;
      }
    }
    throw new RulesException(
        "cannot find '" + key + "' in the rules file: paste the patch by hand");
  }

  /** The indentation of the first entry of the mapping that starts below {@code line}. */
  private static int indentOfFirstChild(List<String> lines, int line, String source) {
    int child = nextContent(lines, line);
    if (child == line || indent(lines.get(child)) <= indent(lines.get(line))) {
      throw new RulesException(
          source + ":" + (line + 1) + ": an empty mapping: paste the patch by hand");
    }
    return indent(lines.get(child));
  }

  /** The last content line of the block that starts at {@code start} (its deeper lines). */
  private static int blockEnd(List<String> lines, int start) {
    int base = indent(lines.get(start));
    int last = start;
    for (int i = start + 1; i < lines.size(); i++) {
      String l = lines.get(i);
      if (!content(l)) {
        continue;
      }
      if (indent(l) <= base) {
        break;
      }
      last = i;
    }
    return last;
  }

  private static void refuseFlow(List<String> lines, int line, String source) {
    String l = lines.get(line);
    int colon = l.indexOf(':');
    String value = colon < 0 ? "" : l.substring(colon + 1).replaceAll("#.*", "").trim();
    if (value.startsWith("{") || value.startsWith("[")) {
      throw new RulesException(
          source
              + ":"
              + (line + 1)
              + ": written in flow style ({…}), which --apply does not edit: paste the patch by"
              + " hand");
    }
  }
}
