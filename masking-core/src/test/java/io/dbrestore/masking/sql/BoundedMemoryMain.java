package io.dbrestore.masking.sql;

import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.engine.MaskingResult;
import io.dbrestore.masking.rules.RulesLoader;
import java.sql.DriverManager;

/**
 * Masks {@code crm.big} at the JDBC URL given, in a JVM whose heap {@link
 * SqlBoundedMemoryPostgresTest} fixes: exit 0 when masked and verified, 1 otherwise (an {@link
 * OutOfMemoryError} included).
 */
public final class BoundedMemoryMain {
  static final String RULES =
      """
      version: 1
      databases:
        crm:
          tables:
            big:
              fields:
                id: keep
                email: email
                filler: keep
      """;

  private BoundedMemoryMain() {}

  public static void main(String[] args) {
    try {
      String url = args[0];
      MaskingPlan plan =
          MaskingPlan.compile(
              RulesLoader.parse("bounded-memory.yaml", RULES), SqlMaskingContract.KEY);
      MaskingResult result =
          new SqlMasking(
                  url,
                  () -> DriverManager.getConnection(url),
                  plan,
                  SqlMasking.defaultOptions()
                      .withParallelism(2)
                      .withBatchSize(1_000)
                      .withUnitSize(50_000))
              .run();
      System.out.println("verified=" + result.verified() + " masked=" + result.documentsMasked());
      System.exit(result.verified() ? 0 : 1);
    } catch (Throwable t) {
      System.out.println("failed: " + t);
      System.exit(1);
    }
  }
}
