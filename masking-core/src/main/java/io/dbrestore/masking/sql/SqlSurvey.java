package io.dbrestore.masking.sql;

import io.dbrestore.masking.drift.Findings;
import io.dbrestore.masking.drift.Leaf;
import io.dbrestore.masking.drift.Surveyed;
import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Surveys an SQL database for {@code rules diff}: the tables and materialized views the masking
 * engine would see (the dialect's catalogue queries, partitions through their top-level table),
 * every column of each table to mask or not declared, and, unless {@code schemaOnly}, the keys of
 * its JSON columns, read by scanning them. Read-only: the caller's connection is read-only, and
 * with {@code schemaOnly} no row is ever read.
 */
public final class SqlSurvey {
  private final SqlDialect dialect;
  private final MaskingPlan plan;

  /** For checking suggested strategies against columns only: nothing is masked with it. */
  private final MaskingKey key = MaskingKey.of(java.util.UUID.randomUUID() + "-check-only-key");

  public SqlSurvey(String jdbcUrl, MaskingPlan plan) {
    this.dialect = SqlDialect.forUrl(jdbcUrl);
    this.plan = plan;
  }

  /**
   * @param schemaOnly read the catalogue only, never a row
   * @param scope the schemas to survey; empty for all
   */
  public Surveyed.Survey survey(Connection c, boolean schemaOnly, Collection<String> scope)
      throws SQLException {
    Surveyed.Survey survey = new Surveyed.Survey(scope);
    for (String schema : dialect.schemas(c)) {
      if (!survey.inScope(schema)) {
        continue;
      }
      survey.database(schema);
      for (String mv : dialect.materializedViews(c, schema)) {
        survey.add(
            new Surveyed(
                schema,
                mv,
                "materialized-view",
                null,
                plan.collection(schema, mv).isPresent(),
                true,
                null,
                new Findings("json-key")));
      }
      for (Table table : dialect.tables(c, schema)) {
        if (table.name().equals(MaskingRecord.COLLECTION)) {
          continue;
        }
        Optional<MaskingPlan.CollectionPlan> p = plan.collection(schema, table.name());
        Findings findings = new Findings("json-key");
        boolean look = p.isEmpty() || p.get().mode() == Rules.Mode.MASK;
        if (look) {
          FieldTree tree = p.map(MaskingPlan.CollectionPlan::tree).orElseGet(FieldTree::new);
          // Columns a primary key, unique index or constraint covers: only a unique strategy.
          Set<String> pk = new HashSet<>(table.primaryKey());
          if (p.isEmpty()
              || table.columns().stream().anyMatch(c2 -> tree.child(c2.name()) == null)) {
            for (UniqueFit.Key k : dialect.uniqueKeys(c, table)) {
              for (UniqueFit.Part part : k.parts()) {
                if (part.column() != null) {
                  pk.add(part.column());
                }
              }
            }
          }
          for (Table.Column column : table.columns()) {
            FieldTree node = tree.child(column.name());
            if (node != null) {
              findings.matched(column.name());
              if (!schemaOnly && column.json() && !node.isLeaf()) {
                scanJson(c, table, column, node, findings);
              } else {
                matchDeeperRules(p.get(), column.name(), findings);
              }
              continue;
            }
            if (!schemaOnly && column.json()) {
              scanJson(c, table, column, null, findings);
              if (findings.leaves().keySet().stream()
                  .anyMatch(
                      k ->
                          k.startsWith(column.name() + ".")
                              || k.startsWith(column.name() + "[")
                              || k.equals(column.name()))) {
                continue;
              }
            }
            String path = column.array() ? column.name() + arrays(column.type()) : column.name();
            findings.leaves().remove(path);
            findings.column(
                path,
                new Leaf.Column(
                    column.type(),
                    kind(column),
                    column.nullable(),
                    pk.contains(column.name()),
                    (strategy, options) -> fit(column, strategy, options)));
          }
        }
        survey.add(
            new Surveyed(
                schema,
                table.name(),
                "table",
                schemaOnly ? null : Rows.count(c, dialect, table),
                p.isPresent(),
                true,
                look && table.primaryKey().isEmpty()
                    ? "no primary key: dbrestore masks by primary-key ranges; drop it, or add a"
                        + " primary key"
                    : null,
                findings));
      }
    }
    return survey;
  }

  /** Without a scan, a rule inside a JSON column cannot be called stale: its column exists. */
  private static void matchDeeperRules(
      MaskingPlan.CollectionPlan p, String column, Findings findings) {
    for (MaskingPlan.CompiledField f : p.fields()) {
      if (f.rule().path().root().equals(column)) {
        findings.matched(f.rule().path().text());
      }
    }
  }

  private void scanJson(
      Connection c, Table table, Table.Column column, FieldTree node, Findings findings)
      throws SQLException {
    String sql =
        "SELECT "
            + dialect.quote(column.name())
            + " FROM "
            + dialect.relation(table)
            + " WHERE "
            + dialect.quote(column.name())
            + " IS NOT NULL";
    try (Statement s = c.createStatement()) {
      s.setFetchSize(1000);
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          findings.jsonValue(node, Rows.parseJson(rs.getObject(1)), column.name());
        }
      }
    }
  }

  /** The engine's own check of a strategy against a column (ColumnFit), or null when it fits. */
  private String fit(Table.Column column, String strategy, java.util.Map<String, Object> options) {
    try {
      Strategy s = Strategies.create(strategy, options, key);
      return ColumnFit.problem(column.array() ? column.element() : column, s);
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  private static String arrays(String type) {
    StringBuilder s = new StringBuilder();
    String t = type;
    while (t.endsWith("[]")) {
      s.append("[]");
      t = t.substring(0, t.length() - 2);
    }
    return s.toString();
  }

  private static Leaf.ColumnKind kind(Table.Column column) {
    return switch (column.kind()) {
      case TEXT, UNKNOWN -> Leaf.ColumnKind.TEXT;
      case INTEGER, DECIMAL -> Leaf.ColumnKind.NUMBER;
      case BOOLEAN -> Leaf.ColumnKind.BOOLEAN;
      case TEMPORAL -> Leaf.ColumnKind.TEMPORAL;
      case JSON -> Leaf.ColumnKind.JSON;
      case BINARY, OTHER -> Leaf.ColumnKind.OTHER;
    };
  }
}
