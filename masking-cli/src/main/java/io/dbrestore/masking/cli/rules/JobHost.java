package io.dbrestore.masking.cli.rules;

import io.dbrestore.runtime.JobContext;
import java.io.PrintWriter;
import java.util.Map;

/**
 * A rules command inside a job: JSON on stdout, the summary logged, secrets through the runtime.
 */
final class JobHost implements RulesHost {
  private final JobContext context;

  JobHost(JobContext context) {
    this.context = context;
  }

  @Override
  public Map<String, String> env() {
    return context.env();
  }

  @Override
  public PrintWriter out() {
    return context.out();
  }

  @Override
  public PrintWriter err() {
    return null;
  }

  @Override
  public boolean json() {
    return true;
  }

  @Override
  public String secret(String arn) {
    return context.secrets().string(arn);
  }

  @Override
  public Map<String, String> secretJson(String arn) {
    return context.secrets().json(arn);
  }

  @Override
  public software.amazon.awssdk.services.s3.S3Client s3() {
    return context
        .aws()
        .client(
            software.amazon.awssdk.services.s3.S3Client.class,
            io.dbrestore.masking.cli.RulesLocation::s3Builder);
  }
}
