package io.dbrestore.demo;

import io.dbrestore.masking.cli.rules.RulesCommand;
import io.dbrestore.masking.cli.rules.RulesHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs {@code rules …} as the operator does, capturing stdout and stderr. */
final class TestHost implements RulesHost {
  private final Map<String, String> env;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final PrintWriter outWriter = new PrintWriter(out, true);
  private final PrintWriter errWriter = new PrintWriter(err, true);
  int exitCode;

  private TestHost(Map<String, String> env) {
    this.env = env;
  }

  static TestHost run(Map<String, String> env, String... args) {
    TestHost host = new TestHost(env);
    host.exitCode = RulesCommand.runStandalone(host, args);
    return host;
  }

  String stdout() {
    return out.toString();
  }

  String stderr() {
    return err.toString();
  }

  @Override
  public Map<String, String> env() {
    return env;
  }

  @Override
  public PrintWriter out() {
    return outWriter;
  }

  @Override
  public PrintWriter err() {
    return errWriter;
  }

  @Override
  public boolean json() {
    return false;
  }

  @Override
  public String secret(String arn) {
    throw new UnsupportedOperationException("no secrets in tests");
  }

  @Override
  public Map<String, String> secretJson(String arn) {
    throw new UnsupportedOperationException("no secrets in tests");
  }
}
