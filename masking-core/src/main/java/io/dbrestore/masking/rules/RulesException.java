package io.dbrestore.masking.rules;

import java.util.Comparator;
import java.util.List;

/**
 * A rules file that cannot be used. The message names the file, the line and the problem: {@code
 * rules.yaml:12: databases.app.collections.users.fields.email: unknown strategy 'emial' (expected
 * one of …)}. When a file has several problems, the message is the first one in file order and
 * {@link #problems()} lists them all (one line each), so a command line can show every one.
 */
public class RulesException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Every problem, one line each, in file order; the message is the first. */
  private final List<String> problems;

  public RulesException(String message) {
    super(message);
    this.problems = List.of(message);
  }

  public RulesException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of(message);
  }

  private RulesException(List<String> problems) {
    super(problems.get(0));
    this.problems = List.copyOf(problems);
  }

  public static RulesException at(String source, int line, String problem) {
    return new RulesException(source + ":" + line + ": " + problem);
  }

  /** Problems (at least one) as one exception, sorted by line (stable for equal lines). */
  static RulesException of(String source, List<Problem> problems) {
    return new RulesException(
        problems.stream()
            .sorted(Comparator.comparingInt(Problem::line))
            .map(p -> p.format(source))
            .distinct()
            .toList());
  }

  /** Every problem found, one line each, in file order; the first is the message. */
  public List<String> problems() {
    return problems;
  }
}
