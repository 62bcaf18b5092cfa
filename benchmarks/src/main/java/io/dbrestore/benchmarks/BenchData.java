package io.dbrestore.benchmarks;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The benchmark's data set: a skewed shop of made-up people. Six collections; {@code orders} holds
 * 62% of the documents, as one big collection usually does in production. Personal data sits at the
 * top level, in sub-documents, in arrays of sub-documents, in arrays of arrays and in arrays inside
 * sub-documents of arrays. Each collection has its own {@code _id} type (ObjectId, number or
 * string). Deterministic for a seed, so every benchmark variant masks the same documents.
 *
 * <p>{@link #RULES} declares every field, so the engine's fail-closed checks pass. Every e-mail
 * address written ends with {@value #ORIGINAL_EMAIL_DOMAIN}; masked ones end with example.com, so
 * {@link #PROBES} tell masked documents from unmasked ones.
 */
final class BenchData {
  static final String DATABASE = "shop";
  static final String ORIGINAL_EMAIL_DOMAIN = "@shop.test";

  /** Collections and their share of the documents, largest first; the last takes the rest. */
  static final Map<String, Double> SHARES = shares();

  /** Per collection, a field holding an e-mail address in every document. */
  static final Map<String, String> PROBES =
      Map.of(
          "orders", "customer_email",
          "customers", "email",
          "support_tickets", "requester",
          "reviews", "author.email",
          "payments", "billing.email",
          "deliveries", "recipient.email");

  /** Fields with a unique index, per collection. */
  static final Map<String, String> UNIQUE = Map.of("customers", "email");

  static final String RULES =
      """
      version: 1
      policy:
        undeclared-collections: fail
        undeclared-fields: fail
      databases:
        shop:
          collections:
            orders:
              fields:
                _id: keep
                customer_email: email
                shipping.name: name
                shipping.phone: phone
                shipping.address.street: {strategy: redact, replacement: "1 Masked Street"}
                shipping.address.city: keep
                shipping.address.zip: {strategy: constant, value: "00000"}
                items[].sku: keep
                items[].qty: keep
                items[].price: keep
                items[].gift.message: redact
                items[].gift.recipients[].name: {strategy: name, part: full}
                items[].gift.recipients[].email: email
                coupon_codes[]: {strategy: token, prefix: "cpn_", length: 20}
                total: keep
                status: keep
                placed: keep
            customers:
              fields:
                _id: keep
                email: email
                work_email: {strategy: email, domain: example.org}
                member_token: token
                name.first: {strategy: name, part: first}
                name.last: {strategy: name, part: last}
                name.kana: {strategy: name, locale: ja, script: kana}
                phone: {strategy: phone, keep-prefix: 2}
                birthday: {strategy: date-shift, days: 180}
                address.street: redact
                address.city: keep
                address.zip: {strategy: constant, value: "00000"}
                contacts[].type: keep
                contacts[].email: email
                contacts[].phone: phone
                aliases[][]: {strategy: token, prefix: "alias_", length: 20}
                tags[]: keep
                profile.previous_addresses[].street: redact
                profile.previous_addresses[].city: keep
                loyalty.tier: keep
                loyalty.points: keep
                api_key: remove
                marketing_opt_in: keep
                referrer_note: "null"
                created: keep
            support_tickets:
              fields:
                _id: keep
                requester: email
                subject: keep
                body: {strategy: redact, replacement: "[ticket text removed]"}
                messages[].from: email
                messages[].text: redact
                messages[].at: keep
                opened: {strategy: date-shift, days: 30}
                priority: keep
            reviews:
              fields:
                _id: keep
                author.name: name
                author.email: email
                product: keep
                rating: keep
                text: redact
                created: keep
            payments:
              fields:
                _id: keep
                card.holder: name
                card.last4: {strategy: constant, value: "0000"}
                card.brand: keep
                billing.name: name
                billing.email: email
                billing.phone: phone
                billing.address.street: redact
                billing.address.city: keep
                billing.address.zip: {strategy: constant, value: "00000"}
                amount: keep
                at: keep
            deliveries:
              fields:
                _id: keep
                recipient.name: name
                recipient.email: email
                recipient.phone: phone
                address.street: redact
                address.city: keep
                history[].status: keep
                history[].at: keep
                history[].signed_by: {strategy: name, part: full}
                carrier: keep
      """;

  private static final String[] FIRST = {
    "Zarevo", "Quilma", "Brondis", "Feyra", "Tolvane", "Marquel", "Ysolde", "Kestrin", "Dovana",
    "Perrik", "Alvesa", "Jorund", "Nimrae", "Castell", "Ulvira", "Bramwen", "Sorelle", "Thadric"
  };
  private static final String[] LAST = {
    "Quenby", "Vantross", "Hollisgrove", "Merriwick", "Dunhallow", "Ashcombe", "Pelloway",
    "Rendlesham", "Corvanek", "Tillbrook", "Wexmoor", "Stanforth", "Blackmere", "Ormsby"
  };
  private static final String[] KANA = {"トキオシ リオウ", "ヌエサワ トウム", "シベハラ ヒワノ", "ユギモリ シギト"};
  private static final String[] CITIES = {"Springfield", "Rivertown", "横浜市", "札幌市", "Lakeside"};
  private static final String[] STREETS = {"Maple Street", "Oak Avenue", "桜通り", "Hill Road"};

  private final Random random;

  private BenchData(long seed) {
    this.random = new Random(seed);
  }

  private static Map<String, Double> shares() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("orders", 0.62);
    m.put("customers", 0.14);
    m.put("support_tickets", 0.09);
    m.put("reviews", 0.07);
    m.put("payments", 0.05);
    m.put("deliveries", 0.03);
    return m;
  }

  /** Documents per collection for a total of {@code docs} (at least one each). */
  static Map<String, Integer> sizes(int docs) {
    if (docs < SHARES.size()) {
      throw new IllegalArgumentException("need at least " + SHARES.size() + " documents");
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    int left = docs;
    int i = 0;
    for (Map.Entry<String, Double> e : SHARES.entrySet()) {
      int remainingCollections = SHARES.size() - i - 1;
      int n =
          i == SHARES.size() - 1
              ? left
              : Math.max(1, Math.min(left - remainingCollections, (int) (docs * e.getValue())));
      sizes.put(e.getKey(), n);
      left -= n;
      i++;
    }
    return sizes;
  }

  /** Writes the data set into {@code db} (dropped first) in batches of 1000. */
  static void generate(MongoDatabase db, int docs, long seed) {
    db.drop();
    BenchData data = new BenchData(seed);
    Map<String, Integer> sizes = sizes(docs);
    UNIQUE.forEach(
        (c, field) ->
            db.getCollection(c)
                .createIndex(Indexes.ascending(field), new IndexOptions().unique(true)));
    for (Map.Entry<String, Integer> e : sizes.entrySet()) {
      MongoCollection<Document> coll = db.getCollection(e.getKey());
      IntFunction<Document> make = data.maker(e.getKey());
      List<Document> batch = new ArrayList<>(1000);
      for (int i = 0; i < e.getValue(); i++) {
        batch.add(make.apply(i));
        if (batch.size() == 1000) {
          coll.insertMany(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        coll.insertMany(batch);
      }
    }
  }

  /** A generated document and the collection it belongs to. */
  record Item(String collection, Document document) {}

  /**
   * Documents of every collection, in memory (for the CPU benchmark), in the skewed proportions.
   */
  static List<Item> documents(int docs, long seed) {
    BenchData data = new BenchData(seed);
    List<Item> all = new ArrayList<>(docs);
    for (Map.Entry<String, Integer> e : sizes(docs).entrySet()) {
      IntFunction<Document> make = data.maker(e.getKey());
      for (int i = 0; i < e.getValue(); i++) {
        all.add(new Item(e.getKey(), make.apply(i)));
      }
    }
    return all;
  }

  private IntFunction<Document> maker(String collection) {
    return switch (collection) {
      case "orders" -> this::order;
      case "customers" -> this::customer;
      case "support_tickets" -> this::ticket;
      case "reviews" -> this::review;
      case "payments" -> this::payment;
      case "deliveries" -> this::delivery;
      default -> throw new IllegalArgumentException(collection);
    };
  }

  private String first() {
    return FIRST[random.nextInt(FIRST.length)];
  }

  private String last() {
    return LAST[random.nextInt(LAST.length)];
  }

  private String email(String local, int i) {
    return (local + "." + i + ORIGINAL_EMAIL_DOMAIN).toLowerCase(Locale.ROOT);
  }

  private String phone() {
    return random.nextBoolean()
        ? String.format("+81 90-%04d-%04d", random.nextInt(10_000), random.nextInt(10_000))
        : String.format("(555) %03d-%04d", random.nextInt(1000), random.nextInt(10_000));
  }

  private String street() {
    return (1 + random.nextInt(999)) + " " + STREETS[random.nextInt(STREETS.length)];
  }

  private String city() {
    return CITIES[random.nextInt(CITIES.length)];
  }

  private Date date(long from) {
    return new Date(from + (long) random.nextInt(1_000_000_000));
  }

  private static ObjectId objectId(int i) {
    return new ObjectId(1_700_000_000 + i / 1000, i);
  }

  private Document order(int i) {
    List<Document> items = new ArrayList<>();
    for (int k = 0; k < 1 + random.nextInt(3); k++) {
      Document item =
          new Document("sku", "SKU-" + random.nextInt(500))
              .append("qty", 1 + random.nextInt(4))
              .append("price", random.nextInt(20_000) / 100.0);
      if (random.nextInt(4) == 0) {
        item.append(
            "gift",
            new Document("message", "Happy birthday dear friend number " + i + "-" + k)
                .append(
                    "recipients",
                    List.of(
                        new Document("name", first() + " " + last())
                            .append("email", email("gift" + k, i)))));
      }
      items.add(item);
    }
    List<String> coupons = new ArrayList<>();
    for (int k = 0; k < random.nextInt(3); k++) {
      coupons.add("WELCOME-" + i + "-" + k);
    }
    return new Document("_id", (long) i)
        .append("customer_email", email(first() + "." + last(), i))
        .append(
            "shipping",
            new Document("name", first() + " " + last())
                .append("phone", phone())
                .append(
                    "address",
                    new Document("street", street())
                        .append("city", city())
                        .append("zip", String.format("%05d", random.nextInt(100_000)))))
        .append("items", items)
        .append("coupon_codes", coupons)
        .append("total", random.nextInt(5_000_000) / 100.0)
        .append("status", random.nextInt(10) == 0 ? "returned" : "delivered")
        .append("placed", date(1_650_000_000_000L));
  }

  private Document customer(int i) {
    boolean japanese = i % 4 == 0;
    String first = first();
    String last = last();
    List<Document> contacts = new ArrayList<>();
    for (int k = 0; k < random.nextInt(3); k++) {
      contacts.add(
          new Document("type", k == 0 ? "work" : "home")
              .append("email", email(first + k, i))
              .append("phone", phone()));
    }
    List<List<String>> aliases = new ArrayList<>();
    for (int k = 0; k < 1 + random.nextInt(2); k++) {
      aliases.add(List.of("nick" + i + "x" + k, "handle" + i + "y" + k));
    }
    List<Document> previous = new ArrayList<>();
    for (int k = 0; k < random.nextInt(3); k++) {
      previous.add(
          new Document("street", (1 + random.nextInt(999)) + " Old Road " + i + "-" + k)
              .append("city", city()));
    }
    return new Document("_id", objectId(i))
        .append("email", email(first + "." + last, i))
        .append("work_email", email(first + ".work", i))
        .append("member_token", "mbr-" + i + "-" + Integer.toHexString(random.nextInt()))
        .append(
            "name",
            new Document("first", first)
                .append("last", last)
                .append("kana", japanese ? KANA[random.nextInt(KANA.length)] : null))
        .append("phone", phone())
        .append(
            "birthday", new Date(315_532_800_000L + (long) random.nextInt(12_000) * 86_400_000L))
        .append(
            "address",
            new Document("street", street())
                .append("city", city())
                .append("zip", String.format("%05d", random.nextInt(100_000))))
        .append("contacts", contacts)
        .append("aliases", aliases)
        .append("tags", List.of(i % 2 == 0 ? "newsletter" : "vip", "segment-" + (i % 7)))
        .append("profile", new Document("previous_addresses", previous))
        .append(
            "loyalty",
            new Document("tier", i % 5 == 0 ? "gold" : "basic")
                .append("points", random.nextInt(5000)))
        .append("api_key", "key_" + Long.toHexString(random.nextLong()))
        .append("marketing_opt_in", random.nextBoolean())
        .append("referrer_note", i % 7 == 0 ? "referred by neighbour " + i : null)
        .append("created", date(1_600_000_000_000L));
  }

  private Document ticket(int i) {
    String requester = email(first() + "." + last(), i);
    List<Document> messages = new ArrayList<>();
    for (int k = 0; k < 1 + random.nextInt(3); k++) {
      messages.add(
          new Document("from", k % 2 == 0 ? requester : "agent" + k + ORIGINAL_EMAIL_DOMAIN)
              .append("text", "Message " + k + " about order " + i + ", call me at " + phone())
              .append("at", date(1_650_000_000_000L)));
    }
    return new Document("_id", String.format("T-%09d", i))
        .append("requester", requester)
        .append("subject", "Order question " + (i % 50))
        .append("body", "Hello, my name is requester " + i + " and my phone is " + phone())
        .append("messages", messages)
        .append("opened", date(1_650_000_000_000L))
        .append("priority", random.nextInt(3));
  }

  private Document review(int i) {
    return new Document("_id", objectId(i))
        .append(
            "author",
            new Document("name", first() + " " + last())
                .append("email", email("reviewer." + last(), i)))
        .append("product", "SKU-" + random.nextInt(500))
        .append("rating", 1 + random.nextInt(5))
        .append("text", "Bought this for " + first() + "; arrived at " + street() + ".")
        .append("created", date(1_650_000_000_000L));
  }

  private Document payment(int i) {
    String holder = first() + " " + last();
    return new Document("_id", (long) i)
        .append(
            "card",
            new Document("holder", holder)
                .append("last4", String.format("%04d", random.nextInt(10_000)))
                .append("brand", random.nextBoolean() ? "visa" : "mastercard"))
        .append(
            "billing",
            new Document("name", holder)
                .append("email", email("payer", i))
                .append("phone", phone())
                .append(
                    "address",
                    new Document("street", street())
                        .append("city", city())
                        .append("zip", String.format("%05d", random.nextInt(100_000)))))
        .append("amount", random.nextInt(5_000_000) / 100.0)
        .append("at", date(1_650_000_000_000L));
  }

  private Document delivery(int i) {
    List<Document> history = new ArrayList<>();
    String[] states = {"picked", "in_transit", "delivered"};
    for (int k = 0; k < 1 + random.nextInt(3); k++) {
      Document h = new Document("status", states[k]).append("at", date(1_650_000_000_000L));
      h.append("signed_by", k == 2 ? first() + " " + last() : null);
      history.add(h);
    }
    return new Document("_id", String.format("D-%09d", i))
        .append(
            "recipient",
            new Document("name", first() + " " + last())
                .append("email", email("recipient", i))
                .append("phone", phone()))
        .append("address", new Document("street", street()).append("city", city()))
        .append("history", history)
        .append("carrier", random.nextBoolean() ? "yamato" : "sagawa");
  }
}
