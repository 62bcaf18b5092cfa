package io.dbrestore.testsupport;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * A synthetic shop database full of (made-up) personal data, for the local demo, the tests and the
 * benchmarks: nested documents, arrays of sub-documents, arrays of arrays, sub-documents in arrays
 * in sub-documents, mixed {@code _id} types, a unique e-mail index, the same e-mail in several
 * collections, and collections that are kept or emptied. It matches {@code examples/rules.yaml}.
 * Deterministic for a seed.
 *
 * <p>Every personal value it writes can be handed to a {@code Consumer<String>}, so that a test can
 * scan a masked copy for any of them.
 */
public final class SyntheticShop {
  public static final String DATABASE = "shop";
  public static final String LEGACY_DATABASE = "legacy";

  /** How many documents per collection. */
  public record Sizes(int customers, int orders, int tickets, int events, int sessions) {
    public static final Sizes DEMO = new Sizes(5_000, 12_000, 2_000, 3_000, 1_000);

    public int total() {
      return customers + orders + tickets + events + sessions;
    }
  }

  // Invented names: realistic in shape, but never among the name strategy's outputs, so a scan
  // for leftovers after masking cannot be fooled by a masked value that happens to be equal.
  private static final String[] FIRST = {
    "Zarevo", "Quilma", "Brondis", "Feyra", "Tolvane", "Marquel", "Ysolde", "Kestrin", "Dovana",
    "Perrik", "Alvesa", "Jorund", "Nimrae", "Castell", "Ulvira", "Bramwen", "Sorelle", "Thadric"
  };
  private static final String[] LAST = {
    "Quenby", "Vantross", "Hollisgrove", "Merriwick", "Dunhallow", "Ashcombe", "Pelloway",
    "Rendlesham", "Corvanek", "Tillbrook", "Wexmoor", "Stanforth", "Blackmere", "Ormsby"
  };
  private static final String[][] JA_FAMILY = {
    {"鴇鴛", "トキオシ"}, {"鵺沢", "ヌエサワ"}, {"蘂原", "シベハラ"}, {"靫森", "ユギモリ"}, {"鑓水", "ヤリミズ"},
    {"鵆谷", "チドリヤ"}, {"鶚川", "ミサゴガワ"}, {"鷽田", "ウソダ"}, {"鸛野", "コウノ"}, {"鶫橋", "ツグミバシ"}
  };
  private static final String[][] JA_GIVEN = {
    {"璃鴎", "リオウ"}, {"燈鵡", "トウム"}, {"鶸乃", "ヒワノ"}, {"鷸斗", "シギト"}, {"鵯花", "ヒヨカ"},
    {"鶲生", "ヒタキオ"}, {"鴫音", "シギネ"}, {"鷭介", "バンスケ"}, {"鶉子", "ウズラコ"}, {"鴗真", "ソニマ"}
  };
  private static final String[] CITIES = {"Springfield", "Rivertown", "横浜市", "札幌市", "Lakeside"};
  private static final String[] STREETS = {"Maple Street", "Oak Avenue", "桜通り", "Hill Road"};

  private final Random random;
  private final Consumer<Object> personal;

  private SyntheticShop(long seed, Consumer<Object> personal) {
    this.random = new Random(seed);
    this.personal = personal;
  }

  /**
   * Writes the shop into {@code database} (which should be empty).
   *
   * @param personal receives every personal value written (may be {@code v -> {}})
   */
  public static void generate(
      MongoDatabase database, Sizes sizes, long seed, Consumer<Object> personal) {
    new SyntheticShop(seed, personal).write(database, sizes);
  }

  /**
   * Writes the whole demo: the shop, plus a small legacy database (masked through the rules' {@code
   * tables:} form), into a server's databases {@value #DATABASE} and {@value #LEGACY_DATABASE}.
   */
  public static void generateAll(
      com.mongodb.client.MongoClient client, Sizes sizes, long seed, Consumer<Object> personal) {
    SyntheticShop shop = new SyntheticShop(seed, personal);
    shop.write(client.getDatabase(DATABASE), sizes);
    shop.writeLegacy(client.getDatabase(LEGACY_DATABASE), Math.max(10, sizes.customers() / 10));
  }

  private void writeLegacy(MongoDatabase db, int members) {
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      batch.add(
          new Document("_id", i)
              .append("login", planted("member" + i + "_" + Integer.toHexString(random.nextInt())))
              .append("nickname", planted("Nicky" + i))
              .append("joined", new Date(1_400_000_000_000L + random.nextInt(1_000_000_000))));
    }
    flush(db.getCollection("members"), batch);
  }

  private String planted(String value) {
    personal.accept(value);
    return value;
  }

  private void write(MongoDatabase db, Sizes sizes) {
    MongoCollection<Document> customers = db.getCollection("customers");
    customers.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
    List<String> emails = new ArrayList<>(sizes.customers());
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < sizes.customers(); i++) {
      Document c = customer(i);
      emails.add(c.getString("email"));
      batch.add(c);
      if (batch.size() == 1000) {
        customers.insertMany(batch);
        batch.clear();
      }
    }
    flush(customers, batch);

    MongoCollection<Document> orders = db.getCollection("orders");
    for (int i = 0; i < sizes.orders(); i++) {
      batch.add(order(i, emails));
      if (batch.size() == 1000) {
        orders.insertMany(batch);
        batch.clear();
      }
    }
    flush(orders, batch);

    MongoCollection<Document> tickets = db.getCollection("support_tickets");
    for (int i = 0; i < sizes.tickets(); i++) {
      batch.add(ticket(i, emails));
      if (batch.size() == 1000) {
        tickets.insertMany(batch);
        batch.clear();
      }
    }
    flush(tickets, batch);

    MongoCollection<Document> events = db.getCollection("events");
    for (int i = 0; i < sizes.events(); i++) {
      batch.add(
          new Document("_id", (long) i)
              .append("type", random.nextBoolean() ? "page_view" : "add_to_cart")
              .append("at", new Date(1_700_000_000_000L + random.nextInt(1_000_000_000)))
              .append("count", random.nextInt(10)));
      if (batch.size() == 1000) {
        events.insertMany(batch);
        batch.clear();
      }
    }
    flush(events, batch);

    MongoCollection<Document> resets = db.getCollection("password_resets");
    for (int i = 0; i < Math.max(1, sizes.sessions() / 10); i++) {
      batch.add(
          new Document("_id", new ObjectId())
              .append("email", emails.isEmpty() ? null : emails.get(random.nextInt(emails.size())))
              .append("code", planted("reset-" + Integer.toHexString(random.nextInt()))));
    }
    flush(resets, batch);

    MongoCollection<Document> sessions = db.getCollection("sessions");
    for (int i = 0; i < sizes.sessions(); i++) {
      batch.add(
          new Document("_id", new ObjectId())
              .append("token", planted("sess-" + Long.toHexString(random.nextLong())))
              .append(
                  "email", emails.isEmpty() ? null : emails.get(random.nextInt(emails.size()))));
      if (batch.size() == 1000) {
        sessions.insertMany(batch);
        batch.clear();
      }
    }
    flush(sessions, batch);
  }

  private static void flush(MongoCollection<Document> c, List<Document> batch) {
    if (!batch.isEmpty()) {
      c.insertMany(batch);
      batch.clear();
    }
  }

  private Long plantedNumber(long value) {
    personal.accept(value);
    return value;
  }

  private String email(String first, String last, int i) {
    return planted(
        (first + "." + last + "." + i + "@" + (i % 3 == 0 ? "mail.test" : "corp.test"))
            .toLowerCase(java.util.Locale.ROOT));
  }

  private String phone() {
    return planted(
        random.nextBoolean()
            ? String.format("+81 90-%04d-%04d", random.nextInt(10_000), random.nextInt(10_000))
            : String.format("(555) %03d-%04d", random.nextInt(1000), random.nextInt(10_000)));
  }

  private Document customer(int i) {
    boolean japanese = i % 4 == 0;
    String first;
    String last;
    Document name;
    if (japanese) {
      String[] family = JA_FAMILY[random.nextInt(JA_FAMILY.length)];
      String[] given = JA_GIVEN[random.nextInt(JA_GIVEN.length)];
      first = "user";
      last = "jp";
      name =
          new Document("first", planted(given[0]))
              .append("last", planted(family[0]))
              .append("kana", planted(family[1] + " " + given[1]));
    } else {
      first = FIRST[random.nextInt(FIRST.length)];
      last = LAST[random.nextInt(LAST.length)];
      name =
          new Document("first", planted(first)).append("last", planted(last)).append("kana", null);
    }
    String street =
        planted((1 + random.nextInt(999)) + " " + STREETS[random.nextInt(STREETS.length)]);
    List<Document> contacts = new ArrayList<>();
    for (int k = 0; k < random.nextInt(3); k++) {
      contacts.add(
          new Document("type", k == 0 ? "work" : "home")
              .append("email", email(first + k, last, i))
              .append("phone", phone()));
    }
    List<List<String>> aliases = new ArrayList<>();
    for (int k = 0; k < 1 + random.nextInt(2); k++) {
      aliases.add(List.of(planted("nick" + i + "x" + k), planted("handle" + i + "y" + k)));
    }
    List<Document> previous = new ArrayList<>();
    for (int k = 0; k < random.nextInt(3); k++) {
      previous.add(
          new Document("street", planted((1 + random.nextInt(999)) + " Old Road " + i + "-" + k))
              .append("city", CITIES[random.nextInt(CITIES.length)]));
    }
    return new Document("_id", new ObjectId())
        .append("email", email(first, last, i))
        .append("work_email", email(first + "w", last, i))
        .append("member_token", planted("mbr-" + i + "-" + Integer.toHexString(random.nextInt())))
        .append("tags", List.of(i % 2 == 0 ? "newsletter" : "vip", "segment-" + (i % 7)))
        .append("profile", new Document("previous_addresses", previous))
        .append("name", name)
        .append("phone", i % 10 == 0 ? (Object) plantedNumber(819012340000L + i) : phone())
        .append(
            "birthday", new Date(315_532_800_000L + (long) random.nextInt(12_000) * 86_400_000L))
        .append(
            "address",
            new Document("street", street)
                .append("city", CITIES[random.nextInt(CITIES.length)])
                .append("zip", planted(String.format("%05d", random.nextInt(100_000)))))
        .append("contacts", contacts)
        .append("aliases", aliases)
        .append(
            "loyalty",
            new Document("tier", i % 5 == 0 ? "gold" : "basic")
                .append("points", random.nextInt(5000)))
        .append("api_key", planted("key_" + Long.toHexString(random.nextLong())))
        .append("marketing_opt_in", random.nextBoolean())
        .append("referrer_note", i % 7 == 0 ? planted("referred by neighbour " + i) : null)
        .append("created", new Date(1_600_000_000_000L + random.nextInt(1_000_000_000)));
  }

  private Document order(int i, List<String> emails) {
    // Mixed _id types: numbers, strings and ObjectIds, as years of schema changes leave them.
    Object id =
        switch (i % 3) {
          case 0 -> i;
          case 1 -> "ORD-" + i;
          default -> new ObjectId();
        };
    String email =
        emails.isEmpty()
            ? planted("nobody" + i + "@mail.test")
            : emails.get(random.nextInt(emails.size()));
    List<Document> items = new ArrayList<>();
    for (int k = 0; k < 1 + random.nextInt(3); k++) {
      Document item =
          new Document("sku", "SKU-" + random.nextInt(500)).append("qty", 1 + random.nextInt(4));
      if (random.nextInt(4) == 0) {
        item.append(
            "gift",
            new Document("message", planted("Happy birthday dear friend number " + i + "-" + k))
                .append(
                    "recipients",
                    List.of(
                        new Document(
                                "name",
                                planted(FIRST[random.nextInt(FIRST.length)] + " Recipient" + i))
                            .append("email", planted("gift" + i + "k" + k + "@mail.test")))));
      }
      items.add(item);
    }
    return new Document("_id", id)
        .append("customer_email", email)
        .append(
            "shipping",
            new Document(
                    "name",
                    planted(
                        FIRST[random.nextInt(FIRST.length)]
                            + " "
                            + LAST[random.nextInt(LAST.length)]))
                .append(
                    "address",
                    new Document(
                            "street", planted((1 + random.nextInt(999)) + " Shipping Lane " + i))
                        .append("city", CITIES[random.nextInt(CITIES.length)])))
        .append("items", items)
        .append("total", Math.round(random.nextDouble() * 50_000) / 100.0)
        .append("placed", new Date(1_650_000_000_000L + random.nextInt(1_000_000_000)));
  }

  private Document ticket(int i, List<String> emails) {
    return new Document("_id", "T-" + i)
        .append(
            "requester",
            emails.isEmpty()
                ? planted("req" + i + "@mail.test")
                : emails.get(random.nextInt(emails.size())))
        .append("subject", "Order question " + (i % 50))
        .append("body", planted("Hello, my name is requester " + i + " and my phone is " + phone()))
        .append("opened", new Date(1_650_000_000_000L + random.nextInt(1_000_000_000)))
        .append("priority", random.nextInt(3));
  }

  /** Collections this data set creates. */
  public static Set<String> collections() {
    return Set.of(
        "customers", "orders", "support_tickets", "events", "sessions", "password_resets");
  }
}
