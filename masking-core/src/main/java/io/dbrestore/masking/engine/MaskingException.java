package io.dbrestore.masking.engine;

/**
 * A masking run that must stop, with the reason as a kind the jobs map to exit codes. Messages name
 * databases, collections, fields, counts and ids, never a data value.
 */
public class MaskingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a run stopped. */
  public enum Kind {
    /** The rules do not fit the database (exit 2). */
    INVALID_RULES,
    /** Data the rules do not cover, or a copy that cannot be resumed (exit 3). */
    REFUSED,
    /** The verification gate failed (exit 5). */
    VERIFICATION_FAILED
  }

  private final Kind kind;
  private final String reason;

  public MaskingException(Kind kind, String reason, String message) {
    super(message);
    this.kind = kind;
    this.reason = reason;
  }

  public Kind kind() {
    return kind;
  }

  /** A short stable name for grouping ({@code undeclared-fields}). */
  public String reason() {
    return reason;
  }
}
