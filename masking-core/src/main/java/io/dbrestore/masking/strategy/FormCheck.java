package io.dbrestore.masking.strategy;

/** The verification gate's question to a strategy: is this value in masked form? */
public enum FormCheck {
  /** The value is in this strategy's output form. */
  MASKED,
  /** The value cannot be this strategy's output: it was not masked. */
  NOT_MASKED,
  /**
   * Nothing to tell: a strategy whose output cannot be told from its input by construction (keep,
   * date-shift), or a removed field (the engine checks that it is absent). A null value is MASKED
   * for most strategies: it holds nothing to mask.
   */
  UNKNOWN
}
