package io.dbrestore.mongo.snapshot;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.cli.MaskingOptions;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.engine.Sample;
import io.dbrestore.masking.mongo.MongoMasking;
import io.dbrestore.mongo.ec2.Mongod;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mongo-mask-snapshot mask}: masks a reachable MongoDB in place, then verifies it. For
 * throwaway copies only: what is shared is made by {@code run}, which never publishes a copy masked
 * in place.
 */
@Command(
    name = "mask",
    description = {
      "Mask a MongoDB copy IN PLACE with a rules file, then verify it. For throwaway copies"
          + " only: a copy masked in place still carries what its files held before (oplog,"
          + " users, freed pages), so never snapshot or share it; 'run' publishes a blank volume"
          + " the copy was masked into instead.",
      "Stops (exit 3) before any write when a collection is not declared, and after the pass when"
          + " a field is not declared; exits 5 when verification fails. A killed run resumes"
          + " where it stopped when started again with the same rules."
    })
public final class MaskCommand extends JobCommand {
  private static final Logger LOG = LoggerFactory.getLogger(MaskCommand.class);

  @Mixin MaskingOptions masking;

  @Option(
      names = "--uri",
      paramLabel = "<mongodb-uri>",
      required = true,
      description =
          "The MongoDB to mask, e.g. mongodb://masker:…@10.0.1.5:27017/?authSource=admin.")
  String uri;

  @Mixin ChunkOptions chunks;

  @Override
  protected boolean emitsMetrics() {
    return false; // a tool for a database a person reaches, not a pipeline run
  }

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofHours(8);
  }

  @Override
  protected Object execute(JobContext context) throws Exception {
    MaskingPlan plan = masking.plan(context);
    ConnectionString connection = Mongod.connectionString("--uri", uri);
    context.resource("mongodb", connection.getHosts().toString());
    RunOptions options = chunks.engine(masking, LOG).withDryRun(context.dryRun());
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(connection)
            .applyToSocketSettings(s -> s.connectTimeout(10, TimeUnit.SECONDS))
            .applyToClusterSettings(s -> s.serverSelectionTimeout(30, TimeUnit.SECONDS))
            .build();
    MaskingResult result;
    List<Sample> samples = null;
    try (MongoClient client = MongoClients.create(settings)) {
      context.step(masking.verifyOnly ? "verify" : "mask");
      MongoMasking engine = new MongoMasking(client, plan, options);
      context.cancellation().onCancel(r -> LOG.warn("stopping the masking workers"));
      result = masking.verifyOnly ? engine.verifyOnly() : engine.run();
      if (context.dryRun()) {
        samples = engine.samples(2);
      }
    } catch (MaskingException e) {
      throw MaskingInputs.toJobException(e);
    }
    return masking.finish(context, plan, result, samples, "documents", "collections");
  }
}
