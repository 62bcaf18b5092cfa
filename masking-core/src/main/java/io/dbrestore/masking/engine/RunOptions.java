package io.dbrestore.masking.engine;

import java.util.Objects;

/**
 * How a masking run works, whatever the engine. Each engine has its own defaults ({@code
 * MongoMasking.defaultOptions()}, {@code SqlMasking.defaultOptions()}).
 *
 * @param parallelism workers at once (1 to 256)
 * @param batchSize documents (rows) read and written per batch, each batch checkpointed
 * @param unitSize documents (rows) per work unit: a MongoDB chunk, an SQL key range; units of one
 *     large collection are masked in parallel
 * @param dryRun mask in memory only: find what a run would refuse, write nothing
 */
public record RunOptions(
    int parallelism, int batchSize, int unitSize, boolean dryRun, Progress progress) {
  public RunOptions {
    if (parallelism < 1 || parallelism > 256) {
      throw new IllegalArgumentException("parallelism must be 1..256, got " + parallelism);
    }
    if (batchSize < 1 || unitSize < 1) {
      throw new IllegalArgumentException("batch size and chunk size must be positive");
    }
    Objects.requireNonNull(progress);
  }

  public RunOptions withParallelism(int value) {
    return new RunOptions(value, batchSize, unitSize, dryRun, progress);
  }

  public RunOptions withBatchSize(int value) {
    return new RunOptions(parallelism, value, unitSize, dryRun, progress);
  }

  public RunOptions withUnitSize(int value) {
    return new RunOptions(parallelism, batchSize, value, dryRun, progress);
  }

  public RunOptions withDryRun(boolean value) {
    return new RunOptions(parallelism, batchSize, unitSize, value, progress);
  }

  public RunOptions withProgress(Progress value) {
    return new RunOptions(parallelism, batchSize, unitSize, dryRun, value);
  }
}
