package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingPlan.CollectionPlan;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.strategy.Strategy;
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
   * Rejects, before any write, every rule that a unique index would make the run fail half-way with
   * a duplicate key (all problems of the collection in one message), and any strategy but keep on
   * {@code _id}, which cannot be updated. A unique index covers a rule's path when one of its keys
   * is the path, lies inside it, or is a parent of it (the whole sub-document is the key); arrays
   * are seen through ({@code contacts[].email} is the multikey {@code contacts.email}).
   *
   * <ul>
   *   <li>A non-unique strategy on a path any key of a unique index covers (compound indexes
   *       included: the combination can merge) is refused.
   *   <li>A path read by the {@code partialFilterExpression} of a unique index is refused whatever
   *       the strategy: masking can move documents into the filter.
   *   <li>Under a parent key the sub-document is compared whole: a strategy that folds case there
   *       is refused (it cannot be checked).
   *   <li>Where a unique strategy masks a key (or the path inside it), a read-only pass over the
   *       collection masks each document's key in memory and counts the groups of documents that
   *       would get one masked key: email folds case and surrounding whitespace, and text
   *       strategies mask the number 5 and the string "5" alike. Any such group is refused, with
   *       the count and never the values.
   * </ul>
   */
  private void checkIndexes(CollectionTarget t) {
    CollectionPlan p = t.plan();
    List<String> problems = new ArrayList<>();
    for (MaskingPlan.CompiledField f : p.fields()) {
      if (f.rule().path().root().equals("_id") && !f.strategy().keeps()) {
        problems.add(
            where(f.rule(), p)
                + "_id and the fields inside it cannot be masked (MongoDB never updates _id, and"
                + " references to a document name it); declare _id keep");
      }
    }
    if (!problems.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.INVALID_RULES, "invalid-rules", String.join("; ", problems));
    }
    MongoCollection<Document> coll = client.getDatabase(p.database()).getCollection(p.name());
    for (Document index : coll.listIndexes()) {
      if (!Boolean.TRUE.equals(index.getBoolean("unique"))) {
        continue;
      }
      String name = index.getString("name");
      Document key = index.get("key", Document.class);
      int found = problems.size();
      Object filter = index.get("partialFilterExpression");
      if (filter != null) {
        List<String> filtered = new ArrayList<>();
        filterPaths(filter, "", filtered);
        for (MaskingPlan.CompiledField f : p.fields()) {
          if (f.strategy().keeps()) {
            continue;
          }
          String path = dotted(f);
          for (String field : filtered) {
            if (related(field, path)) {
              problems.add(
                  where(f.rule(), p)
                      + "read by the partialFilterExpression of unique index '"
                      + name
                      + "': masking can move documents into the filter and make duplicates; drop"
                      + " the index on the copy (or rebuild it without this field in the filter),"
                      + " or keep the field");
              break;
            }
          }
        }
      }
      List<MaskingPlan.CompiledField> checked = new ArrayList<>();
      for (String indexed : key.keySet()) {
        String k = indexed.endsWith("$**") ? indexed.substring(0, indexed.length() - 3) : indexed;
        boolean wildcard = indexed.endsWith("$**");
        for (MaskingPlan.CompiledField f : p.fields()) {
          if (f.strategy().keeps()) {
            continue;
          }
          String path = dotted(f);
          boolean inside =
              indexed.equals(path)
                  || indexed.startsWith(path + ".")
                  || (wildcard && (k.isEmpty() || path.startsWith(k) || k.startsWith(path + ".")));
          boolean parent = !wildcard && path.startsWith(indexed + ".");
          if (!inside && !parent) {
            continue;
          }
          if (!f.strategy().unique()) {
            problems.add(
                where(f.rule(), p)
                    + "unique index '"
                    + name
                    + "' covers this field"
                    + (parent ? " (its key '" + indexed + "' holds it)" : "")
                    + (key.size() > 1 ? " (with " + String.join(", ", key.keySet()) + ")" : "")
                    + " but strategy '"
                    + f.strategy().name()
                    + "' is not unique; use a unique strategy (email, token) or keep");
          } else if (parent && f.strategy().normalises()) {
            problems.add(
                where(f.rule(), p)
                    + "unique index '"
                    + name
                    + "' compares '"
                    + indexed
                    + "' whole, and '"
                    + f.strategy().name()
                    + "' folds case and surrounding whitespace inside it, which cannot be checked;"
                    + " mask it with {strategy: email, case: preserve}, or drop the index on the"
                    + " copy");
          } else if (!parent && !wildcard) {
            checked.add(f); // the key is the path, or a leaf inside it masked leaf by leaf
          }
        }
      }
      if (problems.size() == found && !checked.isEmpty()) {
        long groups = collisions(coll, key, checked);
        if (groups > 0) {
          for (MaskingPlan.CompiledField f : checked) {
            problems.add(
                where(f.rule(), p)
                    + groups
                    + " groups of documents that unique index '"
                    + name
                    + "' tells apart would get one masked key ('"
                    + f.strategy().name()
                    + "' folds case and surrounding whitespace, and masks a number and its text"
                    + " alike): the run would fail half-way with a duplicate key; mask it with"
                    + " {strategy: email, case: preserve} (each spelling its own pseudonym), or"
                    + " merge the spellings on the copy first");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new MaskingException(
          MaskingException.Kind.INVALID_RULES,
          "invalid-rules",
          "fields that a unique index keeps from being masked ("
              + problems.size()
              + ", nothing was written):\n"
              + String.join("\n", problems));
    }
  }

  /**
   * A read-only pass: each document's key of a unique index, with the checked fields masked in
   * memory, hashed to 64 bits; the number of hashes that two documents share (a multikey document
   * counts each of its keys once). Memory: bounded ({@link DuplicateHashes} spills sorted runs to
   * temporary files, 8 bytes a document on disk).
   */
  private static long collisions(
      MongoCollection<Document> coll, Document key, List<MaskingPlan.CompiledField> checked) {
    Document projection = new Document();
    for (String k : key.keySet()) {
      projection.append(k, 1);
    }
    try (DuplicateHashes hashes = new DuplicateHashes()) {
      for (Document doc : coll.find().projection(projection)) {
        hashes(doc, key, checked).forEach(hashes::add);
      }
      return hashes.groups();
    }
  }

  /** The distinct hashes of one document's keys of a unique index, checked fields masked. */
  private static java.util.Set<Long> hashes(
      Document doc, Document key, List<MaskingPlan.CompiledField> checked) {
    List<String> tuples = new ArrayList<>();
    tuples.add("");
    for (String k : key.keySet()) {
      List<Object> values = new ArrayList<>();
      collect(doc, List.of(k.split("\\.")), 0, values);
      if (values.isEmpty()) {
        values.add(null);
      }
      Strategy s = null;
      for (MaskingPlan.CompiledField f : checked) {
        if (dotted(f).equals(k) || k.startsWith(dotted(f) + ".")) {
          s = f.strategy();
        }
      }
      List<String> next = new ArrayList<>();
      for (String prefix : tuples) {
        for (Object v : values) {
          Object masked = s == null || v == null ? v : s.mask(v);
          next.add(prefix + "\u0000" + typed(masked));
        }
      }
      tuples = next;
    }
    java.util.Set<Long> own = new java.util.HashSet<>();
    for (String tuple : tuples) {
      own.add(hash(tuple));
    }
    return own;
  }

  /** The values at a dotted path, through arrays (as a multikey index sees them). */
  private static void collect(Object node, List<String> parts, int at, List<Object> out) {
    if (at == parts.size()) {
      if (node instanceof List<?> list) {
        out.addAll(list);
      } else {
        out.add(node);
      }
      return;
    }
    if (node instanceof List<?> list) {
      for (Object element : list) {
        collect(element, parts, at, out);
      }
    } else if (node instanceof java.util.Map<?, ?> map && map.containsKey(parts.get(at))) {
      collect(map.get(parts.get(at)), parts, at + 1, out);
    }
  }

  /**
   * A value with its type, so that 5 and "5" stay apart; numbers compare by value across types, as
   * mongod compares them (5, 5L, 5.0 and Decimal128 5.00 are one key).
   */
  private static String typed(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number || v instanceof org.bson.types.Decimal128) {
      try {
        java.math.BigDecimal d =
            v instanceof org.bson.types.Decimal128 decimal
                ? decimal.bigDecimalValue()
                : new java.math.BigDecimal(v.toString());
        return "number:" + (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
      } catch (ArithmeticException | NumberFormatException e) {
        // NaN, infinities (and Decimal128 -0): no decimal form; their text names them.
        String text = v.toString();
        return "number:" + (text.equals("Infinity") ? "Infinity" : text);
      }
    }
    if (v instanceof Document d) {
      return "document:" + d.toJson();
    }
    return v.getClass().getSimpleName() + ":" + v;
  }

  private static long hash(String text) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.nio.ByteBuffer.wrap(h).getLong();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The field names a filter reads, dotted, operators left out. */
  private static void filterPaths(Object filter, String prefix, List<String> out) {
    if (filter instanceof List<?> list) {
      for (Object element : list) {
        filterPaths(element, prefix, out);
      }
    } else if (filter instanceof java.util.Map<?, ?> map) {
      for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (k.startsWith("$")) {
          filterPaths(e.getValue(), prefix, out);
        } else {
          out.add(prefix + k);
        }
      }
    }
  }

  /** Whether two dotted paths are the same, or one holds the other. */
  private static boolean related(String a, String b) {
    return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
  }

  /** A rule's path as an index names it: {@code contacts[].email} is {@code contacts.email}. */
  private static String dotted(MaskingPlan.CompiledField f) {
    return f.rule().path().text().replace("[]", "");
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

  private String where(Rules.Field rule, CollectionPlan p) {
    return plan.rules().source()
        + ":"
        + rule.line()
        + ": "
        + p.qualifiedName()
        + "."
        + rule.path()
        + ": ";
  }
}
