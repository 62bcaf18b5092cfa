package io.dbrestore.operator;

import io.dbrestore.masking.cli.rules.RulesHost;
import java.io.PrintWriter;
import java.util.Map;

/** {@code ./dbrestore rules …}: the patch on stdout, the summary on stderr, the operator's AWS. */
final class OperatorRulesHost implements RulesHost {
  private final Session session;

  OperatorRulesHost(Session session) {
    this.session = session;
  }

  @Override
  public Map<String, String> env() {
    return session.env;
  }

  @Override
  public PrintWriter out() {
    return session.out;
  }

  @Override
  public PrintWriter err() {
    return session.err;
  }

  @Override
  public boolean json() {
    return false;
  }

  @Override
  public String secret(String arn) {
    return session.secrets(arn).string(arn);
  }

  @Override
  public Map<String, String> secretJson(String arn) {
    return session.secrets(arn).json(arn);
  }

  @Override
  public software.amazon.awssdk.services.s3.S3Client s3() {
    return session.s3();
  }
}
