package io.dbrestore.masking.cli;

import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.engine.Sample;
import io.dbrestore.masking.report.ProgressPrinter;
import io.dbrestore.masking.report.SummaryTable;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import picocli.CommandLine.Option;

/**
 * The options and output every {@code mask} command shares, whatever the engine: rules, key,
 * parallelism, report, verify-only; progress; the dry run's samples, the summary table and the JSON
 * result.
 */
public class MaskingOptions {
  @Option(
      names = "--rules",
      paramLabel = "<file|s3://bucket/key>",
      required = true,
      description =
          "The masking rules (YAML; see docs/rules.md): a file, or a versioned S3 object"
              + " (s3://bucket/key, optionally ?versionId=…), whose version is recorded.")
  public String rules;

  @Option(
      names = "--parallelism",
      paramLabel = "<n>",
      defaultValue = "8",
      description =
          "How many workers mask at once: chunks of collections, or primary-key ranges of tables,"
              + " within and across them. Default: 8.")
  public int parallelism;

  @Option(
      names = "--report",
      paramLabel = "<file.json>",
      description = "Also write the result, per collection or table, as JSON to this file.")
  public Path report;

  @Option(
      names = "--masking-key-secret",
      paramLabel = "<arn>",
      description =
          "Read the masking key from this Secrets Manager secret instead of the environment"
              + " variable DBRESTORE_MASKING_KEY.")
  public String maskingKeySecret;

  @Option(
      names = "--verify-only",
      description = "Only run the verification gate on a copy masked earlier with these rules.")
  public boolean verifyOnly;

  /** Checks the options, reads the key and the rules, and compiles the plan. */
  public MaskingPlan plan(JobContext context) {
    context.step("load-rules");
    if (parallelism < 1 || parallelism > 256) {
      throw JobException.invalidInput(
          "--parallelism must be between 1 and 256, got " + parallelism);
    }
    return MaskingInputs.plan(context, rules, MaskingInputs.key(context, maskingKeySecret));
  }

  /** A bar on a terminal, a log line every 10 seconds otherwise (CloudWatch). */
  public static Progress progress(Logger log) {
    return System.console() != null
        ? ProgressPrinter.bar(System.err)
        : ProgressPrinter.lines(log::info, 10_000);
  }

  /**
   * Prints the dry run's samples (when given) and the summary, writes the report, and returns the
   * job's result.
   *
   * @param unit {@code documents} or {@code rows}
   * @param itemsKey {@code collections} or {@code tables}
   */
  public Map<String, Object> finish(
      JobContext context,
      MaskingPlan plan,
      MaskingResult result,
      List<Sample> samples,
      String unit,
      String itemsKey) {
    PrintWriter out = context.out();
    if (samples != null) {
      printSamples(out, samples, unit);
    }
    out.print(
        "rows".equals(unit)
            ? SummaryTable.renderTables(result.collections(), result.seconds())
            : SummaryTable.render(result.collections(), result.seconds()));
    out.flush();
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("rulesSha256", plan.rules().sha256());
    output.put("rules", RulesLocation.describe(plan.rules()));
    output.put("verified", result.verified());
    output.put(unit + "Masked", result.documentsMasked());
    output.put("seconds", Math.round(result.seconds() * 10) / 10.0);
    long total = result.manifest().values().stream().mapToLong(Long::longValue).sum();
    output.put(unit + "PerSecond", result.seconds() > 0 ? Math.round(total / result.seconds()) : 0);
    output.put("manifest", result.manifest());
    if (!result.undeclaredFields().isEmpty()) {
      output.put("undeclaredFields", result.undeclaredFields());
    }
    output.put(itemsKey, result.collections());
    if (report != null) {
      MaskingInputs.writeReport(report, output);
    }
    return output;
  }

  /**
   * The dry run's before-and-after view. Original values are shown only on a terminal: in ECS
   * stdout goes to CloudWatch Logs, where personal data must never go.
   */
  static void printSamples(PrintWriter out, List<Sample> samples, String unit) {
    boolean terminal = System.console() != null;
    out.println(
        terminal
            ? "Dry run: " + unit + " before and after masking (nothing was written):"
            : "Dry run: "
                + unit
                + " after masking (originals are shown only on a terminal; nothing was written):");
    for (Sample s : samples) {
      if (terminal) {
        out.println("  " + s.collection() + " before: " + s.before().toJson());
      }
      out.println("  " + s.collection() + " after:  " + s.after().toJson());
    }
    out.flush();
  }
}
