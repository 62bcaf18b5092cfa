package io.dbrestore.masking.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.rules.RulesLoader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a snapshot of a masked PostgreSQL copy carries beyond its rows, judged by an oracle that
 * does not trust the masker: the bytes of the data directory are scanned for the planted personal
 * values after the masking run and a CHECKPOINT (which writes every dirty page to its file and
 * unlinks the files of relations that were rewritten).
 *
 * <p>Scanned: {@code base/} (every database's tables, TOAST tables, indexes, materialized views and
 * per-database catalogs such as {@code pg_statistic}) and {@code global/} (the cluster-wide
 * catalogs). Not scanned: {@code pg_wal/} (the write-ahead log) and the other bookkeeping
 * directories. A copy that leaves the production account as an Aurora cluster snapshot is restored
 * as pages of the cluster volume; Aurora PostgreSQL keeps no WAL segment files an SQL user can read
 * (its log is the storage layer's, which is not exposed), so the pages - the files under {@code
 * base/} and {@code global/} here - are what a development user can reach. The WAL of this embedded
 * server does still hold the before-images; {@link #walStillHoldsThem} records that, so the
 * exclusion is a stated fact rather than an oversight.
 */
class SqlFinishPostgresTest {
  static final int ROWS = 2_000;
  static final Pattern PLANTED =
      Pattern.compile("planted-\\d+@example\\.org|Plantname\\d+x|planted-bio-\\d+-");

  static final String RULES =
      """
      version: 1
      databases:
        crm:
          tables:
            person:
              fields:
                id: keep
                email: email
                first_name: {strategy: name, part: first}
                bio: redact
            person_mv: drop
      """;

  static Path dataDir;
  static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("pg-finish-");
    postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(true)
            // No autovacuum: the test, not a background worker's timing, decides what is removed.
            .setServerConfig("autovacuum", "off")
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
    deleteRecursively(dataDir);
  }

  static void deleteRecursively(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  Connection connect() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }

  void exec(String... statements) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /**
   * A person table with an index on a masked column, a TOAST-sized text stored uncompressed (so
   * that its bytes are findable), a materialized view over it and statistics gathered before
   * masking, as production would have them.
   */
  @BeforeEach
  void plant() throws SQLException {
    exec(
        "DROP SCHEMA IF EXISTS crm CASCADE",
        "CREATE SCHEMA crm",
        "CREATE TABLE crm.person (id BIGINT PRIMARY KEY, email TEXT, first_name TEXT, bio TEXT)",
        "ALTER TABLE crm.person ALTER COLUMN bio SET STORAGE EXTERNAL",
        "CREATE INDEX person_email ON crm.person (email)",
        "CREATE INDEX person_first_name ON crm.person (first_name)");
    Random random = new Random(13);
    try (Connection c = connect();
        var ps = c.prepareStatement("INSERT INTO crm.person VALUES (?, ?, ?, ?)")) {
      for (int i = 1; i <= ROWS; i++) {
        ps.setLong(1, i);
        // A few values repeat, so that most_common_vals holds them as well as histogram_bounds.
        int n = i % 10 == 0 ? 1 : i;
        ps.setString(2, "planted-" + n + "@example.org");
        ps.setString(3, "Plantname" + n + "x");
        StringBuilder bio = new StringBuilder("planted-bio-" + i + "-");
        while (bio.length() < 4_000) {
          bio.append(Long.toHexString(random.nextLong()));
        }
        ps.setString(4, bio.toString());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    exec(
        "CREATE MATERIALIZED VIEW crm.person_mv AS SELECT id, email, first_name FROM crm.person",
        "ANALYZE crm.person",
        "ANALYZE crm.person_mv",
        "CHECKPOINT");
  }

  MaskingResult mask() throws SQLException {
    return mask(RULES);
  }

  MaskingResult mask(String rules) throws SQLException {
    MaskingPlan plan =
        MaskingPlan.compile(RulesLoader.parse("finish-rules.yaml", rules), SqlMaskingContract.KEY);
    return new SqlMasking(
            postgres.getJdbcUrl("postgres", "postgres"),
            this::connect,
            plan,
            SqlMasking.defaultOptions().withParallelism(2).withUnitSize(500).withBatchSize(200))
        .run();
  }

  /** Distinct planted values found in the bytes of the files under the given directories. */
  static Set<String> scan(String... dirs) throws IOException {
    Set<String> found = new TreeSet<>();
    for (String dir : dirs) {
      try (Stream<Path> files = Files.walk(dataDir.resolve(dir))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          byte[] bytes;
          try {
            bytes = Files.readAllBytes(f);
          } catch (java.nio.file.NoSuchFileException gone) {
            continue; // unlinked while walking
          }
          Matcher m = PLANTED.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
          while (m.find()) {
            found.add(m.group());
          }
        }
      }
    }
    return found;
  }

  long count(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void plantedValuesAreInTheFilesBeforeMasking() throws Exception {
    assertThat(scan("base", "global")).hasSizeGreaterThan(ROWS);
  }

  @Test
  void maskedCopy_dataDirectoryBytes() throws Exception {
    assertThat(mask().verified()).isTrue();
    exec("CHECKPOINT");

    Set<String> hits = scan("base", "global");
    System.out.println("planted values in base/ and global/ after masking: " + hits.size());

    assertThat(hits).as("planted values in base/ and global/").isEmpty();
  }

  @Test
  void maskedCopy_statisticsAndMatview() throws Exception {
    assertThat(mask().verified()).isTrue();

    assertThat(
            count(
                "SELECT count(*) FROM pg_stats WHERE schemaname = 'crm' AND (most_common_vals::text"
                    + " ~ 'planted-|Plantname' OR histogram_bounds::text ~ 'planted-|Plantname')"))
        .isZero();
    // Rebuilt from the masked rows, not merely removed.
    assertThat(
            count(
                "SELECT count(*) FROM pg_stats WHERE schemaname = 'crm' AND tablename = 'person'"
                    + " AND attname = 'email' AND histogram_bounds IS NOT NULL"))
        .isOne();
    assertThat(
            count("SELECT count(*) FROM pg_class WHERE relname = 'person_mv' AND relispopulated"))
        .isZero();
  }

  /** The exclusion of pg_wal/ is deliberate: it does hold the before-images here. */
  @Test
  void walStillHoldsThem() throws Exception {
    assertThat(mask().verified()).isTrue();
    exec("CHECKPOINT");
    Set<String> wal = scan("pg_wal");
    System.out.println("planted values in pg_wal/ after masking: " + wal.size());
    assertThat(wal).isNotEmpty();
  }

  /** Nothing written: no run record, no masked value. */
  void assertNothingWritten() throws SQLException {
    assertThat(
            count(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'crm'"
                    + " AND tablename = '__dbrestore_masking'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM crm.person WHERE email LIKE 'planted-%'"))
        .isEqualTo(ROWS);
  }

  @Test
  void undeclaredMaterializedView_refusedBeforeAnyWrite() throws Exception {
    assertThatThrownBy(() -> mask(RULES.replace("      person_mv: drop\n", "")))
        .isInstanceOf(MaskingException.class)
        .hasMessageContaining("materialized views the rules do not declare: crm.person_mv")
        .extracting(e -> ((MaskingException) e).kind())
        .isEqualTo(MaskingException.Kind.REFUSED);
    assertNothingWritten();
  }

  @Test
  void materializedViewDeclaredKeep_refusedBeforeAnyWrite() throws Exception {
    assertThatThrownBy(() -> mask(RULES.replace("person_mv: drop", "person_mv: keep")))
        .isInstanceOf(MaskingException.class)
        .hasMessageContaining("crm.person_mv is a materialized view");
    assertNothingWritten();
  }

  @Test
  void largeObjects_refusedBeforeAnyWrite() throws Exception {
    exec("SELECT lo_from_bytea(0, 'planted-lo@example.org'::bytea)");
    try {
      assertThatThrownBy(this::mask)
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("large objects");
      assertNothingWritten();
    } finally {
      exec("SELECT lo_unlink(oid) FROM pg_largeobject_metadata");
    }
  }

  @Test
  void otherDatabaseInTheCluster_refusedBeforeAnyWrite() throws Exception {
    exec("CREATE DATABASE other_app");
    try {
      assertThatThrownBy(this::mask)
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("databases the run does not mask [other_app]");
      assertNothingWritten();
    } finally {
      exec("DROP DATABASE other_app");
    }
  }

  MaskingResult maskAs(String user) throws SQLException {
    MaskingPlan plan =
        MaskingPlan.compile(RulesLoader.parse("finish-rules.yaml", RULES), SqlMaskingContract.KEY);
    return new SqlMasking(
            postgres.getJdbcUrl(user, "postgres"),
            () -> postgres.getDatabase(user, "postgres").getConnection(),
            plan,
            SqlMasking.defaultOptions().withParallelism(2).withUnitSize(500).withBatchSize(200))
        .run();
  }

  /**
   * Aurora's master user is no superuser: as a user who may update the tables but does not have
   * their owner's (and the database owner's) privileges, VACUUM FULL only warns and skips, and the
   * original values stay in the pages. That is refused before any write, naming the grant.
   */
  @Test
  void maskingUserWithoutTheOwnersPrivileges_refusedBeforeAnyWrite() throws Exception {
    exec(
        "DROP ROLE IF EXISTS masker",
        "CREATE ROLE masker LOGIN",
        "GRANT USAGE, CREATE ON SCHEMA crm TO masker",
        "GRANT ALL ON ALL TABLES IN SCHEMA crm TO masker");
    try {
      assertThatThrownBy(() -> maskAs("masker"))
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("cannot rewrite pg_statistic")
          .hasMessageContaining("cannot rewrite [crm.person, crm.person_mv]")
          .hasMessageContaining("GRANT \"postgres\" TO \"masker\"")
          .extracting(e -> ((MaskingException) e).kind())
          .isEqualTo(MaskingException.Kind.REFUSED);
      assertNothingWritten();
    } finally {
      exec("DROP OWNED BY masker", "DROP ROLE masker");
    }
  }

  /**
   * The same user, granted the role that owns the tables and the database (as production would,
   * once): the copy is finished without superuser, pg_statistic included, and no planted value is
   * left in the bytes of the data directory.
   */
  @Test
  void maskingUserWithTheOwnersPrivileges_finishesWithoutSuperuser() throws Exception {
    exec(
        "DROP ROLE IF EXISTS masker",
        "DROP ROLE IF EXISTS app_owner",
        "CREATE ROLE app_owner",
        "CREATE ROLE masker LOGIN IN ROLE app_owner",
        "ALTER SCHEMA crm OWNER TO app_owner",
        "ALTER TABLE crm.person OWNER TO app_owner",
        "ALTER MATERIALIZED VIEW crm.person_mv OWNER TO app_owner",
        "ALTER DATABASE postgres OWNER TO app_owner");
    try {
      assertThat(maskAs("masker").verified()).isTrue();
      exec("CHECKPOINT");

      assertThat(scan("base", "global")).as("planted values in base/ and global/").isEmpty();
    } finally {
      exec(
          "ALTER DATABASE postgres OWNER TO postgres",
          "DROP SCHEMA crm CASCADE",
          "DROP ROLE masker",
          "DROP ROLE app_owner");
    }
  }

  /** A run that stopped after masking, before finishing, finishes when run again. */
  @Test
  void resumedRun_finishes() throws Exception {
    mask();
    // Unfinished again, as a crash between masking and finishing leaves it: the run record says
    // verified, yet the view holds rows.
    exec("REFRESH MATERIALIZED VIEW crm.person_mv");
    MaskingResult again = mask();
    assertThat(again.verified()).isTrue();
    assertThat(again.collections())
        .filteredOn(r -> r.collection().equals("crm.person"))
        .singleElement()
        .satisfies(r -> assertThat(r.finishingSeconds()).isPositive());
    assertThat(
            count("SELECT count(*) FROM pg_class WHERE relname = 'person_mv' AND relispopulated"))
        .isZero();
  }

  /**
   * A key range that reads more rows than the split planned fails the run. Here rows are added
   * behind the masking pass's back: the connection the first range opens (after the inventory's and
   * the split's) first inserts them, past the last key, into the last range.
   */
  @Test
  void rangeReadingOtherRowsThanPlanned_failsTheRun() throws Exception {
    java.util.concurrent.atomic.AtomicInteger opened =
        new java.util.concurrent.atomic.AtomicInteger();
    SqlMasking.Connections sneaky =
        () -> {
          Connection c = connect();
          if (opened.incrementAndGet() == 3) {
            try (Statement s = c.createStatement()) {
              s.execute(
                  "INSERT INTO crm.person SELECT 1000000 + g, NULL, NULL, NULL"
                      + " FROM generate_series(1, 10) g");
            }
          }
          return c;
        };
    MaskingPlan plan =
        MaskingPlan.compile(RulesLoader.parse("finish-rules.yaml", RULES), SqlMaskingContract.KEY);
    assertThatThrownBy(
            () ->
                new SqlMasking(
                        postgres.getJdbcUrl("postgres", "postgres"),
                        sneaky,
                        plan,
                        SqlMasking.defaultOptions()
                            .withParallelism(1)
                            .withUnitSize(500)
                            .withBatchSize(200))
                    .run())
        .isInstanceOf(MaskingException.class)
        .hasMessageContaining("read 510 rows where 500 were planned")
        .extracting(e -> ((MaskingException) e).kind())
        .isEqualTo(MaskingException.Kind.VERIFICATION_FAILED);
  }

  /**
   * Triggers enabled ALWAYS or REPLICA fire in the masking session, whose replica role turns off
   * only ordinary ones: an UPDATE trigger that copies OLD values elsewhere would copy the
   * originals.
   */
  @Test
  void updateTriggerThatFiresInReplicaSessions_refusedBeforeAnyWrite() throws Exception {
    exec(
        "CREATE TABLE crm.person_log (id BIGINT, email TEXT)",
        "CREATE FUNCTION crm.log() RETURNS trigger AS $$ BEGIN INSERT INTO crm.person_log"
            + " VALUES (OLD.id, OLD.email); RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER person_log AFTER UPDATE ON crm.person FOR EACH ROW EXECUTE FUNCTION"
            + " crm.log()");
    String rules = RULES.replace("person_mv: drop", "person_mv: drop\n      person_log: keep");
    for (String mode : List.of("ALWAYS", "REPLICA")) {
      exec("ALTER TABLE crm.person ENABLE " + mode + " TRIGGER person_log");
      assertThatThrownBy(() -> mask(rules))
          .as(mode)
          .isInstanceOf(MaskingException.class)
          .hasMessageContaining("person_log")
          .extracting(e -> ((MaskingException) e).kind())
          .isEqualTo(MaskingException.Kind.REFUSED);
      assertThat(count("SELECT count(*) FROM crm.person_log")).as(mode).isZero();
      assertNothingWritten();
    }
  }
}
