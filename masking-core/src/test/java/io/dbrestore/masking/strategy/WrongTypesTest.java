package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The table in docs/strategies.md: what each strategy does with values that are not text. */
class WrongTypesTest {
  private static final ObjectId ID = new ObjectId("65f1a2b3c4d5e6f708192a3b");
  private static final Instant INSTANT = Instant.parse("2024-03-01T10:15:30Z");

  private static final List<Object> ALL_TYPES =
      List.of(
          "text",
          "",
          42,
          9_012_345_678L,
          1.5,
          Decimal128.parse("12.50"),
          true,
          Date.from(INSTANT),
          new java.sql.Date(INSTANT.toEpochMilli()),
          new Timestamp(INSTANT.toEpochMilli()),
          INSTANT,
          LocalDate.of(2024, 3, 1),
          LocalDateTime.of(2024, 3, 1, 10, 15, 30),
          ID,
          new Binary((byte) 0, new byte[] {1, 2, 3}),
          new byte[] {1, 2, 3},
          new Object(),
          List.of("a", 1),
          new Document("a", "b"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "keep",
        "email",
        "phone",
        "token",
        "name",
        "redact",
        "constant",
        "null",
        "remove",
        "date-shift"
      })
  void maskAndCheck_whenAnyType_thenNeverThrow(String name) {
    Strategy s = strategy(name, options(name));
    for (Object v : ALL_TYPES) {
      Object masked = s.mask(v);
      assertThat(s.check(v)).as("%s %s", name, v).isNotNull();
      assertThat(s.check(masked)).as("%s %s", name, v).isNotNull();
    }
    List<Object> withNull = new ArrayList<>(ALL_TYPES);
    withNull.add(null);
    Object masked = s.mask(withNull);
    switch (name) {
      case "null" -> assertThat(masked).isNull();
      case "remove" -> assertThat(masked).isSameAs(Strategy.REMOVE);
      case "keep" -> assertThat(masked).isSameAs(withNull);
      default -> assertThat(masked).asList().hasSameSizeAs(withNull);
    }
  }

  private static Object[] options(String name) {
    return switch (name) {
      case "constant" -> new Object[] {"value", "c"};
      case "date-shift" -> new Object[] {"days", 10};
      default -> new Object[0];
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "token", "name", "redact", "date-shift", "keep"})
  void mask_whenNull_thenNull(String name) {
    assertThat(strategy(name, options(name)).mask(null)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "token", "name", "redact", "null"})
  void check_whenNull_thenMasked(String name) {
    assertThat(strategy(name).check(null)).isEqualTo(FormCheck.MASKED);
  }

  @Test
  void nullValue_whenConstantRemoveKeepOrDateShift_thenTheirOwnAnswer() {
    Strategy constant = strategy("constant", "value", "c");
    assertThat(constant.mask(null)).isEqualTo("c");
    assertThat(constant.check(null)).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(strategy("remove").mask(null)).isSameAs(Strategy.REMOVE);
    assertThat(strategy("remove").check(null)).isEqualTo(FormCheck.UNKNOWN);
    assertThat(strategy("keep").check(null)).isEqualTo(FormCheck.UNKNOWN);
    assertThat(strategy("date-shift", "days", 5).check(null)).isEqualTo(FormCheck.UNKNOWN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "token", "name"})
  void mask_whenNumber_thenMasksItsCanonicalTextAsString(String name) {
    Strategy s = strategy(name);
    assertThat(s.mask(42)).isInstanceOf(String.class).isEqualTo(s.mask("42"));
    assertThat(s.mask(9_012_345_678L)).isEqualTo(s.mask("9012345678"));
    assertThat(s.mask(1.5)).isEqualTo(s.mask("1.5"));
    assertThat(s.mask(Decimal128.parse("12.50"))).isEqualTo(s.mask("12.50"));
    assertThat(s.mask(new BigDecimal("3.0"))).isEqualTo(s.mask("3.0"));
    assertThat(s.check(42)).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(s.check(1.5)).isEqualTo(FormCheck.NOT_MASKED);
  }

  @Test
  void redact_whenNumberDateOrId_thenReplacement() {
    Strategy redact = strategy("redact");
    for (Object v : List.of(42, 7L, 1.5, Decimal128.parse("1"), INSTANT, ID, Date.from(INSTANT))) {
      assertThat(redact.mask(v)).as("%s", v).isEqualTo("[redacted]");
    }
    assertThat(redact.check(42)).isEqualTo(FormCheck.NOT_MASKED);
  }

  @Test
  void phone_whenIntegerOrLong_thenSameTypeWhenDigitsFit() {
    Strategy phone = strategy("phone");
    assertThat(phone.mask(9_012_345_678L)).isInstanceOf(Long.class);
    assertThat(phone.check(phone.mask(9_012_345_678L))).isEqualTo(FormCheck.MASKED);
    assertThat(phone.mask(1.5e9)).isInstanceOf(String.class);
    int strings = 0;
    for (int i = 10_000; i < 12_000; i++) {
      Object masked = phone.mask(i);
      if (masked instanceof Integer m) {
        assertThat(Integer.toString(m)).hasSize(5);
        assertThat(masked).isEqualTo(Integer.valueOf((String) phone.mask(Integer.toString(i))));
      } else {
        // A leading zero would be lost in a number: the masked digits stay text.
        assertThat(masked).isInstanceOf(String.class).isEqualTo(phone.mask(Integer.toString(i)));
        assertThat((String) masked).startsWith("0");
        strings++;
      }
      assertThat(phone.check(masked)).isEqualTo(FormCheck.MASKED);
    }
    assertThat(strings).isBetween(100, 300);
  }

  @Test
  void phone_whenIntegerDigitsOverflow_thenString() {
    Strategy phone = strategy("phone");
    long overflowing = 0;
    for (int i = 2_000_000_000; i < 2_000_002_000; i++) {
      Object masked = phone.mask(i);
      assertThat(masked).isInstanceOfAny(Integer.class, String.class);
      if (masked instanceof String s && !s.startsWith("0")) {
        assertThat(Long.parseLong(s)).isGreaterThan(Integer.MAX_VALUE);
        overflowing++;
      }
    }
    assertThat(overflowing).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "token", "name", "redact"})
  void mask_whenBoolean_thenUnchanged(String name) {
    Strategy s = strategy(name);
    assertThat(s.mask(true)).isEqualTo(true);
    assertThat(s.mask(false)).isEqualTo(false);
    assertThat(s.check(true)).isEqualTo(FormCheck.UNKNOWN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "token", "name"})
  void mask_whenDateOrTime_thenMasksIsoTextAsString(String name) {
    Strategy s = strategy(name);
    Object expected = s.mask("2024-03-01T10:15:30Z");
    assertThat(s.mask(Date.from(INSTANT))).isEqualTo(expected);
    assertThat(s.mask(new Timestamp(INSTANT.toEpochMilli()))).isEqualTo(expected);
    assertThat(s.mask(INSTANT)).isEqualTo(expected);
    assertThat(s.mask(new java.sql.Date(INSTANT.toEpochMilli()))).isEqualTo(expected);
    assertThat(s.mask(LocalDate.of(2024, 3, 1))).isEqualTo(s.mask("2024-03-01"));
    assertThat(s.mask(LocalDateTime.of(2024, 3, 1, 10, 15, 30)))
        .isEqualTo(s.mask("2024-03-01T10:15:30"));
    assertThat(s.check(INSTANT)).isEqualTo(FormCheck.NOT_MASKED);
  }

  @Test
  void token_whenObjectId_thenNewObjectId() {
    Strategy token = strategy("token");
    Object masked = token.mask(ID);
    assertThat(masked).isInstanceOf(ObjectId.class).isNotEqualTo(ID);
    assertThat(token.mask(ID)).isEqualTo(masked);
    assertThat(token.check(masked)).isEqualTo(FormCheck.UNKNOWN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "name"})
  void mask_whenObjectIdAndNotToken_thenMasksHexAsString(String name) {
    Strategy s = strategy(name);
    assertThat(s.mask(ID)).isEqualTo(s.mask(ID.toHexString()));
    assertThat(s.check(ID)).isEqualTo(FormCheck.NOT_MASKED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"email", "phone", "token", "name"})
  void mask_whenBinary_thenHashBytesOfSameSubtypeAtMost32Bytes(String name) {
    Strategy s = strategy(name);
    Binary uuid = new Binary((byte) 4, new byte[16]);
    Binary masked = (Binary) s.mask(uuid);
    assertThat(masked.getType()).isEqualTo((byte) 4);
    assertThat(masked.getData()).hasSize(16).isNotEqualTo(new byte[16]);
    assertThat(((Binary) s.mask(new Binary(new byte[100]))).getData()).hasSize(32);
    assertThat(((Binary) s.mask(new Binary(new byte[0]))).getData()).isEmpty();
    assertThat(s.check(masked)).isEqualTo(FormCheck.UNKNOWN);
    byte[] raw = (byte[]) s.mask(new byte[] {1, 2, 3});
    assertThat(raw)
        .hasSize(3)
        .isEqualTo(((Binary) s.mask(new Binary(new byte[] {1, 2, 3}))).getData());
  }

  @Test
  void bytes_whenStrategiesDiffer_thenHashesDiffer() {
    Binary b = new Binary(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertThat(((Binary) strategy("email").mask(b)).getData())
        .isNotEqualTo(((Binary) strategy("token").mask(b)).getData());
  }

  @Test
  void redactConstantNullRemove_whenBinary_thenAsUsual() {
    Binary b = new Binary(new byte[] {1, 2});
    assertThat(strategy("redact").mask(b)).isEqualTo("[redacted]");
    assertThat(strategy("redact").check(b)).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(strategy("constant", "value", 1).mask(b)).isEqualTo(1);
    assertThat(strategy("null").mask(b)).isNull();
    assertThat(strategy("remove").mask(b)).isSameAs(Strategy.REMOVE);
  }

  @Test
  void mask_whenUnknownType_thenNull() {
    assertThat(strategy("email").mask(new Object())).isNull();
    assertThat(strategy("email").check(new Object())).isEqualTo(FormCheck.NOT_MASKED);
  }

  @Test
  void mask_whenList_thenNewListWithEveryElementMasked() {
    Strategy email = strategy("email");
    List<Object> list = new ArrayList<>(Arrays.asList("a@x.org", null, List.of("b@x.org"), true));
    Object masked = email.mask(list);
    assertThat(masked)
        .isEqualTo(
            Arrays.asList(email.mask("a@x.org"), null, List.of(email.mask("b@x.org")), true));
    assertThat(list).containsExactly("a@x.org", null, List.of("b@x.org"), true);
    assertThat(email.check(masked)).isEqualTo(FormCheck.UNKNOWN); // the boolean tells nothing
    assertThat(email.check(Arrays.asList(email.mask("a@x.org"), null))).isEqualTo(FormCheck.MASKED);
    assertThat(email.check(List.of(email.mask("a@x.org"), "b@x.org")))
        .isEqualTo(FormCheck.NOT_MASKED);
    assertThat(email.check(List.of())).isEqualTo(FormCheck.UNKNOWN);
  }

  @Test
  void mask_whenMap_thenDocumentWithEveryLeafMaskedAndKeysInOrder() {
    Strategy phone = strategy("phone");
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("mobile", "090-1234-5678");
    map.put("home", Map.of("number", "03-1234-5678"));
    map.put("other", List.of("06-1234-5678"));
    Object masked = phone.mask(map);
    assertThat(masked).isInstanceOf(Document.class);
    Document doc = (Document) masked;
    assertThat(doc.keySet()).containsExactly("mobile", "home", "other");
    assertThat(doc.get("mobile")).isEqualTo(phone.mask("090-1234-5678"));
    assertThat(doc.get("home")).isEqualTo(new Document("number", phone.mask("03-1234-5678")));
    assertThat(doc.get("other")).isEqualTo(List.of(phone.mask("06-1234-5678")));
    assertThat(phone.check(doc)).isEqualTo(FormCheck.MASKED);
    assertThat(phone.check(map)).isEqualTo(FormCheck.NOT_MASKED);
  }

  @Test
  void constant_whenListOrMap_thenEveryLeafIsTheConstant() {
    Strategy constant = strategy("constant", "value", 0);
    assertThat(constant.mask(Arrays.asList("a", null))).isEqualTo(List.of(0, 0));
    assertThat(constant.mask(new Document("a", "b"))).isEqualTo(new Document("a", 0));
    assertThat(constant.check(List.of(0, 0L, 0.0))).isEqualTo(FormCheck.MASKED);
    assertThat(constant.check(List.of(0, 1))).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(constant.check(Decimal128.parse("0.00"))).isEqualTo(FormCheck.MASKED);
    assertThat(constant.check("0")).isEqualTo(FormCheck.NOT_MASKED);
  }

  @Test
  void nullRemoveKeep_whenListOrMap_thenWholeField() {
    List<Object> list = List.of("a", "b");
    assertThat(strategy("null").mask(list)).isNull();
    assertThat(strategy("null").check(list)).isEqualTo(FormCheck.NOT_MASKED);
    assertThat(strategy("remove").mask(new Document("a", 1))).isSameAs(Strategy.REMOVE);
    assertThat(strategy("keep").mask(list)).isSameAs(list);
    assertThat(strategy("keep").check("anything")).isEqualTo(FormCheck.UNKNOWN);
  }

  @Test
  void mask_whenLeafBecomesRemoveInsideAContainer_thenNull() {
    AbstractStrategy removesLeaves =
        new AbstractStrategy("test", false) {
          @Override
          Object maskLeaf(Object value) {
            return REMOVE;
          }

          @Override
          FormCheck checkLeaf(Object value) {
            return FormCheck.UNKNOWN;
          }
        };
    assertThat(removesLeaves.mask(List.of("a"))).isEqualTo(Arrays.asList((Object) null));
    assertThat(removesLeaves.mask(new Document("a", "b"))).isEqualTo(new Document("a", null));
    assertThat(removesLeaves.mask("a")).isSameAs(Strategy.REMOVE);
  }

  @Test
  void dateShift_whenNotADate_thenNull() {
    Strategy shift = strategy("date-shift", "days", 10);
    for (Object v :
        List.of(
            "not a date",
            "2024-13-01",
            "2024-02-30",
            " 2024-03-01",
            "",
            "01/03/2024",
            42,
            1.5,
            true,
            ID,
            new Binary(new byte[1]),
            new Object())) {
      assertThat(shift.mask(v)).as("%s", v).isNull();
    }
  }

  @Test
  void dateShift_whenListOrMap_thenEveryDateShifted() {
    Strategy shift = strategy("date-shift", "days", 10);
    Object masked = shift.mask(List.of("2024-03-01", new Document("d", LocalDate.of(2024, 3, 1))));
    assertThat(masked)
        .isEqualTo(
            List.of(
                shift.mask("2024-03-01"), new Document("d", shift.mask(LocalDate.of(2024, 3, 1)))));
  }
}
