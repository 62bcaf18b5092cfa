package io.dbrestore.masking.strategy;

import static io.dbrestore.masking.strategy.TestStrategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DateShiftStrategyTest {

  @Test
  void mask_whenManyDates_thenShiftWithinDaysAndNeverZero() {
    Strategy shift = strategy("date-shift", "days", 3);
    Set<Long> offsets = new HashSet<>();
    LocalDate d = LocalDate.of(1940, 1, 1);
    for (int i = 0; i < 5_000; i++, d = d.plusDays(1)) {
      long offset = ChronoUnit.DAYS.between(d, (LocalDate) shift.mask(d));
      assertThat(offset).isBetween(-3L, 3L).isNotZero();
      offsets.add(offset);
    }
    assertThat(offsets).containsExactlyInAnyOrder(-3L, -2L, -1L, 1L, 2L, 3L);
  }

  @Test
  void mask_whenOneDay_thenPlusOrMinusOne() {
    Strategy shift = strategy("date-shift", "days", 1);
    LocalDate d = LocalDate.of(2000, 1, 1);
    for (int i = 0; i < 100; i++, d = d.plusDays(1)) {
      assertThat(Math.abs(ChronoUnit.DAYS.between(d, (LocalDate) shift.mask(d)))).isEqualTo(1);
    }
  }

  @Test
  void mask_whenSameDateInEveryType_thenSameShift() {
    Strategy shift = strategy("date-shift", "days", 365);
    LocalDate date = LocalDate.of(1985, 7, 14);
    LocalDate shifted = (LocalDate) shift.mask(date);
    Instant midnight = date.atStartOfDay(ZoneId.of("UTC")).toInstant();
    assertThat(shift.mask("1985-07-14")).isEqualTo(shifted.toString());
    assertThat(shift.mask(Date.from(midnight.plusSeconds(3600))))
        .isEqualTo(Date.from(shifted.atStartOfDay(ZoneId.of("UTC")).toInstant().plusSeconds(3600)));
    assertThat(shift.mask(midnight.plusSeconds(86_399)))
        .isEqualTo(shifted.atStartOfDay(ZoneId.of("UTC")).toInstant().plusSeconds(86_399));
    assertThat(shift.mask(date.atTime(23, 59))).isEqualTo(shifted.atTime(23, 59));
    assertThat(shift.mask("1985-07-14T23:59:59.999999Z")).isEqualTo(shifted + "T23:59:59.999999Z");
  }

  @Test
  void mask_whenOffsetDateTime_thenShiftOfItsUtcDate() {
    Strategy shift = strategy("date-shift", "days", 365);
    // 09:00 in Tokyo on 1 March is 00:00 UTC on 1 March; 08:00 is still 29 February in UTC.
    long march =
        ChronoUnit.DAYS.between(
            LocalDate.of(2024, 3, 1), LocalDate.parse((String) shift.mask("2024-03-01")));
    long february =
        ChronoUnit.DAYS.between(
            LocalDate.of(2024, 2, 29), LocalDate.parse((String) shift.mask("2024-02-29")));
    assertThat(shift.mask("2024-03-01T09:00:00+09:00"))
        .isEqualTo(LocalDate.of(2024, 3, 1).plusDays(march) + "T09:00:00+09:00");
    assertThat(shift.mask("2024-03-01T08:00:00+09:00"))
        .isEqualTo(LocalDate.of(2024, 3, 1).plusDays(february) + "T08:00:00+09:00");
    OffsetDateTime odt = OffsetDateTime.parse("2024-03-01T08:00:00+09:00");
    assertThat(shift.mask(odt)).isEqualTo(odt.plusDays(february));
    ZonedDateTime zdt = odt.atZoneSameInstant(ZoneId.of("Asia/Tokyo"));
    assertThat(shift.mask(zdt)).isEqualTo(zdt.plusDays(february));
  }

  @Test
  void mask_whenIsoStringFormats_thenSameFormat() {
    Strategy shift = strategy("date-shift", "days", 10);
    for (String s :
        new String[] {
          "2024-03-01",
          "2024-03-01T10:15",
          "2024-03-01T10:15:30",
          "2024-03-01T10:15:30.5",
          "2024-03-01T10:15:30Z",
          "2024-03-01T10:15:30.123Z",
          "2024-03-01T10:15:30-05:00"
        }) {
      String masked = (String) shift.mask(s);
      assertThat(masked).as(s).hasSameSizeAs(s).endsWith(s.substring(10));
      assertThat(masked.substring(0, 10)).isNotEqualTo("2024-03-01");
    }
  }

  @Test
  void mask_whenJdbcDateTypes_thenTypeAndNanosKept() {
    Strategy shift = strategy("date-shift", "days", 10);
    Timestamp ts = Timestamp.valueOf("2024-03-01 10:15:30.123456789");
    Object masked = shift.mask(ts);
    assertThat(masked).isInstanceOf(Timestamp.class);
    assertThat(((Timestamp) masked).getNanos()).isEqualTo(123_456_789);
    assertThat(ts).isEqualTo(Timestamp.valueOf("2024-03-01 10:15:30.123456789"));
    assertThat(shift.mask(new java.sql.Date(0))).isInstanceOf(java.sql.Date.class);
  }

  @Test
  void mask_whenShiftLeavesTheRange_thenNullNotThrow() {
    Strategy shift = strategy("date-shift", "days", 3650);
    Object max = shift.mask(LocalDate.MAX);
    assertThat(max == null || ((LocalDate) max).isBefore(LocalDate.MAX)).isTrue();
    Object last = shift.mask("9999-12-31");
    assertThat(last == null || ((String) last).startsWith("99")).isTrue();
    assertThat(shift.mask(LocalDateTime.MIN))
        .satisfiesAnyOf(
            m -> assertThat(m).isNull(), m -> assertThat(m).isInstanceOf(LocalDateTime.class));
  }
}
