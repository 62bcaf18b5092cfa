package io.dbrestore.masking.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.masking.rules.FieldPath.Any;
import io.dbrestore.masking.rules.FieldPath.Each;
import io.dbrestore.masking.rules.FieldPath.Keys;
import io.dbrestore.masking.rules.FieldPath.Name;
import io.dbrestore.masking.rules.FieldPath.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class FieldPathTest {
  private static final Each EACH = new Each();
  private static final Any ANY = new Any();
  private static final Keys KEYS = new Keys();

  private static Name name(String name) {
    return new Name(name);
  }

  private static List<Segment> segments(String text) {
    return FieldPath.parse(text).segments();
  }

  @Test
  void parse_whenSingleName_isOneNameSegment() {
    FieldPath path = FieldPath.parse("email");

    assertThat(path.text()).isEqualTo("email");
    assertThat(path.segments()).containsExactly(name("email"));
    assertThat(path.root()).isEqualTo("email");
    assertThat(path).hasToString("email");
  }

  @Test
  void parse_whenDotted_isOneSegmentPerName() {
    assertThat(segments("address.city")).containsExactly(name("address"), name("city"));
    assertThat(segments("a.b.c.d")).containsExactly(name("a"), name("b"), name("c"), name("d"));
  }

  @Test
  void parse_whenArrayOfSubDocuments_hasEachBetweenNames() {
    assertThat(segments("contacts[].email")).containsExactly(name("contacts"), EACH, name("email"));
  }

  @Test
  void parse_whenArrayOfScalars_endsWithEach() {
    assertThat(segments("tags[]")).containsExactly(name("tags"), EACH);
  }

  @Test
  void parse_whenArrayOfArrays_hasTwoEach() {
    assertThat(segments("matrix[][]")).containsExactly(name("matrix"), EACH, EACH);
    assertThat(segments("cube[][][].v")).containsExactly(name("cube"), EACH, EACH, EACH, name("v"));
  }

  @Test
  void parse_whenArraysInsideArrays_keepsEveryStep() {
    assertThat(segments("orders[].items[].note"))
        .containsExactly(name("orders"), EACH, name("items"), EACH, name("note"));
    assertThat(segments("profile.addresses[].lines[]"))
        .containsExactly(name("profile"), name("addresses"), EACH, name("lines"), EACH);
  }

  @Test
  void parse_whenNameHasOtherCharacters_keepsThem() {
    assertThat(segments("_id")).containsExactly(name("_id"));
    assertThat(segments("first name.$x-1")).containsExactly(name("first name"), name("$x-1"));
    assertThat(segments("名前.カナ")).containsExactly(name("名前"), name("カナ"));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void parse_whenNullOrEmpty_fails(String text) {
    assertThatThrownBy(() -> FieldPath.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a field path cannot be empty");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a..b      | 'a..b': empty field name between '.' and '.' at position 3
          .a        | '.a': a path cannot start with '.'
          .         | '.': a path cannot start with '.'
          a.        | 'a.': a path cannot end with '.'
          a[].      | 'a[].': a path cannot end with '.'
          []a       | '[]a': a path cannot start with '[]'
          []        | '[]': a path cannot start with '[]'
          [         | '[': a path cannot start with '[]'
          a[        | 'a[': '[' must be followed by ']' (write 'contacts[].email')
          a[x]      | 'a[x]': '[' must be followed by ']' (write 'contacts[].email')
          a[[]]     | 'a[[]]': '[' must be followed by ']' (write 'contacts[].email')
          a]        | 'a]': ']' without '[' at position 2
          ]         | ']': ']' without '[' at position 1
          a[]]      | 'a[]]': ']' without '[' at position 4
          a.]       | 'a.]': ']' without '[' at position 3
          a[]b      | 'a[]b': expected '.' or '[]' after '[]' at position 4
          a.[]      | 'a.[]': '[]' must follow a field name, not '.' (write 'contacts[]')
          a.[].b    | 'a.[].b': '[]' must follow a field name, not '.' (write 'contacts[]')
          """)
  void parse_whenMalformed_failsNamingTheProblem(String text, String message) {
    assertThatThrownBy(() -> FieldPath.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void isInside_whenOtherIsProperPrefix_isTrue() {
    FieldPath city = FieldPath.parse("address.city");

    assertThat(city.isInside(FieldPath.parse("address"))).isTrue();
    assertThat(FieldPath.parse("contacts[].email").isInside(FieldPath.parse("contacts"))).isTrue();
    assertThat(FieldPath.parse("contacts[].email").isInside(FieldPath.parse("contacts[]")))
        .isTrue();
    assertThat(FieldPath.parse("matrix[][]").isInside(FieldPath.parse("matrix[]"))).isTrue();
  }

  @Test
  void isInside_whenSameOrSiblingOrLongerNamePrefix_isFalse() {
    FieldPath address = FieldPath.parse("address");

    assertThat(address.isInside(address)).isFalse();
    assertThat(address.isInside(FieldPath.parse("address.city"))).isFalse();
    assertThat(FieldPath.parse("addressee").isInside(address)).isFalse();
    assertThat(FieldPath.parse("home.city").isInside(address)).isFalse();
  }

  @Test
  void equals_whenSameText_isEqual() {
    assertThat(FieldPath.parse("orders[].items[].note"))
        .isEqualTo(FieldPath.parse("orders[].items[].note"));
  }

  @Test
  void new_whenNoLeadingName_fails() {
    assertThatThrownBy(() -> new FieldPath("[]", List.of(EACH)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FieldPath("", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- '*' (every field of a sub-document) and '{}' (its keys): issue 14 ------------------

  @Test
  void parse_whenKeysSuffix_endsWithKeys() {
    FieldPath path = FieldPath.parse("prefs{}");

    assertThat(path.segments()).containsExactly(name("prefs"), KEYS);
    assertThat(path.isKeys()).isTrue();
    assertThat(path.root()).isEqualTo("prefs");
    assertThat(FieldPath.parse("prefs").isKeys()).isFalse();
  }

  @Test
  void parse_whenStar_isAnyFieldOfTheSubDocument() {
    assertThat(segments("prefs.*")).containsExactly(name("prefs"), ANY);
    assertThat(segments("prefs.*.theme")).containsExactly(name("prefs"), ANY, name("theme"));
    assertThat(segments("a.*.*")).containsExactly(name("a"), ANY, ANY);
  }

  @Test
  void parse_whenCombinedWithArrays_keepsEveryStep() {
    assertThat(segments("contacts[].prefs{}"))
        .containsExactly(name("contacts"), EACH, name("prefs"), KEYS);
    assertThat(segments("byDay.*[]")).containsExactly(name("byDay"), ANY, EACH);
    assertThat(segments("byDay.*[].at")).containsExactly(name("byDay"), ANY, EACH, name("at"));
    assertThat(segments("byUser.*{}")).containsExactly(name("byUser"), ANY, KEYS);
    assertThat(segments("m[]{}")).containsExactly(name("m"), EACH, KEYS);
  }

  @Test
  void parse_whenStarIsPartOfAName_isAName() {
    assertThat(segments("a*b.c*")).containsExactly(name("a*b"), name("c*"));
    assertThat(segments("x.**")).containsExactly(name("x"), name("**"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          *         | '*': a path cannot start with '*': name the field that holds the sub-document (write 'prefs.*')
          *.a       | '*.a': a path cannot start with '*': name the field that holds the sub-document (write 'prefs.*')
          *[]       | '*[]': a path cannot start with '*': name the field that holds the sub-document (write 'prefs.*')
          a{        | 'a{': '{' must be followed by '}' (write 'prefs{}')
          a{x}      | 'a{x}': '{' must be followed by '}' (write 'prefs{}')
          a{}.b     | 'a{}.b': '{}' ends a path: keys hold no fields (write 'prefs.*.theme' for the values under the keys)
          a{}[]     | 'a{}[]': '{}' ends a path: keys hold no fields (write 'prefs.*.theme' for the values under the keys)
          a{}{}     | 'a{}{}': '{}' ends a path: keys hold no fields (write 'prefs.*.theme' for the values under the keys)
          a}        | 'a}': '}' without '{' at position 2
          {}        | '{}': a path cannot start with '{}'
          a.{}      | 'a.{}': '{}' must follow a field name, not '.' (write 'prefs{}')
          """)
  void parse_whenStarOrKeysMalformed_failsNamingTheProblem(String text, String message) {
    assertThatThrownBy(() -> FieldPath.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void new_whenKeysBeforeTheEnd_fails() {
    assertThatThrownBy(() -> new FieldPath("a{}.b", List.of(name("a"), KEYS, name("b"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
