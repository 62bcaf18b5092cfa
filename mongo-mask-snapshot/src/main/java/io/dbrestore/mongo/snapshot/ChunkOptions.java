package io.dbrestore.mongo.snapshot;

import io.dbrestore.masking.cli.MaskingOptions;
import io.dbrestore.masking.engine.RunOptions;
import io.dbrestore.masking.mongo.MongoMasking;
import org.slf4j.Logger;
import picocli.CommandLine.Option;

/** How the masking engine works through a MongoDB: the option 'mask' and 'run' share. */
public class ChunkOptions {
  @Option(
      names = "--chunk-documents",
      paramLabel = "<n>",
      defaultValue = "50000",
      description = "Split collections into chunks of about this many documents. Default: 50000.")
  int chunkDocuments;

  /**
   * The engine's options: {@code --parallelism} workers on chunks of {@code --chunk-documents},
   * progress logged to {@code log}.
   */
  RunOptions engine(MaskingOptions masking, Logger log) {
    return MongoMasking.defaultOptions()
        .withParallelism(masking.parallelism)
        .withUnitSize(chunkDocuments)
        .withProgress(MaskingOptions.progress(log));
  }
}
