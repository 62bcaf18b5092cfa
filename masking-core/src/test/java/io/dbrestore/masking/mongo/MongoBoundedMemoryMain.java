package io.dbrestore.masking.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.rules.RulesLoader;

/**
 * Masks {@code crm.big} in a JVM whose heap {@link MongoBoundedMemoryTest} fixes: {@code copy
 * <source> <destination>} (the production path) or {@code in-place <uri>}; exit 0 when masked and
 * verified, 1 otherwise (an {@link OutOfMemoryError} included).
 */
public final class MongoBoundedMemoryMain {
  static final String RULES =
      """
      version: 1
      databases:
        crm:
          collections:
            big:
              fields:
                _id: keep
                email: email
                name: {strategy: name, part: full}
                filler: keep
      """;

  private MongoBoundedMemoryMain() {}

  public static void main(String[] args) {
    try {
      MaskingPlan plan =
          MaskingPlan.compile(
              RulesLoader.parse("bounded-memory.yaml", RULES), MongoMaskingContract.KEY);
      RunOptions options =
          MongoMasking.defaultOptions()
              .withParallelism(2)
              .withBatchSize(1_000)
              .withUnitSize(50_000);
      MaskingResult result;
      try (MongoClient source = MongoClients.create(args[1])) {
        if (args[0].equals("copy")) {
          try (MongoClient destination = MongoClients.create(args[2])) {
            result = new MongoCopy(source, destination, plan, options).run();
          }
        } else {
          result = new MongoMasking(source, plan, options).run();
        }
      }
      System.out.println("verified=" + result.verified() + " masked=" + result.documentsMasked());
      System.exit(result.verified() ? 0 : 1);
    } catch (Throwable t) {
      System.out.println("failed: " + t);
      System.exit(1);
    }
  }
}
