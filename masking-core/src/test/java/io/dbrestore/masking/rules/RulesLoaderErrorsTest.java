package io.dbrestore.masking.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a rules file can be wrong gives {@code file:line: where: problem}, one line. */
class RulesLoaderErrorsTest {
  private static final String STRATEGIES =
      "constant, date-shift, email, keep, name, null, phone, redact, remove, token";

  private static RulesException failure(String yaml) {
    RulesException e =
        catchThrowableOfType(RulesException.class, () -> RulesLoader.parse("rules.yaml", yaml));
    assertThat(e).as("no RulesException for:%n%s", yaml).isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n");
    return e;
  }

  private static String message(String yaml) {
    return failure(yaml).getMessage();
  }

  /** A file whose users collection holds {@code fields}, which start at line 6. */
  private static String users(String fields) {
    return """
        version: 1
        databases:
          app:
            collections:
              users:
                fields:
        """
        + fields.indent(10);
  }

  @Test
  void parse_whenUnknownStrategy_listsTheStrategies() {
    assertThat(message(users("_id: keep\nemail: emial")))
        .isEqualTo(
            "rules.yaml:8: databases.app.collections.users.fields.email: unknown strategy 'emial'"
                + " (expected one of "
                + STRATEGIES
                + ")");
  }

  @Test
  void parse_whenUnknownStrategyInLongForm_pointsAtTheStrategyLine() {
    assertThat(message(users("email:\n  domain: example.com\n  strategy: emial")))
        .isEqualTo(
            "rules.yaml:9: databases.app.collections.users.fields.email: unknown strategy 'emial'"
                + " (expected one of "
                + STRATEGIES
                + ")");
  }

  @Test
  void parse_whenUnknownStrategyWithUnknownOption_saysOnlyTheStrategy() {
    RulesException e = failure(users("email: {strategy: emial, domian: x}"));

    assertThat(e.problems())
        .containsExactly(
            "rules.yaml:7: databases.app.collections.users.fields.email: unknown strategy 'emial'"
                + " (expected one of "
                + STRATEGIES
                + ")");
  }

  @Test
  void parse_whenUnknownOption_namesTheStrategysOptions() {
    assertThat(message(users("email:\n  strategy: email\n  domian: example.com")))
        .isEqualTo(
            "rules.yaml:9: databases.app.collections.users.fields.email: unknown option 'domian'"
                + " for strategy 'email' (expected domain or case)");
  }

  @Test
  void parse_whenOptionOnStrategyWithoutOptions_saysItTakesNone() {
    assertThat(message(users("_id: {strategy: keep, prefix: x}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields._id: strategy 'keep' takes no"
                + " options, found 'prefix'");
  }

  @Test
  void parse_whenLongFormWithoutStrategy_saysStrategyIsRequired() {
    assertThat(message(users("email: {domain: example.com}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.email: 'strategy' is required in"
                + " the long form (e.g. {strategy: email, domain: ...})");
  }

  @Test
  void parse_whenRequiredOptionMissing_namesIt() {
    assertThat(message(users("born: {strategy: date-shift}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.born: strategy 'date-shift'"
                + " requires option 'days'");
    assertThat(message(users("flag: {strategy: constant}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.flag: strategy 'constant'"
                + " requires option 'value'");
  }

  @Test
  void parse_whenOptionOutOfRange_givesTheBound() {
    assertThat(message(users("t: {strategy: token, length: 19}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.t.length: must be at least 20,"
                + " found 19");
    assertThat(message(users("t: {strategy: token, length: 53}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.t.length: must be at most 52,"
                + " found 53");
    assertThat(message(users("d: {strategy: date-shift, days: 3651}")))
        .endsWith("fields.d.days: must be at most 3650, found 3651");
    assertThat(message(users("p: {strategy: phone, keep-prefix: -1}")))
        .endsWith("fields.p.keep-prefix: must be at least 0, found -1");
  }

  @Test
  void parse_whenOptionOfWrongType_saysWhatIsExpected() {
    assertThat(message(users("p: {strategy: phone, keep-prefix: three}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.p.keep-prefix: expected an"
                + " integer, found 'three'");
    assertThat(message(users("t: {strategy: token, length: 25.5}")))
        .endsWith("fields.t.length: expected an integer, found 25.5");
    assertThat(message(users("e: {strategy: email, domain: 5}")))
        .endsWith("fields.e.domain: expected a string, found 5");
    assertThat(message(users("c: {strategy: constant, value: [1]}")))
        .endsWith("fields.c.value: expected a string, a number or a boolean, found a list");
  }

  @Test
  void parse_whenOptionNotInItsList_listsTheChoices() {
    assertThat(message(users("n: {strategy: name, locale: fr}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.n.locale: must be en or ja,"
                + " found 'fr'");
    assertThat(message(users("n: {strategy: name, part: middle}")))
        .endsWith("fields.n.part: must be full, first or last, found 'middle'");
  }

  @Test
  void parse_whenFieldRuleEmpty_saysWhatAFieldRuleIs() {
    assertThat(message(users("email:")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.email: expected a strategy name"
                + " or a mapping with 'strategy' and its options, found nothing");
  }

  @Test
  void parse_whenMaskedCollectionWithoutFields_saysFieldsIsRequired() {
    String yaml =
        """
        version: 1
        databases:
          app:
            collections:
              audit: keep
              users:
                indexes: {}
        """;

    RulesException e = failure(yaml);

    assertThat(e.problems())
        .containsExactly(
            "rules.yaml:6: databases.app.collections.users: 'fields' is required for a masked"
                + " collection",
            "rules.yaml:7: databases.app.collections.users: unknown key 'indexes' (expected"
                + " fields)");
  }

  @Test
  void parse_whenFieldsEmpty_saysAtLeastOne() {
    assertThat(message(users("{}")))
        .isEqualTo(
            "rules.yaml:6: databases.app.collections.users.fields: a masked collection needs at"
                + " least one field");
  }

  @Test
  void parse_whenUnknownCollectionRule_listsTheRules() {
    assertThat(message("version: 1\ndatabases:\n  app:\n    tables:\n      users: kepp\n"))
        .isEqualTo(
            "rules.yaml:5: databases.app.tables.users: unknown collection rule 'kepp' (expected"
                + " keep, drop, truncate or a mapping with 'fields')");
  }

  @Test
  void parse_whenCollectionEmpty_saysWhatACollectionRuleIs() {
    assertThat(message("version: 1\ndatabases:\n  app:\n    collections:\n      users:\n"))
        .isEqualTo(
            "rules.yaml:5: databases.app.collections.users: expected keep, drop, truncate or a"
                + " mapping with 'fields', found nothing");
  }

  @Test
  void parse_whenVersionWrongOrMissing_saysItMustBe1() {
    assertThat(message("# rules\n\nversion: 2\ndatabases: {app: {collections: {a: keep}}}\n"))
        .isEqualTo("rules.yaml:3: version: must be 1");
    assertThat(message("version: '1'\ndatabases: {app: {collections: {a: keep}}}\n"))
        .isEqualTo("rules.yaml:1: version: must be 1");
    assertThat(message("# rules\ndatabases: {app: {collections: {a: keep}}}\n"))
        .isEqualTo("rules.yaml:2: 'version' is required");
  }

  @Test
  void parse_whenUnknownTopLevelKey_listsTheKnownOnes() {
    assertThat(message("version: 1\nmasking: on\ndatabases: {app: {collections: {a: keep}}}\n"))
        .isEqualTo("rules.yaml:2: unknown key 'masking' (expected version, policy or databases)");
  }

  @Test
  void parse_whenPolicyValueUnknown_listsTheChoices() {
    assertThat(
            message(
                "version: 1\npolicy:\n  undeclared-fields: off\n"
                    + "databases: {app: {collections: {a: keep}}}\n"))
        .isEqualTo("rules.yaml:3: policy.undeclared-fields: must be fail or warn, found 'off'");
    assertThat(
            message(
                "version: 1\npolicy:\n  undeclared-tables: warn\n"
                    + "databases: {app: {collections: {a: keep}}}\n"))
        .isEqualTo(
            "rules.yaml:3: policy: unknown key 'undeclared-tables' (expected"
                + " undeclared-collections or undeclared-fields)");
  }

  @Test
  void parse_whenDatabaseHasNoCollections_saysSo() {
    assertThat(message("version: 1\ndatabases:\n  app:\n    collections: {}\n"))
        .isEqualTo(
            "rules.yaml:4: databases.app.collections: a database with no collections: declare at"
                + " least one");
    assertThat(message("version: 1\ndatabases:\n  app: {}\n"))
        .isEqualTo("rules.yaml:3: databases.app: 'collections' (or 'tables') is required");
    assertThat(message("version: 1\ndatabases:\n  app:\n"))
        .isEqualTo(
            "rules.yaml:3: databases.app: expected a mapping with 'collections' (or 'tables'),"
                + " found nothing");
    assertThat(message("version: 1\ndatabases: {}\n"))
        .isEqualTo("rules.yaml:2: databases: declare at least one database");
  }

  @Test
  void parse_whenBothCollectionsAndTables_saysChooseOne() {
    assertThat(
            message(
                "version: 1\ndatabases:\n  app:\n    collections: {a: keep}\n"
                    + "    tables: {b: keep}\n"))
        .isEqualTo("rules.yaml:3: databases.app: use either 'collections' or 'tables', not both");
  }

  @Test
  void parse_whenUnknownKeyBesideCollections_namesOnlyTheKey() {
    RulesException e =
        failure("version: 1\ndatabases:\n  app:\n    collections: {a: keep}\n    owner: x\n");

    assertThat(e.problems())
        .containsExactly(
            "rules.yaml:5: databases.app: unknown key 'owner' (expected collections or tables)");
  }

  @Test
  void parse_whenPathMalformed_givesTheParsersMessage() {
    assertThat(message(users("_id: keep\naddress..city: keep")))
        .isEqualTo(
            "rules.yaml:8: databases.app.collections.users.fields: 'address..city': empty field"
                + " name between '.' and '.' at position 9");
    assertThat(message(users("contacts[]email: email")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields: 'contacts[]email': expected '.'"
                + " or '[]' after '[]' at position 11");
    assertThat(message(users("'': keep")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields: a field path cannot be empty");
  }

  @Test
  void parse_whenSamePathTwice_namesBothLines() {
    assertThat(message(users("email: email\nname: name\nemail: keep")))
        .isEqualTo(
            "rules.yaml:9: databases.app.collections.users.fields: 'email' is declared twice"
                + " (first at line 7)");
  }

  @Test
  void parse_whenPathInsideAnotherPath_saysDeclareLeavesOnly() {
    assertThat(message(users("_id: keep\naddress: keep\naddress.city: email")))
        .isEqualTo(
            "rules.yaml:9: databases.app.collections.users: declare leaves only; 'address.city' is"
                + " inside 'address' (line 8)");
  }

  @Test
  void parse_whenPathInsideAnArrayDeclaredLater_pointsAtTheInnerPath() {
    RulesException e =
        failure(users("contacts[].email: email\ncontacts: keep\nm[][]: keep\nm[]: keep"));

    assertThat(e.problems())
        .containsExactly(
            "rules.yaml:7: databases.app.collections.users: declare leaves only;"
                + " 'contacts[].email' is inside 'contacts' (line 8)",
            "rules.yaml:9: databases.app.collections.users: declare leaves only; 'm[][]' is inside"
                + " 'm[]' (line 10)");
  }

  @Test
  void parse_whenSimilarNamesAreNotNested_acceptsThem() {
    Rules rules = RulesLoader.parse("rules.yaml", users("address: keep\naddressee.city: email"));

    assertThat(rules.databases().get("app").collections().get("users").fields()).hasSize(2);
  }

  @Test
  void parse_whenDuplicateKeyAnywhere_namesBothLines() {
    assertThat(
            message(
                "version: 1\ndatabases:\n  app:\n    collections: {a: keep}\n"
                    + "  app:\n    collections: {b: keep}\n"))
        .isEqualTo("rules.yaml:5: databases: 'app' is a duplicate key (first at line 3)");
  }

  @Test
  void parse_whenYamlSyntaxError_givesItsLine() {
    assertThat(
            message(
                "version: 1\ndatabases:\n  app:\n    collections:\n      a: keep\n     b: keep\n"))
        .isEqualTo(
            "rules.yaml:6: invalid YAML: expected <block end>, but found '<block mapping start>'"
                + " (while parsing a block mapping at line 4)");
    assertThat(
            message(
                "version: 1\ndatabases:\n  app:\n    collections:\n      a: keep\n      b\n"
                    + "      c: keep\n"))
        .isEqualTo(
            "rules.yaml:7: invalid YAML: could not find expected ':' (while scanning a simple key"
                + " at line 6)");
    assertThat(message("version: 1\ndatabases: {app: {collections: {a: keep}\n"))
        .startsWith("rules.yaml:3: invalid YAML: ");
  }

  @Test
  void parse_whenColonInPlainValue_hintsAtQuotingOrIndentation() {
    assertThat(message(users("c:\n  strategy: redact\n  replacement: a: b")))
        .isEqualTo(
            "rules.yaml:9: invalid YAML: mapping values are not allowed here: check the"
                + " indentation, or quote a value that holds ': '");
  }

  @Test
  void parse_whenControlCharacter_givesItsLine() {
    assertThat(message("version: 1\ndatabases:\n  app: \u0007\n"))
        .isEqualTo("rules.yaml:3: invalid YAML: character U+0007 is not allowed in YAML");
  }

  @Test
  void parse_whenTabIndentation_givesItsLine() {
    assertThat(message("version: 1\ndatabases:\n\tapp: {}\n")).startsWith("rules.yaml:3: ");
  }

  @Test
  void parse_whenAnchorsAndAliases_rejectsBothWithTheirLines() {
    RulesException e =
        failure(
            """
            version: 1
            databases:
              app:
                collections:
                  users:
                    fields: &user-fields
                      email: email
                  admins:
                    fields: *user-fields
            """);

    assertThat(e.problems())
        .containsExactly(
            "rules.yaml:6: databases.app.collections.users.fields: anchors (&user-fields) are not"
                + " supported: write each rule out",
            "rules.yaml:9: databases.app.collections.admins.fields: aliases (*user-fields) are not"
                + " supported: write each rule out");
  }

  @Test
  void parse_whenMergeKey_rejectsIt() {
    assertThat(message(users("<<: {email: email}")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields: merge keys ('<<') are not"
                + " supported");
  }

  @Test
  void parse_whenTags_rejectsNonStandardOnes() {
    assertThat(message(users("email: !secret email")))
        .isEqualTo(
            "rules.yaml:7: databases.app.collections.users.fields.email: YAML tag '!secret' is not"
                + " supported");
    assertThat(message(users("c: {strategy: constant, value: !!binary aGk=}")))
        .endsWith("fields.c.value: YAML tag '!!binary' is not supported");
  }

  @Test
  void parse_whenTwoDocuments_saysOneOnly() {
    assertThat(message("version: 1\n---\nversion: 1\n"))
        .isEqualTo("rules.yaml:2: one YAML document only: remove the second '---' or join them");
  }

  @Test
  void parse_whenNotAMapping_saysWhatTheFileIs() {
    assertThat(message("- version: 1\n"))
        .isEqualTo("rules.yaml:1: expected a mapping with 'version' and 'databases', found a list");
  }

  @Test
  void parse_whenEmptyOrOnlyComments_saysSo() {
    assertThat(message("")).isEqualTo("rules.yaml: file is empty");
    assertThat(message("# todo\n"))
        .isEqualTo("rules.yaml:1: no rules: the file holds only comments or blank lines");
  }

  @Test
  void parse_whenSeveralProblems_reportsTheFirstAndListsAllInFileOrder() {
    RulesException e =
        failure(
            """
            version: 1
            databases:
              app:
                collections:
                  users:
                    fields:
                      email: emial
                  sessions: dorp
              other:
                collections: {}
            """);

    assertThat(e.problems()).hasSize(3);
    assertThat(e.problems())
        .extracting(p -> p.substring(0, p.indexOf(": ")))
        .containsExactly("rules.yaml:7", "rules.yaml:8", "rules.yaml:10");
    assertThat(e.getMessage()).isEqualTo(e.problems().get(0));
  }

  @Test
  void parse_whenErrors_sourceIsTheGivenName() {
    assertThat(
            catchThrowableOfType(
                    RulesException.class,
                    () -> RulesLoader.parse("config/masking.yml", "version: 3\n"))
                .problems())
        .containsExactlyInAnyOrderElementsOf(
            List.of(
                "config/masking.yml:1: 'databases' is required",
                "config/masking.yml:1: version: must be 1"));
  }

  // ---- keys of a sub-document ('{}') and every field of it ('*'): issue 14 -----------------

  @Test
  void parse_whenKeysMaskedWithAStrategyThatCanMergeKeys_isRefusedAtItsLine() {
    assertThat(message(users("_id: keep\nprefs{}: name\nprefs.*: keep")))
        .isEqualTo(
            "rules.yaml:8: databases.app.collections.users.fields.prefs{}: the keys of a"
                + " sub-document can be masked with email or token only (each gives distinct keys"
                + " distinct text, so no two entries merge), not 'name'");
    assertThat(message(users("_id: keep\nprefs.*: keep\nprefs{}:\n  strategy: phone")))
        .startsWith("rules.yaml:9: databases.app.collections.users.fields.prefs{}:")
        .endsWith("not 'phone'");
  }

  @Test
  void parse_whenKeysKept_saysKeysAreKeptWithoutARule() {
    assertThat(message(users("_id: keep\nprefs{}: keep\nprefs.*: keep")))
        .isEqualTo(
            "rules.yaml:8: databases.app.collections.users.fields.prefs{}: the keys of a"
                + " sub-document can be masked with email or token only (each gives distinct keys"
                + " distinct text, so no two entries merge), not 'keep'; keys are kept as written"
                + " when no '{}' rule masks them: remove the rule");
  }

  @Test
  void parse_whenWholeSubDocumentAndItsKeysDeclared_saysDeclareLeavesOnly() {
    assertThat(message(users("_id: keep\nprefs: keep\nprefs{}: email")))
        .isEqualTo(
            "rules.yaml:9: databases.app.collections.users: declare leaves only; 'prefs{}' is"
                + " inside 'prefs' (line 8)");
    assertThat(message(users("_id: keep\nprefs.*: keep\nprefs.*.theme: keep")))
        .isEqualTo(
            "rules.yaml:9: databases.app.collections.users: declare leaves only; 'prefs.*.theme'"
                + " is inside 'prefs.*' (line 8)");
  }

  @Test
  void parse_whenKeysDeclaredTwice_namesBothLines() {
    assertThat(message(users("_id: keep\nprefs{}: email\nprefs.*: keep\nprefs{}: token")))
        .isEqualTo(
            "rules.yaml:10: databases.app.collections.users.fields: 'prefs{}' is declared twice"
                + " (first at line 8)");
  }

  @Test
  void parse_whenANamedFieldUnderMaskedKeys_saysWriteStar() {
    assertThat(message(users("_id: keep\nc[].prefs{}: email\nc[].prefs.theme[]: keep")))
        .isEqualTo(
            "rules.yaml:9: databases.app.collections.users: 'c[].prefs.theme[]' names a field of"
                + " a sub-document whose keys 'c[].prefs{}' (line 8) masks: a masked key never"
                + " matches a name; write '*' for every key ('c[].prefs.*[]')");
  }

  @Test
  void parse_whenKeysAndValuesUnderStarDeclared_isValid() {
    Rules rules =
        RulesLoader.parse(
            "rules.yaml",
            users(
                "_id: keep\nprefs{}: email\nprefs.*.theme: keep\nc[].prefs{}: token\n"
                    + "c[].prefs.*: keep\nbyDay.*[]: keep\nbyDay{}: {strategy: token, length: 20}"));

    assertThat(rules.databases().get("app").collections().get("users").fields())
        .extracting(f -> f.path().text())
        .containsExactly(
            "_id",
            "prefs{}",
            "prefs.*.theme",
            "c[].prefs{}",
            "c[].prefs.*",
            "byDay.*[]",
            "byDay{}");
  }
}
