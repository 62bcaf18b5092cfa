package io.dbrestore.runtime.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people write them: {@code 90s}, {@code 45m}, {@code 6h}, {@code 1h30m}, {@code 2d},
 * or ISO-8601 {@code PT6H}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)([dhms])");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      try {
        return positive(Duration.parse(v.toUpperCase(Locale.ROOT)), value);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    Matcher m = PART.matcher(v);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw invalid(value);
      }
      long n = Long.parseLong(m.group(1));
      total =
          switch (m.group(2)) {
            case "d" -> total.plusDays(n);
            case "h" -> total.plusHours(n);
            case "m" -> total.plusMinutes(n);
            default -> total.plusSeconds(n);
          };
      end = m.end();
    }
    if (end == 0 || end != v.length()) {
      throw invalid(value);
    }
    return positive(total, value);
  }

  private static Duration positive(Duration d, String value) {
    if (d.isZero() || d.isNegative()) {
      throw new TypeConversionException("'" + value + "' is not a positive duration");
    }
    return d;
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a duration; write it like 90s, 45m, 6h, 1h30m, 2d or PT6H");
  }
}
