package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.rules.Rules;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a MongoDB copy holds, checked against the rules before any write: every collection must be
 * declared (as the policy says), and no rule may break a unique index or touch {@code _id}.
 */
final class MongoInventory {
  private static final Logger LOG = LoggerFactory.getLogger(MongoInventory.class);

  private final MongoClient client;
  private final MaskingPlan plan;

  MongoInventory(MongoClient client, MaskingPlan plan) {
    this.client = client;
    this.plan = plan;
  }

  /** Every collection the run works on; refuses, before any write, what the rules cannot mask. */
  List<CollectionTarget> targets() {
    List<String> undeclared = new ArrayList<>();
    List<CollectionTarget> targets = new ArrayList<>();
    for (String dbName : client.listDatabaseNames()) {
      if (MaskingRecord.SYSTEM_DATABASES.contains(dbName)) {
        continue;
      }
      MongoDatabase db = client.getDatabase(dbName);
      for (Document info : db.listCollections()) {
        String name = info.getString("name");
        String type = info.getString("type");
        if (name.startsWith("system.")
            || name.equals(MaskingRecord.COLLECTION)
            || "view".equals(type)
            || "timeseries".equals(type) && name.startsWith("system.buckets.")) {
          continue;
        }
        var collectionPlan = plan.collection(dbName, name);
        if (collectionPlan.isEmpty()) {
          undeclared.add(dbName + "." + name);
          continue;
        }
        targets.add(
            new CollectionTarget(collectionPlan.get(), db.getCollection(name).countDocuments()));
      }
    }
    if (!undeclared.isEmpty()) {
      String list = String.join(", ", undeclared);
      if (plan.rules().policy().undeclaredCollections() == Rules.Action.FAIL) {
        throw new MaskingException(
            MaskingException.Kind.REFUSED,
            "undeclared-collections",
            "collections the rules do not declare: "
                + list
                + "; declare each one (fields to mask, keep, or drop) and run again");
      }
      LOG.warn("collections the rules do not declare are left as they are: {}", list);
    }
    for (CollectionTarget t : targets) {
      if (t.plan().mode() == Rules.Mode.MASK) {
        checkIndexes(t);
      }
    }
    return targets;
  }

  /**
   * Rejects, before any write, a non-unique strategy on a field that a unique index covers (the
   * bulk writes would fail half-way, or worse, succeed on a sparse index and merge people), and any
   * strategy but keep on {@code _id}, which cannot be updated.
   */
  private void checkIndexes(CollectionTarget t) {
    CollectionPlan p = t.plan();
    for (MaskingPlan.CompiledField f : p.fields()) {
      if (f.rule().path().text().equals("_id") && !f.strategy().keeps()) {
        throw invalidRules(
            f.rule(),
            p,
            "_id cannot be masked in place (MongoDB never updates _id); declare it keep");
      }
    }
    MongoCollection<Document> coll = client.getDatabase(p.database()).getCollection(p.name());
    for (Document index : coll.listIndexes()) {
      if (!Boolean.TRUE.equals(index.getBoolean("unique"))) {
        continue;
      }
      Document key = index.get("key", Document.class);
      for (String indexed : key.keySet()) {
        for (MaskingPlan.CompiledField f : p.fields()) {
          String path = f.rule().path().text().replace("[]", "");
          boolean covers = indexed.equals(path) || indexed.startsWith(path + ".");
          if (covers && !f.strategy().keeps() && !f.strategy().unique()) {
            throw invalidRules(
                f.rule(),
                p,
                "unique index '"
                    + index.getString("name")
                    + "' covers this field but strategy '"
                    + f.strategy().name()
                    + "' is not unique; use a unique strategy (email, token) or keep");
          }
        }
      }
    }
  }

  /** The unique indexes of a collection, as {@code name key} strings, sorted. */
  List<String> uniqueIndexes(CollectionPlan p) {
    List<String> result = new ArrayList<>();
    for (Document index : client.getDatabase(p.database()).getCollection(p.name()).listIndexes()) {
      if (Boolean.TRUE.equals(index.getBoolean("unique"))
          || "_id_".equals(index.getString("name"))) {
        result.add(index.getString("name") + " " + index.get("key", Document.class).toJson());
      }
    }
    result.sort(null);
    return result;
  }

  private MaskingException invalidRules(Rules.Field rule, CollectionPlan p, String problem) {
    return new MaskingException(
        MaskingException.Kind.INVALID_RULES,
        "invalid-rules",
        plan.rules().source()
            + ":"
            + rule.line()
            + ": "
            + p.qualifiedName()
            + "."
            + rule.path()
            + ": "
            + problem);
  }
}
