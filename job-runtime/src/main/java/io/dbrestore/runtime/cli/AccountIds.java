package io.dbrestore.runtime.cli;

import io.dbrestore.runtime.error.JobException;

/** AWS account ids given on the command line. */
public final class AccountIds {
  private AccountIds() {}

  /** Exit 2 unless {@code value} is a 12-digit account id. */
  public static String check(String option, String value) {
    if (value == null || !value.matches("\\d{12}")) {
      throw JobException.invalidInput(option + " '" + value + "' is not a 12-digit AWS account id");
    }
    return value;
  }
}
