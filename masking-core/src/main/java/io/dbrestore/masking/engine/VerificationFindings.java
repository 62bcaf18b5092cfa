package io.dbrestore.masking.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What an engine's verification pass found, for the gate in {@link MaskingRun}: problems it words
 * itself (counts, indexes, foreign keys, unfinished work), and per collection the fields not in
 * masked form and the paths the rules do not declare. Never a value. Thread-safe.
 */
public final class VerificationFindings {
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final PathCounts notMasked = new PathCounts();
  private final PathCounts undeclared = new PathCounts();

  /** A problem, in the words the error message will show. */
  public void problem(String text) {
    problems.add(text);
  }

  /** Documents (rows) per collection and field whose value is not in masked form. */
  public PathCounts notMasked() {
    return notMasked;
  }

  /** Documents (rows) per collection and path the rules do not declare. */
  public PathCounts undeclared() {
    return undeclared;
  }

  List<String> problems() {
    synchronized (problems) {
      return new ArrayList<>(problems);
    }
  }
}
