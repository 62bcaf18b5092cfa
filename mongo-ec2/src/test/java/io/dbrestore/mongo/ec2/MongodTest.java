package io.dbrestore.mongo.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dbrestore.masking.engine.MaskingRecord;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.wait.Backoff;
import io.dbrestore.runtime.wait.Waiter;
import io.dbrestore.testsupport.InProcessMongo;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Readiness, counts and masking records against a real MongoDB wire-protocol server. */
class MongodTest {
  static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 1.0);

  /** What the 5.x driver needs at least, as InProcessMongo announces it. */
  static final de.bwaldvogel.mongo.MongoVersion MONGO_4_2 =
      new de.bwaldvogel.mongo.MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
          return List.of(4, 2, 0);
        }

        @Override
        public int getWireVersion() {
          return 8;
        }
      };

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void awaitReady_waitsUntilMongodAcceptsConnections() throws Exception {
    int port = freePort();
    List<MongoServer> started = new ArrayList<>();
    int[] sleeps = {0};
    Waiter waiter =
        new Waiter(
            new Cancellation(),
            Clock.systemUTC(),
            d -> {
              // mongod comes up after the third look.
              if (++sleeps[0] == 3) {
                MongoServer server = new MongoServer(new MemoryBackend().version(MONGO_4_2));
                server.bind("127.0.0.1", port);
                started.add(server);
              }
            },
            null,
            Duration.ofMinutes(1),
            m -> {});
    Mongod mongod = Mongod.of("mongodb://127.0.0.1:" + port + "/?retryWrites=false");
    try {
      mongod.awaitReady(waiter, Duration.ofSeconds(60), FAST);

      assertThat(sleeps[0]).isGreaterThanOrEqualTo(3);
      assertThat(started).hasSize(1);
    } finally {
      started.forEach(MongoServer::shutdownNow);
    }
  }

  @Test
  void awaitReady_timesOutWithExit4WhenNothingListens() throws Exception {
    int port = freePort();
    Instant[] now = {Instant.parse("2026-03-01T00:00:00Z")};
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    Waiter waiter =
        new Waiter(
            new Cancellation(),
            clock,
            d -> now[0] = now[0].plus(Duration.ofMinutes(1)),
            null,
            Duration.ofMinutes(1),
            m -> {});

    assertThatThrownBy(
            () ->
                Mongod.of("mongodb://127.0.0.1:" + port)
                    .awaitReady(waiter, Duration.ofMinutes(3), FAST))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.TIMED_OUT))
        .hasMessageContaining("mongod at 127.0.0.1:" + port + " to accept connections");
  }

  @Test
  void awaitReady_cancelled_exits6() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel(Cancellation.Reason.SIGNAL, "SIGTERM");
    Waiter waiter = new Waiter(cancellation, Clock.systemUTC(), null);

    assertThatThrownBy(
            () ->
                Mongod.of("mongodb://127.0.0.1:1").awaitReady(waiter, Duration.ofMinutes(3), FAST))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CANCELLED));
  }

  @Test
  void countsRecordsAndShutdown_againstARealServer() {
    try (InProcessMongo server = InProcessMongo.start();
        MongoClient client = MongoClients.create(server.uri())) {
      client
          .getDatabase("shop")
          .getCollection("customers")
          .insertMany(List.of(new Document("a", 1), new Document("a", 2)));
      client.getDatabase("shop").getCollection("orders").insertOne(new Document("o", 1));
      client
          .getDatabase("shop")
          .getCollection(MaskingRecord.COLLECTION)
          .insertOne(
              new Document("_id", "run")
                  .append("state", "VERIFIED")
                  .append("rulesSha256", "abc")
                  .append("manifest", new Document("customers", 2L).append("orders", 1L)));
      Mongod mongod = Mongod.of(server.uri());

      assertThat(mongod.counts()).isEqualTo(Map.of("shop.customers", 2L, "shop.orders", 1L));
      List<MaskingRecord.Run> records = mongod.maskingRecords();
      assertThat(records).hasSize(1);
      assertThat(records.get(0).verified()).isTrue();
      assertThat(records.get(0).manifest())
          .isEqualTo(Map.of("shop.customers", 2L, "shop.orders", 1L));

      mongod.flushAndShutdown();
    }
  }

  /** A server that answers the user commands the in-process one lacks, and records them. */
  static final class UserCommands extends MemoryBackend {
    final List<String> seen = new ArrayList<>();

    @Override
    public de.bwaldvogel.mongo.bson.Document handleCommand(
        io.netty.channel.Channel channel,
        String database,
        String command,
        de.bwaldvogel.mongo.bson.Document query) {
      switch (command) {
        case "usersInfo", "rolesInfo", "dropAllUsersFromDatabase", "dropAllRolesFromDatabase" -> {
          seen.add(database + " " + command);
          de.bwaldvogel.mongo.bson.Document answer = new de.bwaldvogel.mongo.bson.Document();
          if (command.equals("usersInfo")) {
            answer.put(
                "users",
                List.of(
                    new de.bwaldvogel.mongo.bson.Document("user", "copy").append("db", "admin")));
          } else if (command.equals("rolesInfo")) {
            answer.put("roles", List.of());
          } else {
            answer.put("n", 1);
          }
          answer.put("ok", 1.0);
          return answer;
        }
        case "fsync" -> {
          seen.add(database + " fsync");
          return new de.bwaldvogel.mongo.bson.Document("ok", 1.0);
        }
        default -> {
          return super.handleCommand(channel, database, command, query);
        }
      }
    }
  }

  @Test
  void inventoryAndDropUsers_sendTheUserCommands() {
    UserCommands backend = new UserCommands();
    backend.version(MONGO_4_2);
    MongoServer server = new MongoServer(backend);
    var address = server.bind();
    try (MongoClient client =
        MongoClients.create("mongodb://127.0.0.1:" + address.getPort() + "/?retryWrites=false")) {
      client.getDatabase("shop").getCollection("customers").insertOne(new Document("a", 1));
      Mongod mongod = Mongod.of("mongodb://127.0.0.1:" + address.getPort() + "/");

      MongodSteps.Inventory inventory = mongod.inventory("prove").orElseThrow();
      mongod.dropUsersAndRoles(List.of("shop"));

      assertThat(inventory.databases()).contains("shop");
      assertThat(inventory.users()).containsExactly("admin.copy");
      assertThat(inventory.roles()).isEmpty();
      assertThat(backend.seen)
          .containsSubsequence(
              "admin usersInfo",
              "admin fsync",
              "shop dropAllRolesFromDatabase",
              "shop dropAllUsersFromDatabase",
              "admin dropAllRolesFromDatabase",
              "admin dropAllUsersFromDatabase");
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void badUri_exits2AndPasswordIsRegisteredAsSecret() {
    assertThatThrownBy(() -> Mongod.of("postgres://x"))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT));
    Mongod.of("mongodb://user:s3cr3t-mongo-pass@10.0.0.1:27017/");
    assertThat(io.dbrestore.runtime.log.Redactor.redact("x s3cr3t-mongo-pass y"))
        .doesNotContain("s3cr3t-mongo-pass");
  }
}
