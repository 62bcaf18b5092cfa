package io.dbrestore.runtime.preflight;

import picocli.CommandLine.Option;

/** The options of every preflight: how to print, and whose permissions to evaluate. */
public class PreflightOptions {
  @Option(
      names = "--json",
      description = "Print the result as JSON even on a terminal (it is JSON anywhere else).")
  public boolean json;

  @Option(names = "--text", description = "Print the checklist even when stdout is no terminal.")
  public boolean text;

  @Option(
      names = "--role-arn",
      paramLabel = "<arn>",
      description =
          "Evaluate the permissions of this IAM role (e.g. the job's task role, when run with"
              + " your own credentials). Default: the role of the credentials in use.")
  public String roleArn;

  /** The checklist for a person, or JSON for a machine. */
  public boolean text() {
    if (json) {
      return false;
    }
    return text || System.console() != null;
  }
}
