package io.dbrestore.masking.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.dbrestore.testsupport.InProcessMongo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Memory bounded by workers × batch, not by the collection: a collection whose {@code _id}s alone
 * (300-character strings) and whose documents exceed the heap is masked and verified in a child JVM
 * with {@code -Xmx64m}, on the copy path (production) and in place (Atlas). The servers run in this
 * JVM, so the child holds only what the job holds. {@code -Ddbrestore.boundedMemory.documents=N}
 * changes the size (default 250,000: about 190 MB of {@code _id}s and documents).
 */
class MongoBoundedMemoryTest {
  static final int DOCUMENTS = Integer.getInteger("dbrestore.boundedMemory.documents", 250_000);

  private InProcessMongo sourceServer;
  private InProcessMongo destinationServer;

  @BeforeEach
  void start() {
    sourceServer = InProcessMongo.start();
    destinationServer = InProcessMongo.start();
    try (MongoClient client = MongoClients.create(sourceServer.uri())) {
      MongoCollection<Document> big = client.getDatabase("crm").getCollection("big");
      String filler = "x".repeat(300);
      List<Document> batch = new ArrayList<>();
      for (int i = 1; i <= DOCUMENTS; i++) {
        batch.add(
            new Document("_id", String.format("%0300d", i))
                .append("email", "user" + i + "@mail.test")
                .append("name", "Person Number" + i)
                .append("filler", filler));
        if (batch.size() == 5_000) {
          big.insertMany(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        big.insertMany(batch);
      }
    }
  }

  @AfterEach
  void stop() {
    sourceServer.close();
    destinationServer.close();
  }

  @Test
  void copy_collectionLargerThanTheHeap_maskedAndVerifiedInASmallFixedHeap() throws Exception {
    runChild("copy", sourceServer.uri(), destinationServer.uri());

    assertNoOriginalLeft(destinationServer);
  }

  @Test
  void inPlace_collectionLargerThanTheHeap_maskedAndVerifiedInASmallFixedHeap() throws Exception {
    runChild("in-place", sourceServer.uri());

    assertNoOriginalLeft(sourceServer);
  }

  private static void runChild(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-Djava.util.Arrays.useLegacyMergeSort=true",
                "-cp",
                System.getProperty("java.class.path"),
                MongoBoundedMemoryMain.class.getName()));
    command.addAll(List.of(args));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = tail(child);
    assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("verified=true masked=" + DOCUMENTS);
  }

  private static void assertNoOriginalLeft(InProcessMongo server) {
    try (MongoClient client = MongoClients.create(server.uri())) {
      MongoCollection<Document> big = client.getDatabase("crm").getCollection("big");
      assertThat(big.countDocuments()).isEqualTo(DOCUMENTS);
      assertThat(big.countDocuments(Filters.regex("email", "@mail\\.test$"))).isZero();
      assertThat(big.countDocuments(Filters.regex("name", "^Person Number"))).isZero();
    }
  }

  /** The child's last lines (its log is long). */
  private static String tail(Process child) throws IOException {
    String all = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return all.length() <= 4_000 ? all : all.substring(all.length() - 4_000);
  }
}
