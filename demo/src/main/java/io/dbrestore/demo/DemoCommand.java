package io.dbrestore.demo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import io.dbrestore.masking.cli.MaskingInputs;
import io.dbrestore.masking.engine.MaskingException;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.mongo.MongoCopy;
import io.dbrestore.masking.mongo.MongoMasking;
import io.dbrestore.masking.report.ProgressPrinter;
import io.dbrestore.masking.report.SummaryTable;
import io.dbrestore.masking.rules.RulesException;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.LocalOnly;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.testsupport.InProcessMongo;
import io.dbrestore.testsupport.SyntheticShop;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mongo-mask-snapshot demo}: the whole masking flow on this machine, with no AWS account and
 * no MongoDB: an in-process MongoDB wire-protocol server, a synthetic shop full of made-up personal
 * data, the example rules, masking, verification, and a scan for any personal value left.
 */
@Command(
    name = "demo",
    description = {
      "Mask a synthetic shop in an in-process MongoDB and an embedded PostgreSQL with the example"
          + " rules; no AWS needed.",
      "Prints documents before and after, one person's e-mail masked alike in both databases, the"
          + " summaries and the throughput."
    })
public final class DemoCommand extends JobCommand implements LocalOnly {
  static final String DEMO_KEY = "dbrestore-demo-key-not-secret-0123456789abcdef";

  @Option(
      names = "--rules",
      paramLabel = "<file>",
      description = "Rules to mask with. Default: the bundled examples/rules.yaml.")
  Path rules;

  @Option(
      names = "--customers",
      paramLabel = "<n>",
      defaultValue = "5000",
      description = "Customers to generate (orders are 2.4 times as many). Default: 5000.")
  int customers;

  @Option(
      names = "--parallelism",
      paramLabel = "<n>",
      defaultValue = "8",
      description = "Masking workers. Default: 8.")
  int parallelism;

  @Override
  protected Duration defaultTimeout() {
    return Duration.ofMinutes(30);
  }

  @Override
  protected Object execute(JobContext context) throws Exception {
    PrintWriter out = context.out();
    if (customers < 1 || customers > 2_000_000) {
      throw JobException.invalidInput("--customers must be between 1 and 2000000");
    }
    context.step("load-rules");
    String keyText = context.env().getOrDefault(MaskingInputs.KEY_VARIABLE, DEMO_KEY);
    MaskingKey key = MaskingKey.of(keyText);
    MaskingPlan plan;
    try {
      plan = MaskingPlan.compile(rules == null ? bundledRules() : RulesLoader.load(rules), key);
    } catch (RulesException e) {
      throw JobException.invalidInput(e.getMessage());
    } catch (MaskingException e) {
      throw MaskingInputs.toJobException(e);
    }

    context.step("start-mongodb");
    try (InProcessMongo server = InProcessMongo.start();
        InProcessMongo published = InProcessMongo.start();
        MongoClient source = MongoClients.create(server.uri());
        MongoClient client = MongoClients.create(published.uri())) {
      context.step("generate");
      SyntheticShop.Sizes sizes =
          new SyntheticShop.Sizes(
              customers,
              customers * 12 / 5,
              Math.max(1, customers * 2 / 5),
              customers * 3 / 5,
              Math.max(1, customers / 5));
      Set<Object> personal = new HashSet<>();
      SyntheticShop.generateAll(source, sizes, 42, personal::add);
      List<String> someEmails = new ArrayList<>();
      source
          .getDatabase("shop")
          .getCollection("customers")
          .find()
          .limit(Math.min(2_000, customers))
          .forEach(d -> someEmails.add(d.getString("email")));
      out.printf(
          "In-process MongoDB (the production copy) on 127.0.0.1:%d with %,d synthetic documents"
              + " (%,d personal values).%n",
          server.port(), sizes.total(), personal.size());
      Document customerBefore =
          source.getDatabase("shop").getCollection("customers").find().first();
      Document orderBefore =
          source
              .getDatabase("shop")
              .getCollection("orders")
              .find(Filters.exists("items.gift"))
              .first();
      out.flush();

      context.step("mask");
      RunOptions options =
          MongoMasking.defaultOptions()
              .withParallelism(parallelism)
              .withUnitSize(Math.max(1000, customers))
              .withProgress(
                  System.console() != null
                      ? ProgressPrinter.bar(System.err)
                      : ProgressPrinter.lines(line -> {}, 60_000));
      MaskingResult result;
      try {
        result = new MongoCopy(source, client, plan, options).run();
      } catch (MaskingException e) {
        throw MaskingInputs.toJobException(e);
      }

      context.step("scan");
      long left = scan(client, personal);
      out.printf(
          "%nMasked into a second, empty in-process MongoDB on 127.0.0.1:%d (the copy that would"
              + " be published; the production copy is only read). It holds: %s.%n",
          published.port(), String.join(", ", client.listDatabaseNames().into(new ArrayList<>())));
      out.println();
      out.println("Before and after masking, field by field:");
      out.println();
      out.print(
          BeforeAfter.render(
              "shop.customers",
              customerBefore,
              client
                  .getDatabase("shop")
                  .getCollection("customers")
                  .find(Filters.eq("_id", customerBefore.get("_id")))
                  .first()));
      out.println();
      out.print(
          BeforeAfter.render(
              "shop.orders",
              orderBefore,
              client
                  .getDatabase("shop")
                  .getCollection("orders")
                  .find(Filters.eq("_id", orderBefore.get("_id")))
                  .first()));
      out.println();
      out.print(SummaryTable.render(result.collections(), result.seconds()));
      long documents = result.manifest().values().stream().mapToLong(Long::longValue).sum();
      out.printf(
          "%nMasked and verified %,d documents in %.1f s (%,.0f documents/s, %d workers)."
              + " Personal values left anywhere in the database: %d.%n%n",
          documents,
          result.seconds(),
          documents / Math.max(1e-9, result.seconds()),
          parallelism,
          left);
      out.flush();
      if (left > 0) {
        throw JobException.verificationFailed(left + " personal values were found after masking");
      }
      context.step("postgresql");
      String person = someEmails.get(0);
      Object maskedInMongo =
          client
              .getDatabase("shop")
              .getCollection("customers")
              .find(Filters.eq("_id", customerBefore.get("_id")))
              .first()
              .get("email");
      PostgresDemo.Outcome sql = PostgresDemo.run(plan, someEmails, parallelism, out);
      out.printf(
          "One person, two databases: %s%n  MongoDB    shop.customers.email  -> %s%n"
              + "  PostgreSQL crm.customers.email   -> %s%n  %s%n%n",
          person,
          maskedInMongo,
          sql.maskedEmail(),
          Objects.equals(maskedInMongo, sql.maskedEmail())
              ? "the same pseudonym: joins across databases keep working"
              : "DIFFERENT: consistency is broken");
      out.flush();
      if (!Objects.equals(maskedInMongo, sql.maskedEmail())) {
        throw JobException.verificationFailed(
            "the same e-mail masked differently in MongoDB and PostgreSQL");
      }

      Map<String, Object> output = new LinkedHashMap<>();
      output.put("documents", documents);
      output.put("documentsMasked", result.documentsMasked());
      output.put("seconds", Math.round(result.seconds() * 100) / 100.0);
      output.put("documentsPerSecond", Math.round(documents / Math.max(1e-9, result.seconds())));
      output.put("verified", result.verified());
      output.put("personalValuesLeft", left);
      output.put("postgresRows", sql.rows());
      output.put("postgresSeconds", Math.round(sql.seconds() * 100) / 100.0);
      output.put("sameEmailPseudonymInBothDatabases", true);
      return output;
    }
  }

  private static io.dbrestore.masking.rules.Rules bundledRules() throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/examples/rules.yaml")) {
      if (in == null) {
        throw JobException.invalidInput("the bundled example rules are missing from this jar");
      }
      return RulesLoader.parse(
          "examples/rules.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Counts the planted personal values found in any string or number of any document of any
   * database the server holds.
   */
  static long scan(MongoClient client, Set<Object> personal) {
    long found = 0;
    for (String dbName : client.listDatabaseNames()) {
      var db = client.getDatabase(dbName);
      for (String name : db.listCollectionNames()) {
        for (Document d : db.getCollection(name).find()) {
          found += scanValue(d, personal);
        }
      }
    }
    return found;
  }

  private static long scanValue(Object value, Set<Object> personal) {
    if (value instanceof Map<?, ?> map) {
      long n = 0;
      for (Object v : map.values()) {
        n += scanValue(v, personal);
      }
      return n;
    }
    if (value instanceof List<?> list) {
      long n = 0;
      for (Object v : list) {
        n += scanValue(v, personal);
      }
      return n;
    }
    if (value instanceof String) {
      return personal.contains(value) ? 1 : 0;
    }
    if (value instanceof Integer || value instanceof Long) {
      return personal.contains(((Number) value).longValue()) ? 1 : 0;
    }
    return 0;
  }
}
