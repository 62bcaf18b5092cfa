package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether masking keeps every unique index, unique constraint, primary key and exclusion constraint
 * of a table satisfied, judged before any write: otherwise the run would fail half-way with a
 * duplicate key and leave a half-masked copy.
 *
 * <ul>
 *   <li>A masked column that is a key part of a unique index needs a unique strategy (email, token)
 *       on every rule into it; {@code null} and {@code remove} are fine where NULLs are distinct
 *       (not under PostgreSQL's {@code NULLS NOT DISTINCT}).
 *   <li>A prefix index ({@code email(10)}, MySQL family) must hold at least as many characters as
 *       the strategy writes.
 *   <li>A masked column read by an index expression is refused, except {@code lower(col)} or {@code
 *       upper(col)} over a whole column masked with email or token (whose outputs are lowercase
 *       base32 with a fixed prefix or domain: folding case keeps them apart).
 *   <li>A masked column read by the WHERE of a partial unique index is refused (masking can move
 *       rows into the condition), and so is one read by an exclusion constraint.
 *   <li>A strategy that normalises its input ({@link Strategy#normalises()}: email with {@code
 *       case: fold}) is unique only modulo case and surrounding whitespace: a read-only query
 *       counts the groups of rows that the index tells apart but that normalise to one key; any
 *       such group is refused, with the count and never the values.
 * </ul>
 *
 * <p>Each problem is one line {@code <rules file>:<line>: <schema.table.column>: <what is wrong>;
 * <what to change>}, listed with {@link ColumnFit}'s.
 */
final class UniqueFit {
  private UniqueFit() {}

  /**
   * A unique index, unique constraint, primary key or exclusion constraint, as the catalogue tells.
   *
   * @param kind {@code primary key}, {@code unique constraint}, {@code unique index} or {@code
   *     exclusion constraint}
   * @param parts its key parts, in key order (included columns left out)
   * @param predicate the WHERE of a partial index, as SQL over the table's columns; or null
   * @param nullsDistinct whether rows with a NULL key part are never duplicates of each other
   */
  record Key(String name, String kind, List<Part> parts, String predicate, boolean nullsDistinct) {
    String describe() {
      List<String> texts = new ArrayList<>();
      for (Part p : parts) {
        texts.add(p.text());
      }
      return kind + " " + name + " (" + String.join(", ", texts) + ")";
    }
  }

  /**
   * A key part: a column ({@code expression} null), possibly only its first {@code prefix}
   * characters, or an expression over columns.
   */
  record Part(String column, String expression, int prefix) {
    static Part column(String column, int prefix) {
      return new Part(column, null, prefix);
    }

    static Part expression(String expression) {
      return new Part(null, expression, -1);
    }

    String text() {
      return column == null ? expression : prefix > 0 ? column + "(" + prefix + ")" : column;
    }
  }

  /** The problems of one masked table's unique keys, in key order. */
  static List<String> problems(
      Connection c, SqlDialect dialect, String source, Table table, MaskingPlan.CollectionPlan plan)
      throws SQLException {
    Map<String, List<MaskingPlan.CompiledField>> masked = new LinkedHashMap<>();
    for (MaskingPlan.CompiledField f : plan.fields()) {
      if (f.strategy() != null && !f.strategy().keeps()) {
        Table.Column column = table.column(f.rule().path().root());
        if (column != null) {
          masked.computeIfAbsent(column.name(), k -> new ArrayList<>()).add(f);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    if (masked.isEmpty()) {
      return problems;
    }
    for (Key key : dialect.uniqueKeys(c, table)) {
      int found = problems.size();
      Set<String> folded = new LinkedHashSet<>();
      if (key.predicate() != null) {
        for (String column : readBy(key.predicate(), masked.keySet())) {
          for (MaskingPlan.CompiledField f : masked.get(column)) {
            problems.add(
                where(source, table, f)
                    + "read by the WHERE of "
                    + key.describe()
                    + " WHERE "
                    + key.predicate()
                    + ": masking can move rows into the condition and make duplicates; drop the"
                    + " index on the copy (or rebuild it without this column in the condition),"
                    + " or keep the column");
          }
        }
      }
      for (Part part : key.parts()) {
        if (part.column() == null) {
          for (String column : readBy(part.expression(), masked.keySet())) {
            for (MaskingPlan.CompiledField f : masked.get(column)) {
              if (key.kind().equals("exclusion constraint")) {
                continue; // said once below
              }
              if (caseFoldOf(part.expression(), column) && wholeColumn(f) && caseSafe(f)) {
                if (f.strategy().normalises()) {
                  folded.add(column);
                }
                continue;
              }
              problems.add(
                  where(source, table, f)
                      + key.kind()
                      + " "
                      + key.name()
                      + " is on an expression ("
                      + part.expression()
                      + ") over this column, which masking need not keep unique; drop the index on"
                      + " the copy, or keep the column");
            }
          }
          continue;
        }
        List<MaskingPlan.CompiledField> fields = masked.get(part.column());
        if (fields == null) {
          continue;
        }
        for (MaskingPlan.CompiledField f : fields) {
          Strategy s = f.strategy();
          if (key.kind().equals("exclusion constraint")) {
            continue;
          }
          boolean writesNull = s.name().equals("null") || s.name().equals("remove");
          if (!s.unique() && !(writesNull && wholeColumn(f) && key.nullsDistinct())) {
            problems.add(
                where(source, table, f)
                    + "covered by "
                    + key.describe()
                    + " but '"
                    + s.name()
                    + "' is not unique"
                    + (writesNull ? " (the index has NULLS NOT DISTINCT)" : "")
                    + ": two rows can get one value and the run would fail half-way with a"
                    + " duplicate key; use a unique strategy (email, token) or keep, or drop the"
                    + " index on the copy");
            continue;
          }
          if (part.prefix() > 0
              && s.unique()
              && (s.maxLength() < 0 || part.prefix() < s.maxLength())) {
            problems.add(
                where(source, table, f)
                    + key.kind()
                    + " "
                    + key.name()
                    + " holds only the first "
                    + part.prefix()
                    + " characters of "
                    + part.column()
                    + ", and '"
                    + s.name()
                    + "' writes "
                    + (s.maxLength() < 0 ? "values as long as their originals" : s.maxLength())
                    + ": two masked values may share them; index the whole column on the copy"
                    + (s.maxLength() < 0 ? "" : " (or at least " + s.maxLength() + " characters)")
                    + ", or keep the column");
            continue;
          }
          if (s.unique() && s.normalises()) {
            if (wholeColumn(f)) {
              folded.add(part.column());
            } else {
              problems.add(
                  where(source, table, f)
                      + "inside column "
                      + part.column()
                      + ", which "
                      + key.describe()
                      + " compares whole, and '"
                      + s.name()
                      + "' folds case and surrounding whitespace, which cannot be checked there;"
                      + " mask it with {strategy: email, case: preserve}, or drop the index on the"
                      + " copy");
            }
          }
        }
      }
      if (key.kind().equals("exclusion constraint")) {
        Set<String> read = new LinkedHashSet<>();
        for (Part part : key.parts()) {
          if (part.column() != null && masked.containsKey(part.column())) {
            read.add(part.column());
          } else if (part.column() == null) {
            read.addAll(readBy(part.expression(), masked.keySet()));
          }
        }
        for (String column : read) {
          for (MaskingPlan.CompiledField f : masked.get(column)) {
            problems.add(
                where(source, table, f)
                    + "read by exclusion constraint "
                    + key.name()
                    + ", which masked values may violate half-way through the run; drop the"
                    + " constraint on the copy (ALTER TABLE … DROP CONSTRAINT), or keep the"
                    + " column");
          }
        }
        continue;
      }
      if (problems.size() == found && !folded.isEmpty()) {
        long groups = foldedDuplicates(c, dialect, table, key, folded);
        if (groups > 0) {
          for (String column : folded) {
            MaskingPlan.CompiledField f = masked.get(column).get(0);
            problems.add(
                where(source, table, f)
                    + groups
                    + " groups of values that "
                    + key.describe()
                    + " tells apart differ only in case or surrounding whitespace, which '"
                    + f.strategy().name()
                    + "' folds into one pseudonym: the run would fail half-way with a duplicate"
                    + " key; mask it with {strategy: email, case: preserve} (each spelling its"
                    + " own pseudonym), or merge the spellings on the copy first");
          }
        }
      }
    }
    return problems;
  }

  /**
   * A read-only query: how many groups of rows the key tells apart but that the folding strategy
   * gives one key (case and surrounding whitespace normalised). The originals satisfy the key, so
   * any two rows of one group are distinct under it.
   */
  static long foldedDuplicates(
      Connection c, SqlDialect dialect, Table table, Key key, Set<String> folded)
      throws SQLException {
    List<String> groupBy = new ArrayList<>();
    List<String> notNull = new ArrayList<>();
    for (Part part : key.parts()) {
      if (part.column() != null) {
        Table.Column column = table.column(part.column());
        String quoted = dialect.quote(part.column());
        groupBy.add(folded.contains(part.column()) ? dialect.foldedText(column) : quoted);
        notNull.add(quoted + " IS NOT NULL");
      } else {
        String expression = part.expression();
        for (String column : folded) {
          if (caseFoldOf(expression, column)) {
            expression = dialect.foldedText(table.column(column));
            notNull.add(dialect.quote(column) + " IS NOT NULL");
          }
        }
        groupBy.add(expression);
      }
    }
    List<String> conditions = new ArrayList<>();
    if (key.nullsDistinct()) {
      conditions.addAll(notNull);
    }
    if (key.predicate() != null) {
      conditions.add("(" + key.predicate() + ")");
    }
    String sql =
        "SELECT COUNT(*) FROM (SELECT 1 AS one FROM "
            + dialect.qualified(table)
            + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
            + " GROUP BY "
            + String.join(", ", groupBy)
            + " HAVING COUNT(*) > 1) folded";
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String where(String source, Table table, MaskingPlan.CompiledField f) {
    return source
        + ":"
        + f.rule().line()
        + ": "
        + table.qualifiedName()
        + "."
        + f.rule().path()
        + ": ";
  }

  /** A rule on the whole column, not on a path inside it. */
  private static boolean wholeColumn(MaskingPlan.CompiledField f) {
    return f.rule().path().segments().size() == 1;
  }

  /**
   * email and token write lowercase base32 with a fixed prefix or domain: case folds keep them
   * apart.
   */
  private static boolean caseSafe(MaskingPlan.CompiledField f) {
    String name = f.strategy().name();
    return name.equals("email") || name.equals("token");
  }

  /** Whether an index expression is lower(column) or upper(column), casts to text aside. */
  static boolean caseFoldOf(String expression, String column) {
    String e = expression.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    e = e.replaceAll("::(text|charactervarying|varchar|character|bpchar|citext)", "");
    String c = column.toLowerCase(Locale.ROOT);
    for (String name : List.of(c, "\"" + c + "\"", "`" + c + "`")) {
      for (String f : List.of("lower", "upper")) {
        for (String form : List.of(f + "(" + name + ")", f + "((" + name + "))")) {
          if (e.equals(form) || e.equals("(" + form + ")")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The given columns an SQL text reads: each name as a whole identifier, bare or quoted, compared
   * without case (conservative: a name inside a string literal counts too).
   */
  static Set<String> readBy(String sql, Set<String> columns) {
    Set<String> read = new LinkedHashSet<>();
    for (String column : columns) {
      Pattern p =
          Pattern.compile(
              "(?<![\\w$])(\""
                  + Pattern.quote(column.replace("\"", "\"\""))
                  + "\"|`"
                  + Pattern.quote(column.replace("`", "``"))
                  + "`|"
                  + Pattern.quote(column)
                  + ")(?![\\w$])",
              Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      if (p.matcher(sql).find()) {
        read.add(column);
      }
    }
    return read;
  }
}
