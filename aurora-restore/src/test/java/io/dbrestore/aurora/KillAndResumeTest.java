package io.dbrestore.aurora;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.masking.strategy.Strategies;
import io.dbrestore.masking.strategy.Strategy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child process masking a PostgreSQL table is killed with SIGKILL at a random point and
 * started again: every row ends up masked exactly once (masked twice, a value would differ from its
 * expected pseudonym).
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class KillAndResumeTest {
  static final String KEY = "aurora-kill-resume-key-0123456789abcdefghijk";

  private static Process start(String url, Path rules, Path dir, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            AuroraRestore.class.getName(),
            "mask",
            "--jdbc-url",
            url,
            "--user",
            "postgres",
            "--password-env",
            "TEST_PASSWORD",
            "--rules",
            rules.toString(),
            "--parallelism",
            "3",
            "--range-rows",
            "4000");
    builder.environment().put("DBRESTORE_MASKING_KEY", KEY);
    builder.environment().put("TEST_PASSWORD", "postgres");
    builder.environment().put("DBRESTORE_LOG_FORMAT", "json");
    builder.redirectOutput(dir.resolve(name + ".out").toFile());
    builder.redirectError(dir.resolve(name + ".err").toFile());
    return builder.start();
  }

  private static long progressed(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM app.__dbrestore_masking WHERE id LIKE 'range:%'"
                    + " AND last_key IS NOT NULL")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return 0; // The checkpoint table does not exist yet.
    }
  }

  @Test
  void killedAtARandomPoint_resumesAndMasksEveryRowExactlyOnce(@TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        version: 1
        databases:
          app:
            tables:
              users:
                fields:
                  id: keep
                  email: email
                  nick: token
        """);
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        Connection c = postgres.getPostgresDatabase().getConnection()) {
      String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA app");
        s.execute("CREATE TABLE app.users (id INT PRIMARY KEY, email TEXT, nick TEXT)");
        s.execute(
            "INSERT INTO app.users SELECT i, 'user' || i || '@mail.test', 'nick' || i"
                + " FROM generate_series(1, 60000) i");
      }
      Process first = start(url, rules, dir, "first");
      long threshold = 1 + random.nextInt(6);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (first.isAlive() && progressed(c) < threshold && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(50));
      assertThat(first.isAlive())
          .as(
              "still masking when killed (seed %d): %s",
              seed, Files.readString(dir.resolve("first.err")))
          .isTrue();
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

      Process second = start(url, rules, dir, "second");
      assertThat(second.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue())
          .as("seed %d; stderr: %s", seed, Files.readString(dir.resolve("second.err")))
          .isZero();

      Strategy email = Strategies.create("email", Map.of(), MaskingKey.of(KEY));
      Strategy token = Strategies.create("token", Map.of(), MaskingKey.of(KEY));
      Map<Integer, String[]> rows = new HashMap<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id, email, nick FROM app.users")) {
        while (rs.next()) {
          rows.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3)});
        }
      }
      assertThat(rows).hasSize(60000);
      rows.forEach(
          (id, v) -> {
            assertThat(v[0]).as("seed %d", seed).isEqualTo(email.mask("user" + id + "@mail.test"));
            assertThat(v[1]).as("seed %d", seed).isEqualTo(token.mask("nick" + id));
          });
    }
  }
}
