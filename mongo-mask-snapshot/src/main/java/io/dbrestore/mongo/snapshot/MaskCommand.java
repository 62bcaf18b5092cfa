package io.dbrestore.mongo.snapshot;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.Progress;
import io.dbrestore.masking.job.MaskingInputs;
import io.dbrestore.masking.mongo.MongoMasking;
import io.dbrestore.masking.report.ProgressPrinter;
import io.dbrestore.masking.report.SummaryTable;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mongo-mask-snapshot mask}: masks a reachable MongoDB in place, then verifies it. */
@Command(
    name = "mask",
    description = {
      "Mask a MongoDB copy in place with a rules file, then verify it.",
      "Stops (exit 3) before any write when a collection is not declared, and after the pass when"
          + " a field is not declared; exits 5 when verification fails. A killed run resumes"
          + " where it stopped when started again with the same rules."
    })
public final class MaskCommand extends JobCommand {
  private static final Logger LOG = LoggerFactory.getLogger(MaskCommand.class);

  @Option(
      names = "--uri",
      paramLabel = "<mongodb-uri>",
      required = true,
      description =
          "The MongoDB to mask, e.g. mongodb://masker:…@10.0.1.5:27017/?authSource=admin.")
  String uri;

  @Option(
      names = "--rules",
      paramLabel = "<file>",
      required = true,
      description = "The masking rules (YAML; see docs/rules.md).")
  Path rules;

  @Option(
      names = "--parallelism",
      paramLabel = "<n>",
      defaultValue = "8",
      description = "How many workers mask at once, across and within collections. Default: 8.")
  int parallelism;

  @Option(
      names = "--chunk-documents",
      paramLabel = "<n>",
      defaultValue = "50000",
      description = "Split collections into chunks of about this many documents. Default: 50000.")
  int chunkDocuments;

  @Option(
      names = "--report",
      paramLabel = "<file.json>",
      description = "Also write the per-collection report as JSON to this file.")
  Path report;

  @Option(
      names = "--masking-key-secret",
      paramLabel = "<arn>",
      description =
          "Read the masking key from this Secrets Manager secret instead of the environment"
              + " variable DBRESTORE_MASKING_KEY.")
  String maskingKeySecret;

  @Option(
      names = "--verify-only",
      description = "Only run the verification gate on a copy masked earlier with these rules.")
  boolean verifyOnly;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(8);
  }

  @Override
  protected Object execute(JobContext context) throws Exception {
    context.step("load-rules");
    if (parallelism < 1 || parallelism > 256) {
      throw JobException.invalidInput(
          "--parallelism must be between 1 and 256, got " + parallelism);
    }
    MaskingPlan plan = MaskingInputs.plan(rules, MaskingInputs.key(context, maskingKeySecret));
    ConnectionString connection;
    try {
      connection = new ConnectionString(uri);
    } catch (IllegalArgumentException e) {
      throw JobException.invalidInput(
          "--uri is not a MongoDB connection string: " + e.getMessage());
    }
    if (connection.getPassword() != null) {
      Redactor.registerSecret(new String(connection.getPassword()));
    }
    context.resource("mongodb", connection.getHosts().toString());
    Progress progress =
        System.console() != null
            ? ProgressPrinter.bar(System.err)
            : ProgressPrinter.lines(LOG::info, 10_000);
    MongoMasking.Options options =
        MongoMasking.Options.defaults()
            .withParallelism(parallelism)
            .withChunkDocuments(chunkDocuments)
            .withDryRun(context.dryRun())
            .withProgress(progress);
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(connection)
            .applyToSocketSettings(s -> s.connectTimeout(10, TimeUnit.SECONDS))
            .applyToClusterSettings(s -> s.serverSelectionTimeout(30, TimeUnit.SECONDS))
            .build();
    MaskingResult result;
    try (MongoClient client = MongoClients.create(settings)) {
      context.step(verifyOnly ? "verify" : "mask");
      MongoMasking masking = new MongoMasking(client, plan, options);
      context.cancellation().onCancel(r -> LOG.warn("stopping the masking workers"));
      result = verifyOnly ? masking.verifyOnly() : masking.run();
      if (context.dryRun()) {
        printSamples(context.out(), masking.samples(2));
      }
    } catch (MaskingException e) {
      throw MaskingInputs.toJobException(e);
    }
    context.out().print(SummaryTable.render(result.collections(), result.seconds()));
    context.out().flush();
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("rulesSha256", plan.rules().sha256());
    output.put("verified", result.verified());
    output.put("documentsMasked", result.documentsMasked());
    output.put("seconds", Math.round(result.seconds() * 10) / 10.0);
    long documents = result.manifest().values().stream().mapToLong(Long::longValue).sum();
    output.put(
        "documentsPerSecond", result.seconds() > 0 ? Math.round(documents / result.seconds()) : 0);
    output.put("manifest", result.manifest());
    if (!result.undeclaredFields().isEmpty()) {
      output.put("undeclaredFields", result.undeclaredFields());
    }
    output.put("collections", result.collections());
    if (report != null) {
      MaskingInputs.writeReport(report, output);
    }
    return output;
  }

  /**
   * The dry run's before-and-after view. Original values are shown only on a terminal: in ECS
   * stdout goes to CloudWatch Logs, where personal data must never go.
   */
  private static void printSamples(
      java.io.PrintWriter out, java.util.List<MongoMasking.Sample> samples) {
    boolean terminal = System.console() != null;
    org.bson.json.JsonWriterSettings json =
        org.bson.json.JsonWriterSettings.builder().indent(false).build();
    out.println(
        terminal
            ? "Dry run: documents before and after masking (nothing was written):"
            : "Dry run: documents after masking (originals are shown only on a terminal;"
                + " nothing was written):");
    for (MongoMasking.Sample s : samples) {
      if (terminal) {
        out.println("  " + s.collection() + " before: " + s.before().toJson(json));
      }
      out.println("  " + s.collection() + " after:  " + s.after().toJson(json));
    }
    out.flush();
  }
}
