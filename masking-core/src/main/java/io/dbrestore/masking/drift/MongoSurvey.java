package io.dbrestore.masking.drift;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import io.dbrestore.masking.engine.FieldTree;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.rules.Rules;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * Surveys a MongoDB deployment for {@code rules diff}: every collection the masking engine would
 * work on (the same ones {@code MongoInventory} lists), and, for each collection to mask or not
 * declared at all, every document walked with the collection's rules (a full scan), or {@code
 * $sample} documents. Read-only: listDatabases, listCollections, find and aggregate only.
 */
public final class MongoSurvey {
  private final MongoClient client;
  private final MaskingPlan plan;

  public MongoSurvey(MongoClient client, MaskingPlan plan) {
    this.client = client;
    this.plan = plan;
  }

  /**
   * @param sample documents to sample per collection; 0 for a full scan
   * @param scope the databases to survey; empty for all
   */
  public Surveyed.Survey survey(int sample, Collection<String> scope) {
    Surveyed.Survey survey = new Surveyed.Survey(scope);
    for (String dbName : client.listDatabaseNames()) {
      if (MaskingRecord.SYSTEM_DATABASES.contains(dbName) || !survey.inScope(dbName)) {
        continue;
      }
      survey.database(dbName);
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
        Optional<MaskingPlan.CollectionPlan> p = plan.collection(dbName, name);
        MongoCollection<Document> coll = db.getCollection(name);
        Findings findings = new Findings("field");
        boolean walk = p.isEmpty() || p.get().mode() == Rules.Mode.MASK;
        if (walk) {
          FieldTree tree = p.map(MaskingPlan.CollectionPlan::tree).orElseGet(FieldTree::new);
          List<String> unique = new java.util.ArrayList<>();
          for (Document index : coll.listIndexes()) {
            if (Boolean.TRUE.equals(index.getBoolean("unique"))) {
              unique.addAll(index.get("key", Document.class).keySet());
            }
          }
          findings.uniqueKeys(unique);
          Iterable<Document> documents =
              sample > 0 ? coll.aggregate(List.of(Aggregates.sample(sample))) : coll.find();
          for (Document d : documents) {
            findings.document(tree, d);
          }
        }
        long count = walk && sample == 0 ? findings.documents() : coll.estimatedDocumentCount();
        survey.add(
            new Surveyed(
                dbName,
                name,
                "collection",
                count,
                p.isPresent(),
                walk && sample == 0,
                null,
                findings));
      }
    }
    return survey;
  }
}
