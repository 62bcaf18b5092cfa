package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.strategy.Strategy;
import java.util.ArrayList;
import java.util.List;
import org.bson.types.Decimal128;

/**
 * Whether what a strategy writes fits the column it masks, judged from the catalogue before any
 * write: a generated column cannot be written; NULL does not fit a NOT NULL column; a value longer
 * than the column, or of a type it cannot hold, fails the UPDATE (or, in a non-strict MySQL
 * session, is silently truncated, which breaks consistency between tables); and a masked column
 * that a CHECK constraint reads is refused outright, since whether the masked values pass the check
 * cannot be known before writing them.
 *
 * <p>Each problem is one line {@code <rules file>:<line>: <schema.table.column>: <what is wrong>;
 * <what to change>}. Columns whose kind is {@link Table.Kind#UNKNOWN} and paths into JSON columns
 * are not checked.
 */
final class ColumnFit {
  /** How many problems one refusal lists. */
  static final int SHOWN = 20;

  private ColumnFit() {}

  /** The problems of one masked table's whole-column rules, in rule order. */
  static List<String> problems(String source, Table table, MaskingPlan.CollectionPlan plan) {
    List<String> problems = new ArrayList<>();
    for (MaskingPlan.CompiledField f : plan.fields()) {
      Table.Column column = table.column(f.rule().path().root());
      Strategy s = f.strategy();
      if (column == null || s == null || s.keeps()) {
        continue;
      }
      if (f.rule().path().segments().size() > 1) {
        if (!column.array() || !SqlInventory.eachOnly(f.rule().path())) {
          continue; // a path into a JSON document: the document stays JSON
        }
        column = column.element();
      }
      String where =
          source
              + ":"
              + f.rule().line()
              + ": "
              + table.qualifiedName()
              + "."
              + f.rule().path()
              + ": ";
      String problem = problem(column, s);
      if (problem != null) {
        problems.add(where + problem);
      }
    }
    return problems;
  }

  /** What is wrong with masking {@code column} with {@code s}, and what to change; or null. */
  static String problem(Table.Column column, Strategy s) {
    String strategy = "'" + s.name() + "'";
    if (column.generated()) {
      return "a generated column (its value is computed by the database) cannot be written;"
          + " declare it keep and mask the columns it is computed from";
    }
    boolean writesNull = s.name().equals("null") || s.name().equals("remove");
    if (writesNull) {
      return column.nullable()
          ? checked(column, s)
          : strategy
              + " writes NULL into a NOT NULL column; use a strategy that writes a value"
              + " (constant, redact, …), or drop the NOT NULL constraint on the copy";
    }
    if (column.array()) {
      return "an array ("
          + column.type()
          + "): "
          + strategy
          + " on the whole array writes NULL; write '"
          + column.name()
          + "[]' to mask each element";
    }
    if (column.kind() == Table.Kind.UNKNOWN || column.kind() == Table.Kind.JSON) {
      return checked(column, s);
    }
    String type = column.type();
    switch (s.name()) {
      case "email", "token", "name", "redact", "phone" -> {
        boolean fits =
            column.kind() == Table.Kind.TEXT
                || (column.kind() == Table.Kind.BINARY && !s.name().equals("redact"));
        if (!fits) {
          return strategy
              + " writes text, which a column of type "
              + type
              + " cannot hold"
              + (s.name().equals("phone") && column.kind() == Table.Kind.INTEGER
                  ? " when the masked number starts with 0"
                  : "")
              + "; mask it with a strategy for its type (constant, null, date-shift for dates)"
              + " or keep it";
        }
      }
      case "date-shift" -> {
        if (column.kind() == Table.Kind.TEXT) {
          if (!column.nullable()) {
            return strategy
                + " writes NULL for a text value that is not an ISO date, and the column is NOT"
                + " NULL; store dates as a date type, use another strategy, or drop the NOT NULL"
                + " constraint on the copy";
          }
        } else if (column.kind() != Table.Kind.TEMPORAL) {
          return strategy
              + " shifts dates and writes NULL for anything else, and a column of type "
              + type
              + " holds no dates; use another strategy (constant, null) or keep it";
        }
      }
      case "constant" -> {
        Object v = s.constantValue();
        boolean fits =
            switch (column.kind()) {
              case TEXT -> true;
              case INTEGER -> v instanceof Integer || v instanceof Long || v instanceof Boolean;
              case DECIMAL -> v instanceof Number || v instanceof Decimal128;
              case BOOLEAN -> v instanceof Boolean || v instanceof Integer || v instanceof Long;
              default -> false;
            };
        String outOfRange = fits ? NumberLimits.problem(column, v) : null;
        if (!fits || outOfRange != null) {
          return "'constant' value "
              + (v instanceof String ? "'" + v + "'" : String.valueOf(v))
              + " does not fit a column of type "
              + type
              + (outOfRange == null ? "" : " (" + outOfRange + ")")
              + "; give a value of the column's type, or use null or keep";
        }
      }
      default -> {}
    }
    if (column.kind() == Table.Kind.TEXT
        && column.maxChars() > 0
        && s.maxLength() > column.maxChars()) {
      return strategy
          + " writes up to "
          + s.maxLength()
          + " characters and the column holds "
          + column.maxChars()
          + " ("
          + type
          + "); widen the column on the copy to at least "
          + s.maxLength()
          + " characters, or choose options that write shorter values (a shorter domain, prefix,"
          + " length or replacement)";
    }
    return checked(column, s);
  }

  /** A masked column that a CHECK constraint reads: refused, since the check cannot be known. */
  private static String checked(Table.Column column, Strategy s) {
    if (column.checks().isEmpty()) {
      return null;
    }
    return "masked with '"
        + s.name()
        + "' but read by CHECK constraint "
        + String.join(", ", column.checks())
        + ", which the masked values may fail half-way through the run; drop the constraint on"
        + " the copy before masking (ALTER TABLE … DROP CONSTRAINT), or keep the column";
  }

  /** One message for all problems, the first {@link #SHOWN} of them listed. */
  static String message(List<String> problems) {
    List<String> shown = problems.subList(0, Math.min(SHOWN, problems.size()));
    return "columns that cannot hold what their strategy writes ("
        + problems.size()
        + ", nothing was written):\n"
        + String.join("\n", shown)
        + (problems.size() > SHOWN ? "\n… and " + (problems.size() - SHOWN) + " more" : "");
  }
}
