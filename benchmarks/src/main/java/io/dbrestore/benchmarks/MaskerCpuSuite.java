package io.dbrestore.benchmarks;

import io.dbrestore.masking.engine.DocumentMasker;
import io.dbrestore.masking.engine.MaskingPlan;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.masking.strategy.MaskingKey;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.bson.Document;
import org.bson.RawBsonDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code masker-cpu}: the masker's CPU cost per document on one thread, next to the cost of just
 * decoding and re-encoding the document, which any client-side masker pays.
 */
@Command(
    name = "masker-cpu",
    mixinStandardHelpOptions = true,
    description = {
      "One thread, documents as encoded BSON. ours: decode, DocumentMasker.mask, encode the update;",
      "codec_only: decode and re-encode the same document. Median of the measured iterations."
    })
final class MaskerCpuSuite implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--docs", defaultValue = "200000", description = "Documents per pass.")
  int docs;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "5",
      description = "Warm-up time (both variants, alternating) before measuring.")
  double warmupSeconds;

  @Option(names = "--iterations", defaultValue = "5", description = "Measured passes per variant.")
  int iterations;

  @Option(names = "--seed", defaultValue = "1", description = "Data set seed.")
  long seed;

  /** A document to mask, as it arrives from the server, and its collection's masker. */
  private record Input(RawBsonDocument raw, DocumentMasker masker) {}

  private static final BiConsumer<String, Integer> FAIL_ON_UNDECLARED =
      (path, n) -> {
        throw new IllegalStateException("the benchmark rules do not declare " + path);
      };

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (docs < BenchData.SHARES.size() || iterations < 1 || warmupSeconds < 0) {
      throw new IllegalArgumentException("need --docs >= 6, --iterations >= 1, --warmup >= 0");
    }
    MaskingPlan plan =
        MaskingPlan.compile(
            RulesLoader.parse("benchmark-rules.yaml", BenchData.RULES),
            MaskingKey.of(Benchmarks.KEY));
    Map<String, DocumentMasker> maskers = new HashMap<>();
    List<Input> inputs = new ArrayList<>(docs);
    for (BenchData.Item item : BenchData.documents(docs, seed)) {
      DocumentMasker masker =
          maskers.computeIfAbsent(
              item.collection(),
              c -> new DocumentMasker(plan.collection(BenchData.DATABASE, c).orElseThrow().tree()));
      inputs.add(new Input(Codecs.encode(item.document()), masker));
    }
    long bytes = inputs.stream().mapToLong(i -> i.raw().getByteBuffer().remaining()).sum();
    err.printf(
        "masker-cpu: %,d documents (%,d bytes of BSON, %d bytes on average), one thread%n",
        docs, bytes, bytes / docs);

    long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    int warmups = 0;
    do {
      ours(inputs);
      codecOnly(inputs);
      warmups++;
    } while (System.nanoTime() < warmupEnd);
    err.printf("warmed up: %d passes of each variant%n", warmups);

    double[] oursRates = new double[iterations];
    double[] codecRates = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      oursRates[i] = rate(() -> ours(inputs), inputs.size());
      codecRates[i] = rate(() -> codecOnly(inputs), inputs.size());
      err.printf(
          "iteration %d: ours %,.0f docs/s, codec_only %,.0f docs/s%n",
          i + 1, oursRates[i], codecRates[i]);
    }
    double ours = median(oursRates);
    double codec = median(codecRates);
    err.printf(
        "median: ours %,.0f docs/s (%.2f µs/doc), codec_only %,.0f docs/s (%.2f µs/doc)%n",
        ours, 1e6 / ours, codec, 1e6 / codec);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("suite", "masker-cpu");
    result.put("ours_docs_per_s", Math.round(ours));
    result.put("codec_only_docs_per_s", Math.round(codec));
    result.put("docs", docs);
    result.put("ours_us_per_doc", Benchmarks.round2(1e6 / ours));
    result.put("codec_only_us_per_doc", Benchmarks.round2(1e6 / codec));
    out.println(Benchmarks.json(result));
    out.flush();
    return 0;
  }

  /** Keeps the JIT from dropping the work. */
  private static volatile long sink;

  private static void ours(List<Input> inputs) {
    long n = 0;
    for (Input in : inputs) {
      Document doc = Codecs.decode(in.raw());
      DocumentMasker.Result r = in.masker().mask(doc, FAIL_ON_UNDECLARED);
      n += Codecs.encode(Codecs.update(r)).getByteBuffer().remaining();
    }
    sink += n;
  }

  private static void codecOnly(List<Input> inputs) {
    long n = 0;
    for (Input in : inputs) {
      Document doc = Codecs.decode(in.raw());
      n += Codecs.encode(doc).getByteBuffer().remaining();
    }
    sink += n;
  }

  private static double rate(Runnable pass, int documents) {
    long t0 = System.nanoTime();
    pass.run();
    return documents / Benchmarks.seconds(t0, System.nanoTime());
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
}
