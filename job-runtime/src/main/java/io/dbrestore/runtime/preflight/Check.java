package io.dbrestore.runtime.preflight;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/** One line of a preflight: what was checked, how it came out, and what was found. */
public record Check(String name, Status status, String detail) {
  /** How a check came out; only {@link #FAILED} fails the preflight (exit 3). */
  public enum Status {
    OK("✓"),
    FAILED("✗"),
    WARNING("!"),
    SKIPPED("-");

    private final String mark;

    Status(String mark) {
      this.mark = mark;
    }

    /** The checklist's mark: ✓ ✗ ! -. */
    public String mark() {
      return mark;
    }

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Check {
    Objects.requireNonNull(name);
    Objects.requireNonNull(status);
    detail = detail == null ? "" : detail.replaceAll("[\\r\\n]+", " ").trim();
  }
}
