package io.dbrestore.masking.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import io.dbrestore.testsupport.InProcessMongo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run record's writer and reader agree, and the stored document keeps its field names. */
class MaskingRecordTest {
  private static InProcessMongo server;
  private MongoClient client;

  @BeforeAll
  static void startServer() {
    server = InProcessMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() {
    client = MongoClients.create(server.uri());
    for (String db : client.listDatabaseNames()) {
      client.getDatabase(db).drop();
    }
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  private static Map<String, Long> counts(Object... entries) {
    Map<String, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < entries.length; i += 2) {
      map.put((String) entries[i], ((Number) entries[i + 1]).longValue());
    }
    return map;
  }

  @Test
  void start_readsBackAsMaskingWithCountsAndIndexes_andNoManifest() {
    new MaskingRecord.Writer(client.getDatabase("shop"))
        .start(
            "abc123",
            counts("shop.customers", 400, "shop.orders", 900),
            Map.of("shop.customers", List.of("_id_ {\"_id\": 1}", "email_1 {\"email\": 1}")));

    MaskingRecord.Run run = MaskingRecord.read(client.getDatabase("shop")).orElseThrow();

    assertThat(run.database()).isEqualTo("shop");
    assertThat(run.state()).isEqualTo("MASKING");
    assertThat(run.verified()).isFalse();
    assertThat(run.rulesSha256()).isEqualTo("abc123");
    assertThat(run.counts())
        .containsExactly(Map.entry("shop.customers", 400L), Map.entry("shop.orders", 900L));
    assertThat(run.uniqueIndexes())
        .containsExactly(
            Map.entry("shop.customers", List.of("_id_ {\"_id\": 1}", "email_1 {\"email\": 1}")));
    assertThat(run.manifest()).isEmpty();
  }

  @Test
  void verified_keepsThisDatabasesManifestOnly_andReadsBackQualified() {
    MaskingRecord.Writer shop = new MaskingRecord.Writer(client.getDatabase("shop"));
    shop.start("abc123", counts("shop.orders", 900), Map.of());
    shop.state(MaskingRecord.State.MASKED);
    assertThat(MaskingRecord.read(client.getDatabase("shop")).orElseThrow().state())
        .isEqualTo("MASKED");

    shop.verified(counts("shop.orders", 900, "shop.sessions", 0, "crm.people", 12));

    MaskingRecord.Run run = MaskingRecord.read(client.getDatabase("shop")).orElseThrow();
    assertThat(run.verified()).isTrue();
    assertThat(run.state()).isEqualTo(MaskingRecord.State.VERIFIED.name());
    assertThat(run.manifest())
        .containsExactly(Map.entry("shop.orders", 900L), Map.entry("shop.sessions", 0L));
  }

  @Test
  void theStoredDocument_isTheContractMongoEc2Reads() {
    MaskingRecord.Writer shop = new MaskingRecord.Writer(client.getDatabase("shop"));
    shop.start("abc123", counts("shop.orders", 900), Map.of("shop.orders", List.of()));
    shop.verified(counts("shop.orders", 900));

    Document stored =
        client
            .getDatabase("shop")
            .getCollection("__dbrestore_masking")
            .find(Filters.eq("_id", "run"))
            .first();

    assertThat(stored).isNotNull();
    assertThat(stored.getString("state")).isEqualTo("VERIFIED");
    assertThat(stored.getString("rulesSha256")).isEqualTo("abc123");
    assertThat(stored.get("counts", Document.class)).isEqualTo(new Document("orders", 900L));
    assertThat(stored.get("manifest", Document.class)).isEqualTo(new Document("orders", 900L));
    assertThat(stored.get("indexes", Document.class)).isEqualTo(new Document("orders", List.of()));
    assertThat(stored).containsKeys("startedAt", "updatedAt");
  }

  @Test
  void readAll_returnsOneRunPerDatabaseWithARecord_skippingSystemDatabases() {
    new MaskingRecord.Writer(client.getDatabase("shop")).start("abc", counts(), Map.of());
    new MaskingRecord.Writer(client.getDatabase("crm")).start("abc", counts(), Map.of());
    new MaskingRecord.Writer(client.getDatabase("crm")).verified(counts("crm.people", 3));
    new MaskingRecord.Writer(client.getDatabase("config")).start("abc", counts(), Map.of());
    client.getDatabase("unmasked").getCollection("things").insertOne(new Document("a", 1));

    List<MaskingRecord.Run> runs = MaskingRecord.read(client);

    assertThat(runs)
        .extracting(MaskingRecord.Run::database)
        .containsExactlyInAnyOrder("shop", "crm");
    assertThat(runs)
        .filteredOn(r -> r.database().equals("crm"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.verified()).isTrue();
              assertThat(r.manifest()).containsExactly(Map.entry("crm.people", 3L));
            });
    assertThat(MaskingRecord.read(client.getDatabase("unmasked"))).isEmpty();
  }
}
