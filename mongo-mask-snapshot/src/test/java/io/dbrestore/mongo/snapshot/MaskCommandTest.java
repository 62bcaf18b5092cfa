package io.dbrestore.mongo.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.dbrestore.runtime.testing.Run;
import io.dbrestore.testsupport.InProcessMongo;
import io.dbrestore.testsupport.SyntheticShop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mongo-mask-snapshot mask} through its real entry point, against an in-process server. */
class MaskCommandTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static io.dbrestore.runtime.testing.AwsWireMock secrets =
      new io.dbrestore.runtime.testing.AwsWireMock();

  static final String KEY = "mask-command-test-key-0123456789abcdefghijkl";
  static final Path RULES = Path.of("..", "examples", "rules.yaml");
  static final SyntheticShop.Sizes SIZES = new SyntheticShop.Sizes(300, 700, 100, 100, 50);

  private InProcessMongo server;
  private MongoClient client;

  @BeforeEach
  void start() {
    server = InProcessMongo.start();
    client = MongoClients.create(server.uri());
    SyntheticShop.generateAll(client, SIZES, 3, v -> {});
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private Run mask(Map<String, String> env, String... extra) {
    String[] args = new String[5 + extra.length];
    args[0] = "mask";
    args[1] = "--uri";
    args[2] = server.uri();
    args[3] = "--rules";
    args[4] = RULES.toString();
    System.arraycopy(extra, 0, args, 5, extra.length);
    return Run.of(MongoMaskSnapshot.entryPoint(), env, args);
  }

  private Run mask(String... extra) {
    return mask(Map.of("DBRESTORE_MASKING_KEY", KEY), extra);
  }

  private static JsonNode lastJson(String out) throws Exception {
    String[] lines = out.strip().split("\\R");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  @Test
  void mask_masksVerifiesAndPrintsTheSummaryAndResult(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("report.json");

    Run run = mask("--parallelism", "3", "--chunk-documents", "200", "--report", report.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("collection", "verification", "shop.customers", "passed");
    JsonNode result = lastJson(run.out());
    assertThat(result.get("verified").asBoolean()).isTrue();
    assertThat(result.get("manifest").get("shop.orders").asLong()).isEqualTo(SIZES.orders());
    assertThat(result.get("rulesSha256").asText()).hasSize(64);
    JsonNode written = new ObjectMapper().readTree(Files.readString(report));
    assertThat(written.get("collections")).isNotEmpty();
    assertThat(written.get("collections").get(0).get("verification").asText()).isEqualTo("passed");
  }

  @Test
  void missingKey_exits2WithOneLine() {
    Run run = mask(Map.of());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("no masking key: set DBRESTORE_MASKING_KEY");
  }

  @Test
  void shortKey_exits2() {
    Run run = mask(Map.of("DBRESTORE_MASKING_KEY", "too-short"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("at least 32").doesNotContain("too-short");
  }

  @Test
  void malformedRules_exits2NamingFileAndLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        "version: 1\ndatabases:\n  shop:\n    collections:\n      customers:\n        fields:\n"
            + "          email: emial\n");

    Run run =
        Run.of(
            MongoMaskSnapshot.entryPoint(),
            Map.of("DBRESTORE_MASKING_KEY", KEY),
            "mask",
            "--uri",
            server.uri(),
            "--rules",
            bad.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("bad.yaml:7:").contains("emial");
  }

  @Test
  void undeclaredCollection_exits3AndChangesNothing() {
    client.getDatabase("shop").getCollection("newsletter").insertOne(new Document("e", "x"));
    Document before = client.getDatabase("shop").getCollection("customers").find().first();

    Run run = mask();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("shop.newsletter");
    assertThat(
            client
                .getDatabase("shop")
                .getCollection("customers")
                .find(Filters.eq("_id", before.get("_id")))
                .first())
        .isEqualTo(before);
  }

  @Test
  void undeclaredField_exits3WithPathAndCount() {
    client
        .getDatabase("shop")
        .getCollection("customers")
        .updateMany(new Document(), Updates.set("passport_no", "X1234567"));

    Run run = mask();

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err())
        .contains("shop.customers: passport_no (" + SIZES.customers() + " documents)")
        .doesNotContain("X1234567");
  }

  @Test
  void plantedUnmaskedValue_exits5OnVerification() {
    assertThat(mask().exitCode()).isZero();
    var customers = client.getDatabase("shop").getCollection("customers");
    customers.updateOne(
        Filters.eq("_id", customers.find().first().get("_id")),
        Updates.set("email", "real.person@mail.test"));

    Run run = mask("--verify-only");

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.err())
        .contains("shop.customers: field email is not in masked form in 1 document")
        .doesNotContain("real.person");
  }

  @Test
  void dryRun_writesNothingAndShowsMaskedDocuments() {
    Map<Object, Document> before = new HashMap<>();
    client
        .getDatabase("shop")
        .getCollection("customers")
        .find()
        .forEach(d -> before.put(d.get("_id"), d));

    Run run = mask("--dry-run");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Dry run", "shop.customers after:", "@example.com");
    client
        .getDatabase("shop")
        .getCollection("customers")
        .find()
        .forEach(d -> assertThat(d).isEqualTo(before.get(d.get("_id"))));
    assertThat(client.getDatabase("shop").getCollection("sessions").countDocuments())
        .isEqualTo(SIZES.sessions());
  }

  @Test
  void keyFromSecretsManager_isUsedAndNeverPrinted() {
    secrets.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post("/")
            .withHeader(
                "X-Amz-Target",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                    "secretsmanager.GetSecretValue"))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okForContentType(
                    "application/x-amz-json-1.1",
                    "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:1:secret:k\",\"SecretString\":\""
                        + KEY
                        + "\"}")));

    Run run =
        mask(
            Map.of(),
            "--masking-key-secret",
            "arn:aws:secretsmanager:eu-west-1:1:secret:k",
            "--parallelism",
            "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(KEY);
    String masked =
        client.getDatabase("shop").getCollection("customers").find().first().getString("email");
    assertThat(masked).endsWith("@example.com");
  }

  @Test
  void badParallelism_exits2() {
    Run run = mask("--parallelism", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--parallelism");
  }

  /**
   * A mongod nobody answers on: one line naming the address and what to check (the driver's own
   * server-selection timeout message is what the job reads), exit 1, no stack trace.
   */
  @Test
  void unreachableMongod_oneLineNamingTheAddressAndWhatToCheck() throws Exception {
    int port;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    Run run =
        Run.of(
            MongoMaskSnapshot.entryPoint(),
            Map.of("DBRESTORE_MASKING_KEY", KEY),
            "mask",
            "--uri",
            "mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=1000",
            "--rules",
            RULES.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains("could not reach mongod at 127.0.0.1:" + port)
        .contains("security group")
        .doesNotContain("\tat ");
  }
}
