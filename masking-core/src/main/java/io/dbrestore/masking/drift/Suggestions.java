package io.dbrestore.masking.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A strategy to suggest for an undeclared path, from its name and the shape of its values (or its
 * SQL type), with the reason in words. The values themselves are never seen here: only the counts
 * of {@link ValueShapes}. Errs toward masking: text of unknown meaning is redacted.
 */
public final class Suggestions {
  /**
   * A suggestion.
   *
   * @param strategy the strategy's name ({@code keep} included)
   * @param yaml the rule's value as written in a rules file ({@code email}, {@code {strategy: name,
   *     part: first}})
   * @param reason why, in words; never a value
   */
  public record Suggestion(String strategy, String yaml, String reason) {
    public boolean keeps() {
      return strategy.equals("keep");
    }
  }

  private static final Set<String> FLAG_WORDS =
      Set.of("enabled", "disabled", "active", "verified", "deleted", "flag", "optin", "optout");
  private static final Set<String> NOT_PERSON =
      Set.of(
          "file",
          "host",
          "product",
          "company",
          "item",
          "domain",
          "table",
          "column",
          "type",
          "sku",
          "class",
          "field",
          "brand",
          "category",
          "country",
          "city",
          "street",
          "tag",
          "event",
          "app",
          "service",
          "queue",
          "topic",
          "key",
          "display");
  private static final Set<String> TEXT_WORDS =
      Set.of(
          "address",
          "street",
          "city",
          "zip",
          "postal",
          "postcode",
          "note",
          "notes",
          "comment",
          "comments",
          "description",
          "text",
          "message",
          "body",
          "bio",
          "remark",
          "remarks",
          "memo",
          "subject",
          "line1",
          "line2");
  private static final Set<String> ID_WORDS = Set.of("uuid", "guid", "token", "ip", "login");

  private Suggestions() {}

  /** For a MongoDB field or a JSON key. */
  public static Suggestion forValues(String path, ValueShapes shapes) {
    if (path.equals("_id") || path.startsWith("_id.")) {
      return new Suggestion("keep", "keep", "_id cannot be masked (MongoDB never updates it)");
    }
    if (path.endsWith("{}")) {
      return shapes.mostlyEmails()
          ? new Suggestion("email", "email", "keys of a map that look like e-mail addresses")
          : new Suggestion("token", "token", "keys of a map that look like data");
    }
    List<String> words = words(path);
    Suggestion personal = personal(words, false);
    if (personal != null) {
      return personal;
    }
    if (flag(path, words) && (shapes.onlyNullOrEmpty() || shapes.booleans == shapes.present())) {
      return new Suggestion("keep", "keep", "name looks like a flag");
    }
    if (shapes.onlyBooleansOrNumbers()) {
      return new Suggestion("keep", "keep", "values are booleans or numbers");
    }
    if (shapes.onlyObjectIds()) {
      return new Suggestion("keep", "keep", "values are ObjectIds");
    }
    if (shapes.onlyNonTextDates()) {
      return words.contains("date")
          ? dateShift("name and values look like dates")
          : new Suggestion("keep", "keep", "values are dates, and the name does not say personal");
    }
    if (shapes.mostlyEmails()) {
      return new Suggestion("email", "email", "values look like e-mail addresses");
    }
    if (shapes.mostlyPhones()) {
      return new Suggestion("phone", "phone", "values look like phone numbers");
    }
    Suggestion named = byName(words);
    if (named != null) {
      return named;
    }
    if (words.contains("date")) {
      return dateShift("name looks like a date");
    }
    if (shapes.onlyNullOrEmpty()) {
      return new Suggestion("redact", "redact", "no value seen: masked to be safe");
    }
    return new Suggestion("redact", "redact", "text of unknown meaning: masked to be safe");
  }

  /**
   * For an SQL column, from its name and its type; when the engine's own check says the strategy
   * cannot mask the column (its length, NOT NULL, a generated column, a CHECK constraint), NULL if
   * the column allows it, otherwise keep, marked for a look by hand.
   */
  public static Suggestion forColumn(String name, Leaf.Column column) {
    Suggestion s = byColumn(name, column);
    String problem = column.problem(s.strategy(), options(s));
    if (problem == null) {
      return s;
    }
    String why = "'" + s.strategy() + "' would not fit (" + column.type() + ")";
    if (column.problem("null", Map.of()) == null) {
      return new Suggestion("null", "\"null\"", s.reason() + ", but " + why + ": set to null");
    }
    return new Suggestion(
        "keep", "keep", s.reason() + ", but " + why + " and no NULL either: check by hand");
  }

  /** The options a suggestion writes, for checking it against a column. */
  private static Map<String, Object> options(Suggestion s) {
    return s.strategy().equals("date-shift") ? Map.of("days", 30) : Map.of();
  }

  private static Suggestion byColumn(String name, Leaf.Column column) {
    List<String> words = words(name);
    if (column.primaryKey() && column.kind() != Leaf.ColumnKind.NUMBER) {
      if (column.kind() != Leaf.ColumnKind.TEXT) {
        return new Suggestion(
            "keep", "keep", "a primary-key or unique column (" + column.type() + ")");
      }
      Suggestion s = byColumn(name, new Leaf.Column(column.type(), column.kind(), true, false));
      return s.strategy().equals("email") || s.strategy().equals("keep")
          ? s
          : new Suggestion(
              "token", "token", "a primary-key or unique column: masked with a unique strategy");
    }
    switch (column.kind()) {
      case BOOLEAN:
        return new Suggestion("keep", "keep", "a boolean column (" + column.type() + ")");
      case NUMBER:
        return new Suggestion("keep", "keep", "a numeric column (" + column.type() + ")");
      case TEMPORAL:
        if (personalDate(words)) {
          return dateShift("name looks like a birth date (" + column.type() + ")");
        }
        return new Suggestion(
            "keep",
            "keep",
            "a date column (" + column.type() + ") the name does not mark personal");
      case OTHER:
        return column.nullable()
            ? new Suggestion(
                "null",
                "\"null\"",
                "type " + column.type() + " fits no text strategy: set to null; check by hand")
            : new Suggestion(
                "keep",
                "keep",
                "type " + column.type() + " fits no strategy and is NOT NULL: check by hand");
      default:
        break;
    }
    Suggestion personal = personal(words, true);
    if (personal != null) {
      return personal;
    }
    if (flag(name, words)) {
      return new Suggestion("keep", "keep", "name looks like a flag");
    }
    Suggestion named = byName(words);
    if (named != null) {
      return named;
    }
    return new Suggestion("redact", "redact", "text of unknown meaning: masked to be safe");
  }

  private static Suggestion personal(List<String> words, boolean sql) {
    if (words.contains("email") || words.contains("mail") || words.contains("e-mail")) {
      return new Suggestion("email", "email", "name looks like an e-mail");
    }
    if (words.contains("phone")
        || words.contains("tel")
        || words.contains("telephone")
        || words.contains("mobile")
        || words.contains("fax")
        || words.contains("cell")) {
      return new Suggestion("phone", "phone", "name looks like a phone number");
    }
    if (words.contains("kana")) {
      return new Suggestion(
          "name", "{strategy: name, locale: ja, script: kana}", "name looks like a name in kana");
    }
    boolean person = words.contains("name") && words.stream().noneMatch(NOT_PERSON::contains);
    if (words.contains("firstname")
        || words.contains("given")
        || (person || words.size() > 1 && words.get(words.size() - 2).equals("name"))
            && words.contains("first")) {
      return new Suggestion(
          "name", "{strategy: name, part: first}", "name looks like a person's first name");
    }
    if (words.contains("lastname")
        || words.contains("surname")
        || words.contains("family")
        || (person || words.size() > 1 && words.get(words.size() - 2).equals("name"))
            && words.contains("last")) {
      return new Suggestion(
          "name", "{strategy: name, part: last}", "name looks like a person's last name");
    }
    if (person || words.contains("fullname")) {
      return new Suggestion("name", "name", "name looks like a person's name");
    }
    if (personalDate(words)) {
      return dateShift("name looks like a birth date");
    }
    return null;
  }

  private static Suggestion byName(List<String> words) {
    for (String w : words) {
      if (TEXT_WORDS.contains(w)) {
        return new Suggestion("redact", "redact", "name looks like an address or free text");
      }
    }
    String last = words.isEmpty() ? "" : words.get(words.size() - 1);
    if (last.equals("id") || words.stream().anyMatch(ID_WORDS::contains)) {
      return new Suggestion("token", "token", "name looks like an identifier");
    }
    return null;
  }

  private static boolean personalDate(List<String> words) {
    return words.contains("birth")
        || words.contains("birthday")
        || words.contains("birthdate")
        || words.contains("dob");
  }

  private static boolean flag(String path, List<String> words) {
    String last = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    if (last.startsWith("is_") || last.startsWith("has_") || last.matches("(is|has)[A-Z].*")) {
      return true;
    }
    String joined = String.join("_", words);
    return words.stream().anyMatch(FLAG_WORDS::contains)
        || joined.contains("opt_in")
        || joined.contains("opt_out");
  }

  private static Suggestion dateShift(String reason) {
    return new Suggestion("date-shift", "{strategy: date-shift, days: 30}", reason);
  }

  /**
   * The words of a path's last named step and the one before: {@code name.first} is [name, first],
   * {@code workEmail} and {@code work_email} are [work, email].
   */
  static List<String> words(String path) {
    String p = path.replace("[]", "").replace("{}", "");
    String[] steps = p.split("\\.");
    List<String> names = new ArrayList<>();
    for (String s : steps) {
      if (!s.equals("*") && !s.isEmpty()) {
        names.add(s);
      }
    }
    List<String> words = new ArrayList<>();
    for (int i = Math.max(0, names.size() - 2); i < names.size(); i++) {
      String spaced = names.get(i).replaceAll("([a-z0-9])([A-Z])", "$1_$2");
      for (String w : spaced.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
        if (!w.isEmpty()) {
          words.add(w);
        }
      }
    }
    return words;
  }
}
