package io.dbrestore.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every suite on tiny sizes: they run, and their last stdout line is the result. */
class SuitesTest {
  private static JsonNode run(String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Benchmarks.execute(new PrintWriter(out), new PrintWriter(err), args);
    assertThat(code).as("exit code; stderr:%n%s", err).isZero();
    assertThat(err.toString()).isNotBlank();
    String[] lines = out.toString().strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  private static void assertPositive(JsonNode result, List<String> fields) {
    for (String field : fields) {
      assertThat(result.has(field)).as(field).isTrue();
      assertThat(result.get(field).isNumber()).as(field).isTrue();
      assertThat(result.get(field).asDouble()).as(field).isPositive();
    }
  }

  @Test
  void mongoMasking() throws Exception {
    JsonNode result =
        run(
            "mongo-masking",
            "--docs",
            "3000",
            "--naive-prefix",
            "500",
            "--chunk-documents",
            "500",
            "--parallelism",
            "4");
    assertThat(result.get("suite").asText()).isEqualTo("mongo-masking");
    assertThat(result.get("docs").asInt()).isEqualTo(3000);
    assertThat(result.get("rtt_ms").asDouble()).isEqualTo(0.5);
    assertThat(result.get("naive_docs").asInt()).isBetween(500, 510);
    assertPositive(
        result,
        List.of(
            "docs",
            "rtt_ms",
            "naive_docs_per_s",
            "collection_parallel_docs_per_s",
            "ours_docs_per_s",
            "ceiling_docs_per_s"));
    List<String> names = new java.util.ArrayList<>();
    result.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .startsWith(
            "suite",
            "docs",
            "rtt_ms",
            "naive_docs_per_s",
            "collection_parallel_docs_per_s",
            "ours_docs_per_s",
            "ceiling_docs_per_s");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void sqlMasking(String engine) throws Exception {
    JsonNode result =
        run("sql-masking", "--engine", engine, "--rows", "3000", "--naive-prefix", "300");
    assertThat(result.get("suite").asText()).isEqualTo("sql-masking");
    assertThat(result.get("engine").asText()).isEqualTo(engine);
    assertThat(result.get("rows").asInt()).isEqualTo(3000);
    assertThat(result.get("rtt_ms").asDouble()).isEqualTo(0.5);
    assertThat(result.get("naive_rows").asInt()).isEqualTo(300);
    List<String> required =
        List.of(
            "rows", "rtt_ms", "naive_rows_per_s", "single_statement_rows_per_s", "ours_rows_per_s");
    assertPositive(result, required);
    assertPositive(result, List.of("ours_mask_only_rows_per_s"));
    List<String> names = new java.util.ArrayList<>();
    result.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .startsWith(
            "suite",
            "engine",
            "rows",
            "rtt_ms",
            "naive_rows_per_s",
            "single_statement_rows_per_s",
            "ours_rows_per_s");
  }

  @Test
  void maskerCpu() throws Exception {
    JsonNode result =
        run("masker-cpu", "--docs", "3000", "--warmup-seconds", "0.5", "--iterations", "3");
    assertThat(result.get("suite").asText()).isEqualTo("masker-cpu");
    assertPositive(result, List.of("ours_docs_per_s", "codec_only_docs_per_s"));
  }
}
