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

  /** The rules' text (for the patch's places) and the rules, from a file or a versioned object. */
  record Read(String location, String text, Rules rules, boolean s3) {}

  static Read read(RulesHost host, String location) {
    io.dbrestore.masking.cli.RulesLocation where =
        io.dbrestore.masking.cli.RulesLocation.parse(location);
    if (!where.s3()) {
      java.nio.file.Path file = java.nio.file.Path.of(location);
      Rules rules = load(file);
      try {
        return new Read(
            location,
            java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8),
            rules,
            false);
      } catch (java.io.IOException e) {
        throw JobException.invalidInput(file + ": cannot read the file: " + e.getMessage());
      }
    }
    software.amazon.awssdk.services.s3.S3Client s3 = host.s3();
    if (s3 == null) {
      throw JobException.invalidInput(
          location + ": no S3 here: download the object and give the file instead");
    }
    io.dbrestore.masking.cli.RulesLocation.Fetched object = where.fetch(s3);
    return new Read(
        object.source(),
        new String(object.bytes(), java.nio.charset.StandardCharsets.UTF_8),
        object.rules(),
        true);
  }

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
