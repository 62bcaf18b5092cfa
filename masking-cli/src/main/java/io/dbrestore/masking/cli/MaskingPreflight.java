package io.dbrestore.masking.cli;

import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.runtime.preflight.Preflight;

/**
 * The masking inputs' part of a {@code preflight}: the key loads (from its secret or {@value
 * MaskingInputs#KEY_VARIABLE}; never printed) and the rules load and compile with it, exactly as
 * the command would load them.
 */
public final class MaskingPreflight {
  private MaskingPreflight() {}

  /**
   * Adds the checks "masking key" and "masking rules".
   *
   * @param rules {@code --rules}: a file or a versioned S3 object, or null when the command runs
   *     without (then both are skipped)
   * @param keySecret {@code --masking-key-secret}, or null for the environment variable
   */
  public static void check(Preflight preflight, String rules, String keySecret) {
    if (rules == null) {
      preflight.skipped("masking key", "no --rules: this run does not mask");
      preflight.skipped("masking rules", "no --rules");
      return;
    }
    MaskingKey[] key = new MaskingKey[1];
    preflight.check(
        "masking key",
        () -> {
          key[0] = MaskingInputs.key(preflight.context(), keySecret);
          return keySecret != null && !keySecret.isBlank()
              ? "loaded from secret " + keySecret
              : "loaded from " + MaskingInputs.KEY_VARIABLE;
        });
    if (key[0] == null) {
      preflight.skipped("masking rules", "not compiled: no masking key");
      return;
    }
    preflight.check(
        "masking rules",
        () -> {
          MaskingPlan plan = MaskingInputs.plan(preflight.context(), rules, key[0]);
          int collections = plan.databases().values().stream().mapToInt(m -> m.size()).sum();
          return plan.rules().source()
              + " loads and compiles: "
              + plan.databases().size()
              + " database(s), "
              + collections
              + " table(s) or collection(s)";
        });
  }
}
