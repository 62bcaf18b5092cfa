package io.dbrestore.masking.drift;

import io.dbrestore.masking.rules.Rules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a database holds that its rules do not declare, and which rules match nothing: the result of
 * {@code rules diff}, with the YAML patch that declares what is missing. Names, paths, counts and
 * reasons only, never a value.
 *
 * @param drift whether anything is undeclared (the run would refuse)
 * @param undeclared every undeclared collection, table, field, column, JSON key, and value of
 *     another shape than declared
 * @param stale rules that match nothing
 * @param patch a YAML fragment shaped like a rules file with the missing entries
 */
public record DriftReport(
    boolean drift, List<Undeclared> undeclared, List<Stale> stale, String patch) {

  /** A report and the plan of its patch, which {@link RulesPatch} writes into the rules file. */
  public record Comparison(DriftReport report, Plan plan) {}

  /**
   * Something the rules do not declare.
   *
   * @param path null for a whole collection or table
   * @param kind collection, table, field, column, json-key or shape
   * @param documents documents (or rows) that hold it; null when not counted
   * @param suggestion the suggested strategy's name ({@code keep}, {@code fields} for a collection
   *     to mask field by field, {@code drop}); null for a shape, which no rule fixes
   * @param reason why it is suggested (or what the shape is), never a value
   */
  public record Undeclared(
      String database,
      String collection,
      String path,
      String kind,
      Long documents,
      String suggestion,
      String reason) {}

  /**
   * A rule that matches nothing.
   *
   * @param collection null for a whole database
   * @param path null for a whole collection
   */
  public record Stale(String database, String collection, String path) {}

  /** A planned patch entry: a key, its YAML value and the review comment. */
  record Line(String key, String value, String comment) {}

  /** Per database, per collection: what to add (for {@link RulesPatch}). */
  public static final class Plan {
    final Map<String, Map<String, CollectionPatch>> databases = new LinkedHashMap<>();
    boolean mongo;
  }

  /** What to add for one collection. */
  static final class CollectionPatch {
    /** For an undeclared collection: its own value (keep, drop) or null for {@code fields}. */
    String value;

    String comment;
    boolean undeclared;
    final List<Line> fields = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
  }

  /**
   * Compares what a survey found with the rules.
   *
   * @param mongo whether the database is MongoDB (collections) or SQL (tables)
   * @param section the key a database of the rules file uses for its collections ({@code
   *     collections} or {@code tables}); null when the database is not in the file
   */
  public static Comparison build(
      Rules rules, Surveyed.Survey survey, boolean mongo, Function<String, String> section) {
    List<Undeclared> undeclared = new ArrayList<>();
    List<Stale> stale = new ArrayList<>();
    Plan plan = new Plan();
    plan.mongo = mongo;
    for (Surveyed s : survey.collections()) {
      Rules.Collection rule =
          rules.database(s.database()).map(d -> d.collections().get(s.name())).orElse(null);
      if (rule == null) {
        undeclaredCollection(s, mongo, undeclared, plan);
        continue;
      }
      if (rule.mode() != Rules.Mode.MASK) {
        continue;
      }
      CollectionPatch cp = null;
      for (Leaf leaf : s.findings().leaves().values()) {
        if (covered(leaf, s.findings().leaves())) {
          continue;
        }
        Suggestions.Suggestion sg = suggest(leaf, s.findings());
        undeclared.add(
            new Undeclared(
                s.database(),
                s.name(),
                leaf.path(),
                leaf.kind(),
                leaf.column() == null ? Long.valueOf(leaf.shapes().documents()) : s.documents(),
                sg.strategy(),
                sg.reason()));
        if (cp == null) {
          cp = collection(plan, s);
        }
        cp.fields.add(new Line(leaf.path(), sg.yaml(), "review: " + sg.reason()));
      }
      for (Map.Entry<String, Long> shape : s.findings().shapes().entrySet()) {
        undeclared.add(
            new Undeclared(
                s.database(),
                s.name(),
                shapePath(shape.getKey()),
                "shape",
                shape.getValue(),
                null,
                shapeReason(shape.getKey())));
        if (cp == null) {
          cp = collection(plan, s);
        }
        cp.notes.add(
            "review: "
                + shape.getKey()
                + " in "
                + documents(shape.getValue())
                + " (set to null by the run; no rule covers both shapes: fix the data or the"
                + " rules by hand)");
      }
      if (s.fieldsChecked()) {
        for (Rules.Field f : rule.fields()) {
          if (!s.findings().matchedRules().contains(f.path().text())) {
            stale.add(new Stale(s.database(), s.name(), f.path().text()));
            if (cp == null) {
              cp = collection(plan, s);
            }
            cp.notes.add("stale: " + f.path().text() + " matches nothing — remove?");
          }
        }
      }
    }
    // Declared collections and databases that do not exist.
    Set<String> seenDatabases = new java.util.HashSet<>(survey.databases());
    for (Rules.Database db : rules.databases().values()) {
      if (!seenDatabases.contains(db.name())) {
        if (survey.inScope(db.name())) {
          stale.add(new Stale(db.name(), null, null));
          plan.databases.computeIfAbsent(db.name(), k -> new LinkedHashMap<>());
          CollectionPatch note =
              plan.databases.get(db.name()).computeIfAbsent("", k -> new CollectionPatch());
          note.notes.add("stale: database " + db.name() + " matches nothing — remove?");
        }
        continue;
      }
      for (Rules.Collection c : db.collections().values()) {
        boolean found =
            survey.collections().stream()
                .anyMatch(s -> s.database().equals(db.name()) && s.name().equals(c.name()));
        if (!found) {
          stale.add(new Stale(db.name(), c.name(), null));
          CollectionPatch note =
              plan.databases
                  .computeIfAbsent(db.name(), k -> new LinkedHashMap<>())
                  .computeIfAbsent("", k -> new CollectionPatch());
          note.notes.add("stale: " + c.name() + " matches nothing — remove?");
        }
      }
    }
    String patch = render(plan, mongo, section);
    return new Comparison(new DriftReport(!undeclared.isEmpty(), undeclared, stale, patch), plan);
  }

  private static void undeclaredCollection(
      Surveyed s, boolean mongo, List<Undeclared> undeclared, Plan plan) {
    CollectionPatch cp = collection(plan, s);
    cp.undeclared = true;
    List<Undeclared> fields = new ArrayList<>();
    boolean allKept = true;
    for (Leaf leaf : s.findings().leaves().values()) {
      if (covered(leaf, s.findings().leaves())) {
        continue;
      }
      Suggestions.Suggestion sg = suggest(leaf, s.findings());
      allKept &= sg.keeps();
      fields.add(
          new Undeclared(
              s.database(),
              s.name(),
              leaf.path(),
              leaf.kind(),
              leaf.column() == null ? Long.valueOf(leaf.shapes().documents()) : s.documents(),
              sg.strategy(),
              sg.reason()));
      cp.fields.add(new Line(leaf.path(), sg.yaml(), "review: " + sg.reason()));
    }
    String what =
        s.kind().equals("materialized-view")
            ? "materialized view"
            : mongo ? "collection" : s.kind();
    String counted = s.documents() == null ? "" : " (" + documents(s.documents()) + ")";
    String suggestion;
    String reason;
    if (s.kind().equals("materialized-view")) {
      suggestion = "drop";
      reason = "a materialized view can only be emptied (refresh it in development)";
    } else if (s.note() != null && !allKept) {
      suggestion = "drop";
      reason = s.note();
    } else if (allKept) {
      suggestion = "keep";
      reason =
          fields.isEmpty()
              ? "no field seen"
              : "every "
                  + (mongo ? "field" : "column")
                  + " is a boolean, number, id or non-personal"
                  + " date";
    } else {
      suggestion = "fields";
      reason = "holds fields to mask";
    }
    undeclared.add(
        new Undeclared(
            s.database(),
            s.name(),
            null,
            mongo ? "collection" : "table",
            s.documents(),
            suggestion,
            reason));
    undeclared.addAll(fields);
    cp.comment = "review: undeclared " + what + counted + "; " + reason;
    if (!suggestion.equals("fields")) {
      cp.value = suggestion;
      cp.fields.clear();
    }
  }

  /**
   * A leaf with nothing but nulls or empty containers where other leaves lie deeper (the deeper
   * rules cover it), or an empty container holding nothing anywhere: not a rule of its own.
   */
  private static boolean covered(Leaf leaf, Map<String, Leaf> all) {
    // Under a map (keys masked with {}), named fields cannot be declared: the values go under *.
    for (String other : all.keySet()) {
      if (other.endsWith("{}")) {
        String base = other.substring(0, other.length() - 2);
        if (leaf.path().startsWith(base + ".") && !leaf.path().startsWith(base + ".*")) {
          return true;
        }
      }
    }
    if (!leaf.shapes().onlyNullOrEmpty() || leaf.column() != null) {
      return false;
    }
    String p = leaf.path();
    for (String other : all.keySet()) {
      if (!other.equals(p)
          && (other.startsWith(p + ".")
              || other.startsWith(p + "[")
              || other.startsWith(p + "{"))) {
        return true;
      }
    }
    return false;
  }

  private static Suggestions.Suggestion suggest(Leaf leaf, Findings findings) {
    if (leaf.column() != null) {
      return Suggestions.forColumn(leaf.path(), leaf.column());
    }
    Suggestions.Suggestion s = Suggestions.forValues(leaf.path(), leaf.shapes());
    if (findings.unique(leaf.path())
        && !s.strategy().equals("email")
        && !s.strategy().equals("token")
        && !s.keeps()) {
      return new Suggestions.Suggestion(
          "token", "token", "a unique index covers it: masked with a unique strategy");
    }
    return s;
  }

  private static CollectionPatch collection(Plan plan, Surveyed s) {
    return plan.databases
        .computeIfAbsent(s.database(), k -> new LinkedHashMap<>())
        .computeIfAbsent(s.name(), k -> new CollectionPatch());
  }

  private static String shapePath(String key) {
    int holding = key.indexOf(" holding ");
    int paren = key.indexOf(" (");
    int end = holding >= 0 ? holding : paren >= 0 ? paren : key.length();
    return key.substring(0, end);
  }

  private static String shapeReason(String key) {
    return key.substring(shapePath(key).length()).trim();
  }

  static String documents(long n) {
    return n + (n == 1 ? " document" : " documents");
  }

  private static final Pattern PLAIN_KEY =
      Pattern.compile(
          "[A-Za-z_$][A-Za-z0-9_$\\-]*(\\[\\])*((\\.([A-Za-z0-9_$\\-]+|\\*))(\\[\\])*)*(\\{\\})?");

  /** A key as YAML: plain when it is safe, double-quoted otherwise. */
  static String key(String k) {
    if (PLAIN_KEY.matcher(k).matches()
        && !k.equals("null")
        && !k.equals("true")
        && !k.equals("false")
        && !k.equals("yes")
        && !k.equals("no")
        && !k.equals("on")
        && !k.equals("off")) {
      return k;
    }
    return "\"" + k.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The patch: a fragment shaped like a rules file. */
  static String render(Plan plan, boolean mongo, Function<String, String> section) {
    if (plan.databases.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("databases:\n");
    for (Map.Entry<String, Map<String, CollectionPatch>> db : plan.databases.entrySet()) {
      out.append("  ").append(key(db.getKey())).append(":\n");
      String word = section.apply(db.getKey());
      if (word == null) {
        word = mongo ? "collections" : "tables";
      }
      out.append("    ").append(word).append(":\n");
      for (Map.Entry<String, CollectionPatch> c : db.getValue().entrySet()) {
        out.append(renderCollection(c.getKey(), c.getValue(), "      "));
      }
    }
    return out.toString();
  }

  /** One collection's lines at {@code indent} (its key's indentation), two spaces a level. */
  static String renderCollection(String name, CollectionPatch cp, String indent) {
    StringBuilder out = new StringBuilder();
    if (name.isEmpty()) {
      for (String note : cp.notes) {
        out.append(indent).append("# ").append(note).append('\n');
      }
      return out.toString();
    }
    if (cp.undeclared && cp.value != null) {
      out.append(indent)
          .append(key(name))
          .append(": ")
          .append(cp.value)
          .append("  # ")
          .append(cp.comment)
          .append('\n');
      return out.toString();
    }
    out.append(indent).append(key(name)).append(":");
    if (cp.undeclared) {
      out.append("  # ").append(cp.comment);
    }
    out.append('\n');
    out.append(indent).append("  fields:\n");
    out.append(renderFields(cp, indent + "    "));
    return out.toString();
  }

  static String renderFields(CollectionPatch cp, String indent) {
    StringBuilder out = new StringBuilder();
    for (Line l : cp.fields) {
      out.append(indent)
          .append(key(l.key()))
          .append(": ")
          .append(l.value())
          .append("  # ")
          .append(l.comment())
          .append('\n');
    }
    for (String note : cp.notes) {
      out.append(indent).append("# ").append(note).append('\n');
    }
    return out.toString();
  }
}
