package io.dbrestore.masking.engine;

import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules compiled against a key: one strategy instance per field rule, built once and then applied
 * to every value of the field from every worker. Engine-independent; the MongoDB and SQL engines
 * both run plans.
 */
public final class MaskingPlan {
  /** One collection's compiled rules. */
  public record CollectionPlan(
      String database, String name, Rules.Mode mode, FieldTree tree, List<CompiledField> fields) {
    public String qualifiedName() {
      return database + "." + name;
    }
  }

  /** A field rule with its strategy. */
  public record CompiledField(Rules.Field rule, Strategy strategy) {}

  private final Rules rules;
  private final Map<String, Map<String, CollectionPlan>> databases;

  private MaskingPlan(Rules rules, Map<String, Map<String, CollectionPlan>> databases) {
    this.rules = rules;
    this.databases = databases;
  }

  /**
   * Compiles every rule.
   *
   * @throws MaskingException of kind INVALID_RULES naming the file and line of a bad rule
   */
  public static MaskingPlan compile(Rules rules, MaskingKey key) {
    Map<String, Map<String, CollectionPlan>> databases = new LinkedHashMap<>();
    for (Rules.Database db : rules.databases().values()) {
      Map<String, CollectionPlan> collections = new LinkedHashMap<>();
      for (Rules.Collection c : db.collections().values()) {
        FieldTree tree = new FieldTree(db.name() + "." + c.name());
        List<CompiledField> fields = new ArrayList<>();
        for (Rules.Field f : c.fields()) {
          Strategy s;
          try {
            s = Strategies.create(f.strategy(), f.options(), key);
          } catch (IllegalArgumentException e) {
            throw invalid(rules, f.line(), db.name() + "." + c.name() + "." + f.path(), e);
          }
          try {
            tree.add(f, s);
          } catch (IllegalArgumentException e) {
            throw invalid(rules, f.line(), db.name() + "." + c.name(), e);
          }
          fields.add(new CompiledField(f, s));
        }
        collections.put(c.name(), new CollectionPlan(db.name(), c.name(), c.mode(), tree, fields));
      }
      databases.put(db.name(), collections);
    }
    return new MaskingPlan(rules, databases);
  }

  private static MaskingException invalid(
      Rules rules, int line, String where, IllegalArgumentException e) {
    return new MaskingException(
        MaskingException.Kind.INVALID_RULES,
        "invalid-rules",
        rules.source() + ":" + line + ": " + where + ": " + e.getMessage());
  }

  public Rules rules() {
    return rules;
  }

  public Map<String, Map<String, CollectionPlan>> databases() {
    return databases;
  }

  public Optional<CollectionPlan> collection(String database, String name) {
    Map<String, CollectionPlan> db = databases.get(database);
    return db == null ? Optional.empty() : Optional.ofNullable(db.get(name));
  }
}
