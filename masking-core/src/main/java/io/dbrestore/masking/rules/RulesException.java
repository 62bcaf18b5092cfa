package io.dbrestore.masking.rules;

/**
 * A rules file that cannot be used. The message names the file, the line and the problem: {@code
 * rules.yaml:12: users.email: unknown strategy 'emial'; expected one of …}.
 */
public class RulesException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RulesException(String message) {
    super(message);
  }

  public RulesException(String message, Throwable cause) {
    super(message, cause);
  }

  public static RulesException at(String source, int line, String problem) {
    return new RulesException(source + ":" + line + ": " + problem);
  }
}
