package io.dbrestore.mongo.ec2;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.TestJobContext;
import io.dbrestore.runtime.aws.AwsClients;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.testing.AwsWireMock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InstanceOptionsTest {
  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  @AfterEach
  void forget() {
    Redactor.clearSecrets();
  }

  static InstanceOptions options(String uri, String secret) {
    InstanceOptions o = new InstanceOptions();
    o.instance = "i-0123456789abcdef0";
    o.device = "/dev/sdf";
    o.volumeType = "gp3";
    o.mongoUri = uri;
    o.mongoUriSecret = secret;
    return o;
  }

  void secret(String value) {
    aws.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
            .willReturn(
                okForContentType(
                    "application/x-amz-json-1.1",
                    "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:1:secret:mongo\",\"SecretString\":\""
                        + value
                        + "\"}")));
  }

  JobContext context() {
    return TestJobContext.builder()
        .aws(() -> new AwsClients(AwsClients.Settings.CONTROL_PLANE, false))
        .build();
  }

  @Test
  void neitherOrBothUriOptions_isInvalidInput() {
    assertThatThrownBy(() -> options(null, null).validate())
        .hasMessageContaining("exactly one of --mongo-uri <uri> and --mongo-uri-secret <arn>");
    assertThatThrownBy(() -> options("mongodb://h/", "arn:x").validate())
        .isInstanceOf(JobException.class);
  }

  @Test
  void uriFromTheSecret_isReadAndRedacted() {
    secret("mongodb://dbrestore:s3cr3t-pass@10.1.1.5:27017/?authSource=admin");

    String uri =
        options(null, "arn:aws:secretsmanager:eu-west-1:1:secret:mongo").mongoUri(context());

    assertThat(uri).isEqualTo("mongodb://dbrestore:s3cr3t-pass@10.1.1.5:27017/?authSource=admin");
    assertThat(Redactor.redact("connecting to " + uri)).doesNotContain("s3cr3t-pass");
  }

  @Test
  void aSecretThatIsNotAUri_isInvalidInput() {
    secret("not-a-uri");

    assertThatThrownBy(
            () ->
                options(null, "arn:aws:secretsmanager:eu-west-1:1:secret:mongo")
                    .mongoUri(context()))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("does not hold a mongodb://")
        .extracting(e -> ((JobException) e).exitCode())
        .isEqualTo(ExitCode.INVALID_INPUT);
  }
}
