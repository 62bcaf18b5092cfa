package io.dbrestore.mongo.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import io.dbrestore.testsupport.InProcessMongo;
import io.dbrestore.testsupport.SyntheticShop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child process masking a data set is killed with SIGKILL at a random point of the masking
 * pass and started again: at the end every document is masked exactly once (a value masked twice
 * would differ from the expected pseudonym).
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class KillAndResumeTest {
  static final String KEY = "kill-and-resume-test-key-0123456789abcdefghij";

  private static Process start(String uri, Path dir, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            MongoMaskSnapshot.class.getName(),
            "mask",
            "--uri",
            uri,
            "--rules",
            Path.of("..", "examples", "rules.yaml").toString(),
            "--parallelism",
            "3",
            "--chunk-documents",
            "150");
    builder.environment().put("DBRESTORE_MASKING_KEY", KEY);
    builder.environment().put("DBRESTORE_LOG_FORMAT", "json");
    builder.redirectOutput(dir.resolve(name + ".out").toFile());
    builder.redirectError(dir.resolve(name + ".err").toFile());
    return builder.start();
  }

  private static long confirmed(MongoClient client) {
    long n = 0;
    for (Document c :
        client
            .getDatabase("shop")
            .getCollection("__dbrestore_masking")
            .find(Filters.eq("type", "chunk"))) {
      n += c.getLong("confirmed");
    }
    return n;
  }

  @Test
  void killedAtARandomPoint_resumesAndMasksEveryDocumentExactlyOnce(@TempDir Path dir)
      throws Exception {
    stopAndResume(dir, true);
  }

  @Test
  void sigtermMidRun_exits6QuicklyAndTheRunResumes(@TempDir Path dir) throws Exception {
    stopAndResume(dir, false);
  }

  private void stopAndResume(Path dir, boolean sigkill) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (InProcessMongo server = InProcessMongo.start();
        MongoClient client = MongoClients.create(server.uri())) {
      SyntheticShop.generateAll(
          client, new SyntheticShop.Sizes(1500, 3600, 600, 300, 100), 5, v -> {});
      Map<Object, String> emails = new HashMap<>();
      Map<Object, Object> phones = new HashMap<>();
      client
          .getDatabase("shop")
          .getCollection("customers")
          .find()
          .forEach(
              d -> {
                emails.put(d.get("_id"), d.getString("email"));
                phones.put(d.get("_id"), d.get("phone"));
              });
      Map<Object, String> orderEmails = new HashMap<>();
      client
          .getDatabase("shop")
          .getCollection("orders")
          .find()
          .forEach(d -> orderEmails.put(d.get("_id"), d.getString("customer_email")));

      Process first = start(server.uri(), dir, "first");
      long threshold = 200 + random.nextInt(3000);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (first.isAlive() && confirmed(client) < threshold && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(40));
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long at = confirmed(client);
      assertThat(at)
          .as(
              "killed mid-run (seed %d); stderr: %s",
              seed, Files.readString(dir.resolve("first.err")))
          .isLessThan(emails.size() + orderEmails.size() + 700);

      Process second = start(server.uri(), dir, "second");
      assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue())
          .as("seed %d; stderr: %s", seed, Files.readString(dir.resolve("second.err")))
          .isZero();

      MaskingKey key = MaskingKey.of(KEY);
      Strategy email = Strategies.create("email", Map.of(), key);
      Strategy phone = Strategies.create("phone", Map.of("keep-prefix", 2), key);
      client
          .getDatabase("shop")
          .getCollection("customers")
          .find()
          .forEach(
              d -> {
                assertThat(d.getString("email"))
                    .as("seed %d", seed)
                    .isEqualTo(email.mask(emails.get(d.get("_id"))));
                assertThat(d.get("phone"))
                    .as("seed %d", seed)
                    .isEqualTo(phone.mask(phones.get(d.get("_id"))));
              });
      client
          .getDatabase("shop")
          .getCollection("orders")
          .find()
          .forEach(
              d ->
                  assertThat(d.getString("customer_email"))
                      .as("seed %d", seed)
                      .isEqualTo(email.mask(orderEmails.get(d.get("_id")))));
      assertThat(Files.readString(dir.resolve("second.out"))).contains("\"verified\":true");
    }
  }
}
