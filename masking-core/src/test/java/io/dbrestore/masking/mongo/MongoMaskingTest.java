package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.testsupport.InProcessMongo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine's contract, in place, on the in-process MongoDB wire-protocol server. */
class MongoMaskingTest extends InPlaceMaskingContract {
  private static InProcessMongo server;

  @BeforeAll
  static void startServer() {
    server = InProcessMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected String uri() {
    return server.uri();
  }

  /**
   * Users whose {@code _id}s are binaries of subtypes 0, 3 and 4. The in-process server sorts them
   * one way and compares them in {@code $gte}/{@code $lt} ranges another (mongod orders binaries by
   * length, then subtype, then bytes, the same way in both), so chunks of 5 cut in {@code _id}
   * order leave some of these 24 documents out of their filters: a gap of the kind the gate must
   * not share with the masking pass. Returns each user's planted e-mail, in insertion order.
   */
  static List<String> usersWithMixedBinaryIds(MongoCollection<Document> users) {
    List<String> emails = new ArrayList<>();
    for (byte subtype : new byte[] {0, 3, 4}) {
      for (int length : subtype == 0 ? new int[] {4, 16} : new int[] {16}) {
        for (int i = 0; i < 6; i++) {
          byte[] id = new byte[length];
          id[0] = (byte) (i * 40);
          id[1] = subtype;
          id[length - 1] = (byte) (i * 7);
          String email = "planted.person" + emails.size() + "@mail.test";
          users.insertOne(new Document("_id", new Binary(subtype, id)).append("email", email));
          emails.add(email);
        }
      }
    }
    return emails;
  }

  static MaskingPlan usersPlan() {
    return MaskingPlan.compile(
        RulesLoader.parse(
            "users.yaml",
            """
            version: 1
            databases:
              app:
                collections:
                  users:
                    fields:
                      _id: keep
                      email: email
            """),
        KEY);
  }

  @Test
  void chunkFiltersThatLeaveDocumentsOut_failTheRunInsteadOfReportingItVerified() {
    MongoCollection<Document> users = client.getDatabase("app").getCollection("users");
    List<String> planted = usersWithMixedBinaryIds(users);

    assertThatThrownBy(
            () ->
                new MongoMasking(client, usersPlan(), MongoMasking.defaultOptions().withUnitSize(5))
                    .run())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageMatching("app\\.users chunk \\d+ read 0 documents where 5 were counted.*");

    assertThat(users.countDocuments(Filters.in("email", planted)))
        .as("the documents the chunk filters left out are still unmasked")
        .isPositive();
  }

  @Test
  void verification_readsEveryDocument_notTheMaskingPassChunks() {
    MongoCollection<Document> users = client.getDatabase("app").getCollection("users");
    List<String> planted = usersWithMixedBinaryIds(users);
    // One chunk of the whole collection (no filter): every document is masked.
    new MongoMasking(client, usersPlan(), MongoMasking.defaultOptions()).run();
    assertThat(users.countDocuments(Filters.in("email", planted))).isZero();
    // The first subtype-3 user, which chunks of 5 leave out of their filters, is unmasked again.
    users.updateOne(
        Filters.eq("email", Strategies.create("email", Map.of(), KEY).mask(planted.get(12))),
        Updates.set("email", "leaked.person@mail.test"));

    assertThatThrownBy(
            () ->
                new MongoMasking(client, usersPlan(), MongoMasking.defaultOptions().withUnitSize(5))
                    .verifyOnly())
        .isInstanceOfSatisfying(
            MaskingException.class,
            e -> assertThat(e.kind()).isEqualTo(MaskingException.Kind.VERIFICATION_FAILED))
        .hasMessageContaining("app.users: field email is not in masked form in 1 document")
        .hasMessageNotContaining("leaked.person");
  }
}
