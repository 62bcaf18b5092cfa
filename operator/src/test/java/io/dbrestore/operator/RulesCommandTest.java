package io.dbrestore.operator;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.dbrestore.operator.Fakes.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbrestore.runtime.testing.AwsWireMock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./dbrestore rules check|diff} through the operator's entry point. */
class RulesCommandTest {
  @RegisterExtension static AwsWireMock aws = new AwsWireMock();
  @TempDir Path dir;

  private Path rules(String text) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, text);
    return file;
  }

  private static final String GOOD =
      "version: 1\n"
          + "databases:\n"
          + "  app:\n"
          + "    tables:\n"
          + "      users:\n"
          + "        fields:\n"
          + "          id: keep\n"
          + "          email: email\n"
          + "      audit: keep\n";

  @Test
  void check_aValidFile_oneLineWithTheCounts() throws Exception {
    Fakes.Result r = Fakes.run("rules", "check", rules(GOOD).toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("rules.yaml: OK (1 database, 2 collections, 2 field rules)\n");
  }

  @Test
  void check_aBadFile_exit2_withTheFileAndLine() throws Exception {
    Fakes.Result r =
        Fakes.run(
            "rules",
            "check",
            rules(GOOD.replace("email: email", "email: {strategy: phone, keep-prefx: 2}"))
                .toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("dbrestore rules check: ")
        .containsPattern("rules.yaml:8: .*unknown option 'keep-prefx'");
  }

  @Test
  void help_showsTheRulesCommands_notTheJobRuntimesOptions() {
    Fakes.Result top = Fakes.run("--help");
    assertThat(top.out()).contains("rules");

    Fakes.Result diff = Fakes.run("rules", "diff", "--help");
    assertThat(diff.exitCode()).isZero();
    assertThat(diff.out())
        .contains("--rules", "--jdbc-url", "--uri", "--schema-only", "--apply", "--sample")
        .doesNotContain("--target-allowlist", "--dry-run", "--protected-account", "--timeout");
  }

  @Test
  void diff_withoutADatabase_exit2() throws Exception {
    Fakes.Result r = Fakes.run("rules", "diff", "--rules", rules(GOOD).toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("dbrestore rules diff: choose one database");
  }

  @Test
  void diff_credentialsFromAnRdsSecret_unreachable_exit2_neverThePassword() throws Exception {
    aws.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
            .willReturn(
                json(
                    "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds\","
                        + "\"Name\":\"rds\",\"SecretString\":\"{\\\"username\\\":\\\"app\\\","
                        + "\\\"password\\\":\\\"s3cr3t-Pa55word-xyz\\\","
                        + "\\\"engine\\\":\\\"postgres\\\",\\\"host\\\":\\\"127.0.0.1\\\","
                        + "\\\"port\\\":1,\\\"dbname\\\":\\\"app\\\"}\"}")));

    Fakes.Result r =
        Fakes.run(
            "rules",
            "diff",
            "--rules",
            rules(GOOD).toString(),
            "--credentials-secret",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds",
            "-v");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("dbrestore rules diff: cannot connect to jdbc:postgresql://127.0.0.1:1/app")
        .doesNotContain("s3cr3t-Pa55word-xyz");
    assertThat(r.out()).doesNotContain("s3cr3t-Pa55word-xyz");
  }
}
