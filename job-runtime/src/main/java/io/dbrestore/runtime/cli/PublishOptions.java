package io.dbrestore.runtime.cli;

import io.dbrestore.runtime.error.JobException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What the production jobs do with the masked snapshot they made: share it with the development
 * accounts, and keep only the newest few.
 */
public class PublishOptions {
  @Option(
      names = "--share-with",
      paramLabel = "<account>",
      split = ",",
      description =
          "A development account to share the masked snapshot with. Repeat, or separate with"
              + " commas.")
  public List<String> shareWith = new ArrayList<>();

  @Option(
      names = "--retention",
      paramLabel = "<n>",
      defaultValue = "7",
      description =
          "How many masked snapshots of this source to keep; older ones (only dbrestore's) are"
              + " deleted. Default: 7.")
  public int retention;

  /** Exit 2 for anything wrong, before anything is touched. */
  public void validate() {
    for (String account : shareWith) {
      AccountIds.check("--share-with", account);
    }
    if (retention < 1) {
      throw JobException.invalidInput("--retention must be at least 1, got " + retention);
    }
  }
}
