package io.dbrestore.runtime.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import io.dbrestore.runtime.testing.AwsWireMock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Secrets Manager through the real SDK, WireMock standing in for the service. */
class SecretsTest {
  private static final String ARN =
      "arn:aws:secretsmanager:eu-west-1:222233334444:secret:rds!cluster-abc";

  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  private AwsClients clients;

  @BeforeEach
  void setUp() {
    clients = new AwsClients(AwsClients.Settings.CONTROL_PLANE, false);
  }

  @AfterEach
  void tearDown() {
    clients.close();
    Redactor.clearSecrets();
  }

  private void answer(int status, String body) {
    aws.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
            .willReturn(
                WireMock.aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(body)));
  }

  @Test
  void json_readsTheRdsManagedSecretAndRegistersThePasswordOnly() {
    answer(
        200,
        "{\"ARN\":\""
            + ARN
            + "\",\"Name\":\"rds!cluster-abc\",\"SecretString\":"
            + "\"{\\\"username\\\":\\\"masteruser\\\",\\\"password\\\":\\\"Xy7-pw-from-rds\\\"}\"}");

    Map<String, String> secret = new Secrets(clients.secretsManager()).json(ARN);

    assertThat(secret)
        .containsEntry("username", "masteruser")
        .containsEntry("password", "Xy7-pw-from-rds");
    assertThat(Redactor.redact("connecting as masteruser with Xy7-pw-from-rds"))
        .isEqualTo("connecting as masteruser with ***");
  }

  @Test
  void missingSecret_isInvalidInputNamingIt() {
    answer(
        400,
        "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the"
            + " specified secret.\"}");

    assertThatThrownBy(() -> new Secrets(clients.secretsManager()).string(ARN))
        .isInstanceOfSatisfying(
            JobException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageContaining("secret " + ARN + " does not exist");
  }

  @Test
  void notJson_isInvalidInput() {
    answer(200, "{\"ARN\":\"" + ARN + "\",\"SecretString\":\"just-a-string\"}");

    assertThatThrownBy(() -> new Secrets(clients.secretsManager()).json(ARN))
        .hasMessageContaining("is not JSON");
  }
}
