package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameStrategyTest {
  private static final int INPUTS = 3_000;

  private static List<String> lines(String file) throws IOException {
    try (InputStream in =
        NameStrategyTest.class.getResourceAsStream("/io/dbrestore/masking/names/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"en-first.txt", "en-last.txt", "ja-first.tsv", "ja-last.tsv"})
  void dictionary_whenRead_thenAtLeast150DistinctEntries(String file) throws IOException {
    List<String> lines = lines(file);
    assertThat(lines).hasSizeGreaterThanOrEqualTo(150).doesNotHaveDuplicates();
    for (String line : lines) {
      if (file.endsWith(".tsv")) {
        assertThat(line).matches("\\p{IsHan}[\\p{IsHan}々]*\\t[\\p{InKatakana}]+");
      } else {
        assertThat(line).matches("[A-Z][a-z]+");
      }
    }
    if (file.endsWith(".tsv")) {
      assertThat(lines.stream().map(l -> l.split("\t")[1])).doesNotHaveDuplicates();
      assertThat(lines.stream().map(l -> l.split("\t")[0])).doesNotHaveDuplicates();
    }
  }

  @Test
  void dictionaries_whenLoaded_thenAsInTheFiles() throws IOException {
    assertThat(NameDictionaries.EN_FIRST.list()).isEqualTo(lines("en-first.txt"));
    assertThat(NameDictionaries.JA_LAST_KANA.list())
        .isEqualTo(lines("ja-last.tsv").stream().map(l -> l.split("\t")[1]).toList());
  }

  @Test
  void mask_whenEnglishFull_thenFirstSpaceLastFromTheLists() {
    Strategy name = strategy("name");
    Set<Object> distinct = new HashSet<>();
    for (int i = 0; i < INPUTS; i++) {
      String masked = (String) name.mask("Customer " + i);
      String[] parts = masked.split(" ", -1);
      assertThat(parts).hasSize(2);
      assertThat(NameDictionaries.EN_FIRST.set()).contains(parts[0]);
      assertThat(NameDictionaries.EN_LAST.set()).contains(parts[1]);
      distinct.add(masked);
    }
    assertThat(distinct).hasSizeGreaterThan(INPUTS * 9 / 10);
  }

  @Test
  void mask_whenJapaneseKanji_thenFamilySpaceGivenFromTheLists() {
    Strategy name = strategy("name", "locale", "ja");
    for (int i = 0; i < INPUTS; i++) {
      String masked = (String) name.mask("顧客 " + i);
      String[] parts = masked.split(" ", -1);
      assertThat(parts).hasSize(2);
      assertThat(NameDictionaries.JA_LAST_KANJI.set()).contains(parts[0]);
      assertThat(NameDictionaries.JA_FIRST_KANJI.set()).contains(parts[1]);
    }
  }

  @Test
  void mask_whenJapaneseKana_thenReadingOfTheKanjiName() {
    Strategy kanji = strategy("name", "locale", "ja");
    Strategy kana = strategy("name", "locale", "ja", "script", "kana");
    for (int i = 0; i < INPUTS; i++) {
      String[] k = ((String) kanji.mask("顧客 " + i)).split(" ");
      String[] r = ((String) kana.mask("顧客 " + i)).split(" ");
      assertThat(r[0])
          .isEqualTo(
              NameDictionaries.JA_LAST_KANA
                  .list()
                  .get(NameDictionaries.JA_LAST_KANJI.list().indexOf(k[0])));
      assertThat(r[1])
          .isEqualTo(
              NameDictionaries.JA_FIRST_KANA
                  .list()
                  .get(NameDictionaries.JA_FIRST_KANJI.list().indexOf(k[1])));
    }
  }

  @Test
  void mask_whenPart_thenThatPartOfTheFullName() {
    Strategy full = strategy("name", "locale", "ja");
    Strategy first = strategy("name", "locale", "ja", "part", "first");
    Strategy last = strategy("name", "locale", "ja", "part", "last");
    for (int i = 0; i < 500; i++) {
      String input = "顧客 " + i;
      assertThat(full.mask(input)).isEqualTo(last.mask(input) + " " + first.mask(input));
      assertThat(NameDictionaries.JA_FIRST_KANJI.set()).contains((String) first.mask(input));
    }
    Strategy enFirst = strategy("name", "part", "first");
    Strategy enLast = strategy("name", "part", "last");
    assertThat(strategy("name").mask("x")).isEqualTo(enFirst.mask("x") + " " + enLast.mask("x"));
  }

  @Test
  void mask_whenSurroundingWhitespace_thenSameName() {
    Strategy name = strategy("name");
    assertThat(name.mask("\u3000Alice Smith \t")).isEqualTo(name.mask("Alice Smith"));
    assertThat(name.mask("alice smith")).isNotEqualTo(name.mask("Alice Smith"));
  }

  @Test
  void check_whenPartOptions_thenMembershipOfThatPart() {
    Strategy first = strategy("name", "part", "first");
    assertThat(first.check("Matthew")).isEqualTo(FormCheck.MASKED);
    assertThat(first.check("Wagner")).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(first.check("Matthew Wagner")).isEqualTo(FormCheck.NOT_MASKED);
    Strategy kana = strategy("name", "locale", "ja", "script", "kana", "part", "last");
    assertThat(kana.check("アライ")).isEqualTo(FormCheck.MASKED);
    assertThat(kana.check("新井")).isEqualTo(FormCheck.NOT_MASKED);
  }
}
