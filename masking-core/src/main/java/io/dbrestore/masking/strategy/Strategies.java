package io.dbrestore.masking.strategy;

import java.util.Map;
import java.util.Set;

/** Builds strategies from their names and options in a rules file. */
public final class Strategies {
  private Strategies() {}

  /** Every strategy name a rules file may use. */
  public static Set<String> names() {
    throw new UnsupportedOperationException("implemented by the strategy work");
  }

  /**
   * Builds a strategy.
   *
   * @param name the strategy's name ({@code email}, {@code keep}, …)
   * @param options its options from the rules file (may be empty; never null)
   * @throws IllegalArgumentException with a one-line message naming the bad option and what is
   *     allowed, when the name is unknown or an option is missing, unknown or invalid
   */
  public static Strategy create(String name, Map<String, Object> options, MaskingKey key) {
    throw new UnsupportedOperationException("implemented by the strategy work");
  }
}
