package io.dbrestore.masking.cli.rules;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What a {@code rules} command needs from whoever runs it: a job's runtime ({@link
 * io.dbrestore.runtime.JobContext}) or the operator's command line. The commands are {@link
 * io.dbrestore.runtime.JobCommand}s, so that a job image can run them with the runtime around them;
 * the operator, which has no job runtime, runs them through {@link Standalone}.
 */
public interface RulesHost {
  Map<String, String> env();

  /** Where the patch (or the JSON result) goes. */
  PrintWriter out();

  /** Where the summary goes; null inside a job (the summary is logged). */
  PrintWriter err();

  /** Whether the result is printed as JSON (always inside a job). */
  boolean json();

  /** A Secrets Manager secret's string, registered with the redactor. */
  String secret(String arn);

  /** A JSON secret's string fields, secret ones registered with the redactor. */
  Map<String, String> secretJson(String arn);

  /** S3, for {@code --rules s3://…}; null where there is none. */
  default software.amazon.awssdk.services.s3.S3Client s3() {
    return null;
  }

  /** A command that also runs outside a job's runtime (the operator's command line). */
  interface Standalone {
    /** Runs the command; returns the exit code; throws JobException for failures. */
    int run(RulesHost host) throws Exception;
  }
}
