package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.DocumentVerifier;
import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.VerificationFindings;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.Strategy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/** Reads a masked SQL database again, for the verification gate. */
final class SqlVerification {
  private final SqlMasking.Connections connections;
  private final SqlDialect dialect;
  private final SqlCheckpoints checkpoints;

  SqlVerification(
      SqlMasking.Connections connections, SqlDialect dialect, SqlCheckpoints checkpoints) {
    this.connections = connections;
    this.dialect = dialect;
    this.checkpoints = checkpoints;
  }

  /**
   * Reads every masked table again (row counts as recorded, every row's declared columns in masked
   * form, no undeclared JSON path) and checks that every foreign key of the masked schemas holds.
   */
  void verify(List<TableTarget> targets, VerificationFindings findings) throws SQLException {
    try (Connection c = connections.open()) {
      for (TableTarget t : targets) {
        long now = Rows.count(c, dialect, t.table());
        Long before = checkpoints.recordedRows(c, t.table());
        long expected =
            t.plan().mode() == Rules.Mode.EMPTY ? 0 : before == null ? t.rows() : before;
        if (now != expected) {
          findings.problem(t.name() + " holds " + now + " rows, expected " + expected);
        }
        if (t.plan().mode() != Rules.Mode.MASK) {
          continue;
        }
        DocumentVerifier verifier = new DocumentVerifier(t.plan().tree());
        String columns =
            String.join(
                ", ", t.table().columns().stream().map(col -> dialect.quote(col.name())).toList());
        Rows.streaming(
            c,
            () -> {
              try (Statement s = c.createStatement()) {
                s.setFetchSize(5_000);
                try (ResultSet rs =
                    s.executeQuery("SELECT " + columns + " FROM " + dialect.relation(t.table()))) {
                  while (rs.next()) {
                    Document row = new Document();
                    for (int i = 0; i < t.table().columns().size(); i++) {
                      Table.Column column = t.table().columns().get(i);
                      Object value = rs.getObject(i + 1);
                      if (value == null && isRemove(t.plan().tree(), column.name())) {
                        continue;
                      }
                      row.put(column.name(), Rows.read(column, value));
                    }
                    Set<String> bad = new LinkedHashSet<>();
                    Set<String> paths = new LinkedHashSet<>();
                    verifier.verify(row, bad::add, (path, n) -> paths.add(path));
                    bad.forEach(f -> findings.notMasked().add(t.name(), f, 1));
                    paths.forEach(f -> findings.undeclared().add(t.name(), f, 1));
                  }
                }
              }
            });
      }
    }
    try (Connection c = connections.open()) {
      orphans(c, targets).forEach(findings::problem);
    }
  }

  /**
   * Foreign keys must still hold: masking runs with their checks off, and only the consistent
   * pseudonyms keep referencing rows matched. Counts rows whose key finds no parent; names the
   * constraint, never a value.
   */
  private List<String> orphans(Connection c, List<TableTarget> targets) throws SQLException {
    List<String> problems = new ArrayList<>();
    for (String schema : TableTarget.schemas(targets)) {
      for (SqlDialect.ForeignKey fk : dialect.foreignKeys(c, schema)) {
        String child = dialect.quote(fk.schema()) + "." + dialect.quote(fk.table());
        String parent = dialect.quote(fk.parentSchema()) + "." + dialect.quote(fk.parentTable());
        List<String> notNull = new ArrayList<>();
        List<String> match = new ArrayList<>();
        for (int i = 0; i < fk.columns().size(); i++) {
          notNull.add("c." + dialect.quote(fk.columns().get(i)) + " IS NOT NULL");
          match.add(
              "p."
                  + dialect.quote(fk.parentColumns().get(i))
                  + " = c."
                  + dialect.quote(fk.columns().get(i)));
        }
        String sql =
            "SELECT count(*) FROM "
                + child
                + " c WHERE "
                + String.join(" AND ", notNull)
                + " AND NOT EXISTS (SELECT 1 FROM "
                + parent
                + " p WHERE "
                + String.join(" AND ", match)
                + ")";
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(sql)) {
          rs.next();
          long n = rs.getLong(1);
          if (n > 0) {
            problems.add(
                fk.schema()
                    + "."
                    + fk.table()
                    + ": foreign key "
                    + fk.name()
                    + " no longer holds for "
                    + n
                    + (n == 1 ? " row" : " rows"));
          }
        }
      }
    }
    return problems;
  }

  /** A column the rules {@code remove} holds NULL after masking: nothing to check. */
  private static boolean isRemove(FieldTree tree, String column) {
    FieldTree node = tree.child(column);
    Strategy s = node == null ? null : node.strategy();
    return s != null && "remove".equals(s.name());
  }
}
