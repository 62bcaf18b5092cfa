package io.dbrestore.atlas;

import io.dbrestore.runtime.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The runtime's durations ({@code 90s}, {@code 1m}, {@code PT15S}) plus milliseconds ({@code
 * 250ms}).
 */
public final class FineDurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim();
    if (v.endsWith("ms") && v.length() > 2) {
      try {
        long ms = Long.parseLong(v.substring(0, v.length() - 2));
        if (ms > 0) {
          return Duration.ofMillis(ms);
        }
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
      throw new TypeConversionException("'" + value + "' is not a positive duration");
    }
    return DurationConverter.parse(v);
  }
}
