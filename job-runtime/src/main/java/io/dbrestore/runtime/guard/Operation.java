package io.dbrestore.runtime.guard;

import java.util.Locale;

/** The destructive operations the safety guard gates. */
public enum Operation {
  DELETE,
  STOP,
  DETACH,
  RESTORE_OVER,
  OVERWRITE,
  MODIFY;

  /** The spelling used on the command line: {@code restore-over}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Operation parse(String text) {
    String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Operation op : values()) {
      if (op.name().equals(normalized)) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "unknown operation '"
            + text
            + "'; expected one of delete, stop, detach, restore-over, overwrite, modify");
  }
}
