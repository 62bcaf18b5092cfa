package io.dbrestore.masking.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesException;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every masking command needs before it touches a database: the key (from {@code
 * DBRESTORE_MASKING_KEY} or Secrets Manager, never logged), the rules, and the plan; and the one
 * mapping from masking failures to exit codes.
 */
public final class MaskingInputs {
  public static final String KEY_VARIABLE = "DBRESTORE_MASKING_KEY";

  private MaskingInputs() {}

  public static MaskingKey key(JobContext context, String secretArn) {
    String value;
    if (secretArn != null && !secretArn.isBlank()) {
      value = context.secrets().string(secretArn);
    } else {
      value = context.env().get(KEY_VARIABLE);
      if (value == null || value.isBlank()) {
        throw JobException.invalidInput(
            "no masking key: set "
                + KEY_VARIABLE
                + " or --masking-key-secret <arn> (the same key everywhere keeps pseudonyms"
                + " consistent)");
      }
    }
    Redactor.registerSecret(value);
    try {
      return MaskingKey.of(value);
    } catch (IllegalArgumentException e) {
      throw JobException.invalidInput(e.getMessage());
    }
  }

  public static MaskingPlan plan(Path rulesFile, MaskingKey key) {
    Rules rules;
    try {
      rules = RulesLoader.load(rulesFile);
    } catch (RulesException e) {
      throw JobException.invalidInput(e.getMessage());
    }
    return plan(rules, key);
  }

  /**
   * The plan for the rules at {@code --rules}: a file, or a versioned S3 object ({@link
   * RulesLocation}).
   */
  public static MaskingPlan plan(JobContext context, String rules, MaskingKey key) {
    return plan(RulesLocation.parse(rules).load(context), key);
  }

  public static MaskingPlan plan(Rules rules, MaskingKey key) {
    try {
      return MaskingPlan.compile(rules, key);
    } catch (MaskingException e) {
      throw toJobException(e);
    }
  }

  public static JobException toJobException(MaskingException e) {
    ExitCode code =
        switch (e.kind()) {
          case INVALID_RULES -> ExitCode.INVALID_INPUT;
          case REFUSED -> ExitCode.REFUSED;
          case VERIFICATION_FAILED -> ExitCode.VERIFICATION_FAILED;
        };
    return new JobException(code, e.reason(), e.getMessage(), e);
  }

  /** Writes a command's result as indented JSON ({@code --report}). */
  public static void writeReport(Path report, Object output) {
    try {
      Path parent = report.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(report.toFile(), output);
    } catch (IOException e) {
      throw JobException.invalidInput("cannot write --report " + report + ": " + e.getMessage());
    }
  }
}
