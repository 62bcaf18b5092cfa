package io.dbrestore.masking.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.dbrestore.masking.rules.Rules.Action;
import io.dbrestore.masking.rules.Rules.Collection;
import io.dbrestore.masking.rules.Rules.Database;
import io.dbrestore.masking.rules.Rules.Field;
import io.dbrestore.masking.rules.Rules.Mode;
import io.dbrestore.masking.rules.Rules.Policy;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesLoaderTest {
  private static final String VALID =
      """
      # dbrestore masking rules
      version: 1
      policy:
        undeclared-collections: warn
      databases:
        app:
          collections:
            users:
              fields:
                _id: keep
                email: email
                name: {strategy: name, locale: ja, script: kanji}
                phone:
                  strategy: phone
                  keep-prefix: 3
                address.city: keep
                contacts[].email: email
                orders[].items[].note: redact
                matrix[][]: {strategy: token, prefix: "m_"}
            audit_log: keep
            sessions: drop
        billing:
          tables:
            invoices: truncate
      """;

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static Collection users(Rules rules) {
    return rules.database("app").orElseThrow().collections().get("users");
  }

  @Test
  void parse_whenValid_buildsTheModelInFileOrder() {
    Rules rules = RulesLoader.parse("rules.yaml", VALID);

    assertThat(rules.source()).isEqualTo("rules.yaml");
    assertThat(rules.databases().keySet()).containsExactly("app", "billing");
    Database app = rules.databases().get("app");
    assertThat(app.name()).isEqualTo("app");
    assertThat(app.line()).isEqualTo(6);
    assertThat(app.collections().keySet()).containsExactly("users", "audit_log", "sessions");
    assertThat(app.collections().values())
        .extracting(Collection::mode, Collection::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Mode.MASK, 8),
            org.assertj.core.groups.Tuple.tuple(Mode.KEEP, 20),
            org.assertj.core.groups.Tuple.tuple(Mode.EMPTY, 21));
    assertThat(app.collections().get("audit_log").fields()).isEmpty();
  }

  @Test
  void parse_whenValid_readsEveryFieldWithStrategyOptionsAndLine() {
    List<Field> fields = users(RulesLoader.parse("rules.yaml", VALID)).fields();

    assertThat(fields)
        .extracting(f -> f.path().text(), Field::strategy, Field::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("_id", "keep", 10),
            org.assertj.core.groups.Tuple.tuple("email", "email", 11),
            org.assertj.core.groups.Tuple.tuple("name", "name", 12),
            org.assertj.core.groups.Tuple.tuple("phone", "phone", 13),
            org.assertj.core.groups.Tuple.tuple("address.city", "keep", 16),
            org.assertj.core.groups.Tuple.tuple("contacts[].email", "email", 17),
            org.assertj.core.groups.Tuple.tuple("orders[].items[].note", "redact", 18),
            org.assertj.core.groups.Tuple.tuple("matrix[][]", "token", 19));
    assertThat(fields.get(0).options()).isEmpty();
    assertThat(fields.get(2).options())
        .containsExactly(entry("locale", "ja"), entry("script", "kanji"));
    assertThat(fields.get(3).options()).containsExactly(entry("keep-prefix", 3));
    assertThat(fields.get(7).options()).containsExactly(entry("prefix", "m_"));
    assertThat(fields.get(5).path()).isEqualTo(FieldPath.parse("contacts[].email"));
  }

  @Test
  void parse_whenPolicyHalfGiven_defaultsTheRestToFail() {
    Rules rules = RulesLoader.parse("rules.yaml", VALID);

    assertThat(rules.policy()).isEqualTo(new Policy(Action.WARN, Action.FAIL));
  }

  @Test
  void parse_whenNoPolicy_isStrict() {
    Rules rules =
        RulesLoader.parse("r.yaml", "version: 1\ndatabases: {app: {collections: {a: keep}}}\n");

    assertThat(rules.policy()).isEqualTo(Policy.STRICT);
  }

  @Test
  void parse_whenTablesSynonymAndTruncate_isTheSameModelAsCollectionsAndDrop() {
    Rules rules = RulesLoader.parse("rules.yaml", VALID);

    Database billing = rules.databases().get("billing");
    assertThat(billing.collections().get("invoices").mode()).isEqualTo(Mode.EMPTY);
    assertThat(billing.collections().get("invoices").line()).isEqualTo(24);
  }

  @Test
  void parse_whenText_sha256IsOfItsUtf8Bytes() throws Exception {
    Rules rules = RulesLoader.parse("rules.yaml", VALID);

    assertThat(rules.sha256())
        .isEqualTo(sha256(VALID.getBytes(StandardCharsets.UTF_8)))
        .hasSize(64);
  }

  @Test
  void parse_whenOptionValuesOfEveryType_keepsYamlTypes() {
    Rules rules =
        RulesLoader.parse(
            "r.yaml",
            """
            version: 1
            databases:
              app:
                collections:
                  c:
                    fields:
                      s: {strategy: constant, value: "text"}
                      i: {strategy: constant, value: 7}
                      b: {strategy: constant, value: true}
                      d: {strategy: constant, value: 1.5}
                      q: {strategy: constant, value: "true"}
                      big: {strategy: constant, value: 12345678901234567890}
                      whole: {strategy: token, length: 30.0}
                      days: {strategy: date-shift, days: 0x10}
            """);

    assertThat(users(rules, "c"))
        .extracting(f -> f.options().values().iterator().next())
        .containsExactly(
            "text", 7, true, 1.5, "true", new BigInteger("12345678901234567890"), 30, 16);
  }

  private static List<Field> users(Rules rules, String collection) {
    return rules.database("app").orElseThrow().collections().get(collection).fields();
  }

  @Test
  void parse_whenNamesLookLikeOtherYamlTypes_readsThemAsWritten() {
    Rules rules =
        RulesLoader.parse(
            "r.yaml",
            """
            version: 1
            databases:
              2024:
                collections:
                  yes: keep
                  c:
                    fields:
                      phone: null
                      fax: {strategy: null}
                      1: keep
            """);

    Database db = rules.databases().get("2024");
    assertThat(db.collections().keySet()).containsExactly("yes", "c");
    assertThat(db.collections().get("c").fields())
        .extracting(f -> f.path().text(), Field::strategy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("phone", "null"),
            org.assertj.core.groups.Tuple.tuple("fax", "null"),
            org.assertj.core.groups.Tuple.tuple("1", "keep"));
  }

  @Test
  void parse_whenByteOrderMark_ignoresIt() {
    Rules rules = RulesLoader.parse("r.yaml", "\uFEFF" + VALID);

    assertThat(rules.databases()).containsKeys("app", "billing");
  }

  @Test
  void parse_whenThousandsOfFields_isFast() {
    StringBuilder yaml = new StringBuilder("version: 1\ndatabases:\n  app:\n    collections:\n");
    for (int c = 0; c < 20; c++) {
      yaml.append("      c").append(c).append(":\n        fields:\n");
      for (int f = 0; f < 250; f++) {
        yaml.append("          doc").append(f).append(".items[].f").append(f).append(": email\n");
      }
    }
    RulesLoader.parse("warm-up.yaml", VALID);

    long start = System.nanoTime();
    Rules rules = RulesLoader.parse("big.yaml", yaml.toString());
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(rules.databases().get("app").collections()).hasSize(20);
    assertThat(millis).as("milliseconds for 5000 fields").isLessThan(5_000);
  }

  @Test
  void load_whenFile_readsItAndHashesItsExactBytes(@TempDir Path dir) throws Exception {
    byte[] bytes = VALID.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("rules.yaml");
    Files.write(file, bytes);

    Rules rules = RulesLoader.load(file);

    assertThat(rules.source()).isEqualTo(file.toString());
    assertThat(rules.sha256()).isEqualTo(sha256(bytes));
    assertThat(users(rules).fields()).hasSize(8);
    assertThat(users(rules).fields().get(7).line()).isEqualTo(19);
  }

  @Test
  void load_whenMissing_namesThePathAsGiven() {
    Path relative = Path.of("no-such-dir", "rules.yaml");

    assertThatThrownBy(() -> RulesLoader.load(relative))
        .isInstanceOf(RulesException.class)
        .hasMessage(relative + ": file not found");
  }

  @Test
  void load_whenDirectory_saysSo(@TempDir Path dir) {
    assertThatThrownBy(() -> RulesLoader.load(dir))
        .isInstanceOf(RulesException.class)
        .hasMessage(dir + ": is a directory, not a rules file");
  }

  @Test
  void load_whenEmpty_saysSo(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("rules.yaml"));

    assertThatThrownBy(() -> RulesLoader.load(file))
        .isInstanceOf(RulesException.class)
        .hasMessage(file + ": file is empty");
  }

  @Test
  void load_whenNotUtf8_namesTheLineAndByte(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rules.yaml");
    Files.write(file, "version: 1\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> RulesLoader.load(file))
        .isInstanceOf(RulesException.class)
        .hasMessage(file + ":2: not UTF-8 text (byte 0xE9 at offset 16): save the file as UTF-8");
  }

  @Test
  void load_whenUnreadable_saysSo(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("rules.yaml"), VALID);
    boolean locked = file.toFile().setReadable(false) && !Files.isReadable(file);
    org.junit.jupiter.api.Assumptions.assumeTrue(locked, "cannot take read access away (root?)");

    assertThatThrownBy(() -> RulesLoader.load(file))
        .isInstanceOf(RulesException.class)
        .hasMessage(file + ": cannot read the file (permission denied)");
  }

  @Test
  void load_whenOnlyComments_saysThereAreNoRules(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("rules.yaml"), "# nothing yet\n\n");

    assertThatThrownBy(() -> RulesLoader.load(file))
        .isInstanceOf(RulesException.class)
        .hasMessage(file + ":1: no rules: the file holds only comments or blank lines");
  }
}
