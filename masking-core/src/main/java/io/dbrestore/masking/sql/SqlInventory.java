package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an SQL database holds, checked against the rules before any write: every table of the
 * declared schemas must be declared, every column of a masked table too; a masked table needs a
 * primary key (with a unique strategy, or keep, on its columns), every masked column must hold what
 * its strategy writes ({@link ColumnFit}), and nothing may fire on the run's writes: triggers and
 * rewrite rules on the tables it masks (UPDATE) or empties (DELETE) and on its record table, and
 * event triggers on its DDL, unless the relaxed session holds them back ({@link
 * SqlDialect#firingOnWrites}, {@link SqlDialect#firingOnDdl}). A partition hierarchy is one table:
 * its top-level table.
 */
final class SqlInventory {
  private static final Logger LOG = LoggerFactory.getLogger(SqlInventory.class);

  private final SqlDialect dialect;
  private final MaskingPlan plan;

  SqlInventory(SqlDialect dialect, MaskingPlan plan) {
    this.dialect = dialect;
    this.plan = plan;
  }

  /**
   * Every table the run works on, counted; refuses, before any write, undeclared tables and columns
   * (as the policy says) and tables that cannot be masked in place.
   */
  List<TableTarget> targets(Connection c) throws SQLException {
    List<String> undeclaredTables = new ArrayList<>();
    List<String> undeclaredColumns = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    List<String> undeclaredMatviews = new ArrayList<>();
    List<String> unfit = new ArrayList<>();
    List<TableTarget> targets = new ArrayList<>();
    List<String> cluster = dialect.clusterRefusals(c);
    if (!cluster.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED, "unmaskable-server", String.join("; ", cluster));
    }
    boolean relaxed = dialect.relaxSession(c);
    boolean triggersFire = !relaxed || dialect.triggersFire(c);
    // A partition hierarchy is one table to the rules: its top-level table. Its partitions are not
    // listed as tables; a rule that names one is a mistake (it would mask its rows twice).
    List<String> partitionRules = new ArrayList<>();
    java.util.Map<String, List<SqlDialect.Partition>> foreignPartitions = new java.util.HashMap<>();
    for (String schema : dialect.schemas(c)) {
      for (SqlDialect.Partition part : dialect.partitions(c, schema)) {
        if (plan.collection(part.schema(), part.name()).isPresent()) {
          partitionRules.add(
              part.qualifiedName()
                  + " is a partition of "
                  + part.rootQualifiedName()
                  + "; declare only "
                  + part.rootQualifiedName());
        }
        if (part.foreign()) {
          foreignPartitions
              .computeIfAbsent(part.rootQualifiedName(), k -> new ArrayList<>())
              .add(part);
        }
      }
    }
    if (!partitionRules.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.INVALID_RULES,
          "invalid-rules",
          plan.rules().source()
              + ": "
              + String.join("; ", partitionRules)
              + " (a partitioned table is masked as one table, each row once, through its"
              + " top-level table; nothing was written)");
    }
    refusals.addAll(dialect.firingOnDdl(c, !triggersFire));
    for (String schema : dialect.schemas(c)) {
      for (String mv : dialect.materializedViews(c, schema)) {
        // A materialized view holds rows computed from the tables when it was last refreshed:
        // the originals. Only emptying it (drop or truncate) is allowed, whatever the policy.
        var p = plan.collection(schema, mv);
        if (p.isEmpty()) {
          undeclaredMatviews.add(schema + "." + mv);
        } else if (p.get().mode() != Rules.Mode.EMPTY) {
          refusals.add(
              schema
                  + "."
                  + mv
                  + " is a materialized view: its rows are copies of the originals; declare it"
                  + " drop (emptied after masking; refresh it in development)");
        }
      }
      for (Table table : dialect.tables(c, schema)) {
        if (table.name().equals(MaskingRecord.COLLECTION)) {
          // The run's own record (a resumed run): what fires on its writes is refused too.
          refusals.addAll(
              dialect.firingOnWrites(
                  c,
                  table,
                  List.of("INSERT", "UPDATE", "DELETE"),
                  "writing the run's record in",
                  !triggersFire));
          continue;
        }
        var p = plan.collection(schema, table.name());
        if (p.isEmpty()) {
          undeclaredTables.add(table.qualifiedName());
          continue;
        }
        CollectionPlan cp = p.get();
        if (cp.mode() != Rules.Mode.KEEP) {
          for (SqlDialect.Partition part :
              foreignPartitions.getOrDefault(table.qualifiedName(), List.of())) {
            refusals.add(
                part.qualifiedName()
                    + " is a foreign table attached as a partition of "
                    + table.qualifiedName()
                    + ": dbrestore cannot mask a foreign table (its rows live on another server,"
                    + " which writing through "
                    + table.qualifiedName()
                    + " would change); detach it on the copy (ALTER TABLE "
                    + dialect.qualified(table)
                    + " DETACH PARTITION "
                    + dialect.quote(part.schema())
                    + "."
                    + dialect.quote(part.name())
                    + "), or declare "
                    + table.qualifiedName()
                    + " keep");
          }
          // Masking UPDATEs the table (through a partitioned table, an UPDATE that moves a row
          // to another partition DELETEs and INSERTs it); emptying DELETEs its rows.
          refusals.addAll(
              dialect.firingOnWrites(
                  c,
                  table,
                  cp.mode() == Rules.Mode.EMPTY
                      ? List.of("DELETE")
                      : table.partitioned()
                          ? List.of("UPDATE", "DELETE", "INSERT")
                          : List.of("UPDATE"),
                  cp.mode() == Rules.Mode.EMPTY ? "emptying" : "masking",
                  !triggersFire));
        }
        if (cp.mode() == Rules.Mode.MASK) {
          for (Table.Column column : table.columns()) {
            if (cp.tree().child(column.name()) == null) {
              undeclaredColumns.add(table.qualifiedName() + "." + column.name());
            }
          }
          for (MaskingPlan.CompiledField f : cp.fields()) {
            Table.Column column = table.column(f.rule().path().root());
            if (column == null) {
              LOG.warn(
                  "{}:{}: {} has no column {}",
                  plan.rules().source(),
                  f.rule().line(),
                  table.qualifiedName(),
                  f.rule().path().root());
            } else if (f.rule().path().segments().size() > 1
                && !column.json()
                && !(column.array() && eachOnly(f.rule().path()))) {
              throw new MaskingException(
                  MaskingException.Kind.INVALID_RULES,
                  "invalid-rules",
                  plan.rules().source()
                      + ":"
                      + f.rule().line()
                      + ": "
                      + table.qualifiedName()
                      + "."
                      + f.rule().path()
                      + ": a path into column "
                      + column.name()
                      + ", which is not JSON ("
                      + column.type()
                      + ")");
            }
          }
          for (String k : table.primaryKey()) {
            FieldTree node = cp.tree().child(k);
            Strategy s = node == null ? null : node.strategy();
            if (s != null && !s.keeps() && !s.unique()) {
              throw new MaskingException(
                  MaskingException.Kind.INVALID_RULES,
                  "invalid-rules",
                  plan.rules().source()
                      + ":"
                      + node.rule().line()
                      + ": "
                      + table.qualifiedName()
                      + "."
                      + k
                      + ": a primary-key column needs a unique strategy (email, token) or keep,"
                      + " not '"
                      + s.name()
                      + "'");
            }
          }
          unfit.addAll(ColumnFit.problems(plan.rules().source(), table, cp));
          unfit.addAll(UniqueFit.problems(c, dialect, plan.rules().source(), table, cp));
          if (table.primaryKey().isEmpty()) {
            refusals.add(
                table.qualifiedName()
                    + " has no primary key (dbrestore masks by primary-key ranges; add one, or"
                    + " declare the table keep or drop)");
          }
        }
        boolean refusedForeign =
            cp.mode() != Rules.Mode.KEEP && foreignPartitions.containsKey(table.qualifiedName());
        // A refused hierarchy with foreign partitions is not read: counting would read the remote.
        targets.add(new TableTarget(table, cp, refusedForeign ? 0 : Rows.count(c, dialect, table)));
      }
    }
    if (!unfit.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.INVALID_RULES, "invalid-rules", ColumnFit.message(unfit));
    }
    if (!undeclaredMatviews.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED,
          "undeclared-collections",
          "materialized views the rules do not declare: "
              + String.join(", ", undeclaredMatviews)
              + "; declare each one drop (emptied after masking) and run again");
    }
    if (!undeclaredTables.isEmpty()) {
      if (plan.rules().policy().undeclaredCollections() == Rules.Action.FAIL) {
        throw new MaskingException(
            MaskingException.Kind.REFUSED,
            "undeclared-collections",
            "tables the rules do not declare: "
                + String.join(", ", undeclaredTables)
                + "; declare each one (columns to mask, keep, or drop) and run again");
      }
      LOG.warn("tables the rules do not declare are left as they are: {}", undeclaredTables);
    }
    if (!undeclaredColumns.isEmpty()
        && plan.rules().policy().undeclaredFields() == Rules.Action.FAIL) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED,
          "undeclared-fields",
          "columns the rules do not declare: "
              + String.join(", ", undeclaredColumns)
              + "; declare each one (a masking strategy or keep) and run again");
    }
    if (!refusals.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED, "unmaskable-table", String.join("; ", refusals));
    }
    List<String[]> finished = new ArrayList<>();
    for (TableTarget t : targets) {
      if (t.plan().mode() != Rules.Mode.KEEP) {
        finished.add(new String[] {t.table().schema(), t.table().name()});
      }
    }
    for (String schema : dialect.schemas(c)) {
      for (String mv : dialect.materializedViews(c, schema)) {
        finished.add(new String[] {schema, mv});
      }
    }
    List<String> cannotFinish = dialect.finishingRefusals(c, finished);
    if (!cannotFinish.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.REFUSED, "cannot-finish", String.join("; ", cannotFinish));
    }
    return targets;
  }

  /** {@code emails[]}, {@code matrix[][]}: the elements of an SQL array, nothing inside them. */
  static boolean eachOnly(io.dbrestore.masking.rules.FieldPath path) {
    return path.segments().stream()
        .skip(1)
        .allMatch(s -> s instanceof io.dbrestore.masking.rules.FieldPath.Each);
  }
}
