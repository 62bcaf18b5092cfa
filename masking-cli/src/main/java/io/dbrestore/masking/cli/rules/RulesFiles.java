package io.dbrestore.masking.cli.rules;

import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesException;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.runtime.error.JobException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Loading and compiling rules without a key: what both rules commands start with. */
final class RulesFiles {
  private RulesFiles() {}

  static Rules load(java.nio.file.Path file) {
    try {
      return RulesLoader.load(file);
    } catch (RulesException e) {
      throw JobException.invalidInput(e.getMessage());
    }
  }

  /**
   * Compiles the rules with a throwaway random key: compiling checks every strategy's options, and
   * the key is never used to mask anything.
   */
  static MaskingPlan compile(Rules rules) {
    byte[] random = new byte[48];
    new SecureRandom().nextBytes(random);
    try {
      return MaskingPlan.compile(rules, MaskingKey.of(HexFormat.of().formatHex(random)));
    } catch (MaskingException e) {
      throw MaskingInputs.toJobException(e);
    }
  }
}
