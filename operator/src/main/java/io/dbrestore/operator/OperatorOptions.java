package io.dbrestore.operator;

import picocli.CommandLine.Option;

/** The options every operator command shares. */
public class OperatorOptions {
  @Option(
      names = "--region",
      paramLabel = "<region>",
      description = "The AWS region of the pipelines. Default: the SDK's (AWS_REGION, profile).")
  public String region;

  @Option(
      names = "--prefix",
      paramLabel = "<prefix>",
      defaultValue = "dbrestore-",
      description =
          "The state machines' name prefix: pipeline 'release' is <prefix>release."
              + " Default: dbrestore-.")
  public String prefix;

  @Option(names = "--json", description = "Machine-readable JSON on stdout instead of lines.")
  public boolean json;

  @Option(
      names = {"-v", "--verbose"},
      description = "Debug logs, and the stack trace with an error message.")
  public boolean verbose;
}
