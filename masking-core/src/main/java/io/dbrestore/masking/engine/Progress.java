package io.dbrestore.masking.engine;

/** Where an engine reports progress; the command renders it as a bar or as log lines. */
@FunctionalInterface
public interface Progress {
  /**
   * @param phase {@code mask} or {@code verify}
   * @param done documents processed so far in this phase
   * @param total documents to process in this phase
   */
  void update(String phase, long done, long total);

  Progress NONE = (phase, done, total) -> {};
}
