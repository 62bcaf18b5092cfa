package io.dbrestore.masking.strategy;

/** The verification gate's question to a strategy: is this value in masked form? */
public enum FormCheck {
  /** The value is in this strategy's output form. */
  MASKED,
  /** The value cannot be this strategy's output: it was not masked. */
  NOT_MASKED,
  /** Nothing to tell (null, or a strategy whose output is indistinguishable by construction). */
  UNKNOWN
}
