package io.dbrestore.masking.strategy;

import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;

/**
 * {@code date-shift}: dates (birthdays, visit dates) moved by up to {@code days} days either way,
 * never by zero. The shift depends only on the calendar date (in UTC), so a date stored as a {@code
 * Date}, a {@code LocalDate} or an ISO string moves to the same new date everywhere, and intervals
 * between different dates are blurred rather than kept.
 *
 * <p>Values keep their type and, for strings, their exact ISO format. A string that is not an ISO
 * date or date-time becomes null, as does a value of any other type: something that might be a
 * birthday is never left as it is.
 */
final class DateShiftStrategy extends AbstractStrategy {
  static final String DOMAIN = "date-shift/1";
  static final int MAX_DAYS = 3650;
  private static final long DAY_MILLIS = 86_400_000L;
  private static final long DAY_SECONDS = 86_400L;

  private final MaskingKey key;
  private final int days;

  DateShiftStrategy(MaskingKey key, int days) {
    super("date-shift", false);
    this.key = key;
    this.days = days;
  }

  /** The shift for a UTC calendar date: in [-days, +days], never 0. */
  long offset(LocalDate utcDate) {
    long k = Long.remainderUnsigned(Hashes.u64(key.hmac(DOMAIN, utcDate.toString()), 0), 2L * days);
    return k < days ? k - days : k - days + 1;
  }

  @Override
  Object maskLeaf(Object value) {
    try {
      if (value == null) {
        return null;
      }
      if (value instanceof String s) {
        return shift(s);
      }
      if (value instanceof Date d) {
        long ms = d.getTime();
        Date out = (Date) d.clone(); // keeps java.sql.Date and Timestamp
        out.setTime(
            Math.addExact(
                ms, offset(LocalDate.ofEpochDay(Math.floorDiv(ms, DAY_MILLIS))) * DAY_MILLIS));
        if (d instanceof Timestamp t) {
          ((Timestamp) out).setNanos(t.getNanos());
        }
        return out;
      }
      if (value instanceof Instant i) {
        return i.plusSeconds(
            offset(LocalDate.ofEpochDay(Math.floorDiv(i.getEpochSecond(), DAY_SECONDS)))
                * DAY_SECONDS);
      }
      if (value instanceof LocalDate d) {
        return d.plusDays(offset(d));
      }
      if (value instanceof LocalDateTime d) {
        return d.plusDays(offset(d.toLocalDate()));
      }
      if (value instanceof OffsetDateTime d) {
        return d.plusDays(offset(d.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate()));
      }
      if (value instanceof ZonedDateTime d) {
        return d.plusDays(offset(d.withZoneSameInstant(ZoneOffset.UTC).toLocalDate()));
      }
      return null;
    } catch (DateTimeException | ArithmeticException e) {
      return null; // shifted out of the representable range
    }
  }

  /** Nothing tells a shifted date from a real one. */
  @Override
  FormCheck checkLeaf(Object value) {
    return FormCheck.UNKNOWN;
  }

  /**
   * An ISO date ({@code 2024-03-01}), local date-time ({@code 2024-03-01T10:15:30}) or date-time
   * with an offset ({@code Z}, {@code +09:00}), shifted; only its first ten characters change.
   */
  private String shift(String s) {
    if (s.length() < 10 || s.charAt(0) < '0' || s.charAt(0) > '9') {
      return null;
    }
    LocalDate local;
    LocalDate utc;
    if (s.length() == 10) {
      local = LocalDate.parse(s);
      utc = local;
    } else if (hasOffset(s)) {
      OffsetDateTime t = OffsetDateTime.parse(s);
      local = t.toLocalDate();
      utc = t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
    } else {
      local = LocalDateTime.parse(s).toLocalDate();
      utc = local;
    }
    LocalDate shifted = local.plusDays(offset(utc));
    if (shifted.getYear() < 0 || shifted.getYear() > 9999) {
      return null;
    }
    return shifted + s.substring(10);
  }

  private static boolean hasOffset(String s) {
    char last = s.charAt(s.length() - 1);
    return last == 'Z' || s.indexOf('+', 10) >= 0 || s.indexOf('-', 10) >= 0;
  }
}
