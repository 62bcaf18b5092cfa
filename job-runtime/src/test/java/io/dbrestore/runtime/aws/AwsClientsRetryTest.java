package io.dbrestore.runtime.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static io.dbrestore.runtime.testing.AwsStubs.callerIdentity;
import static io.dbrestore.runtime.testing.AwsStubs.queried;
import static io.dbrestore.runtime.testing.AwsStubs.query;
import static io.dbrestore.runtime.testing.AwsStubs.queryError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.dbrestore.runtime.testing.AwsWireMock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sts.model.StsException;

/** The factory's retry settings, exercised by the real SDK against WireMock. */
class AwsClientsRetryTest {
  @RegisterExtension static AwsWireMock aws = new AwsWireMock();

  /** Answers the first calls with throttling and 5xx, then succeeds. */
  private void burst(String... failures) {
    String state = Scenario.STARTED;
    for (int i = 0; i < failures.length; i++) {
      String next = "after-" + i;
      var response =
          switch (failures[i]) {
            case "throttle" -> queryError(400, "Throttling", "Rate exceeded");
            case "503" -> queryError(503, "ServiceUnavailable", "try again");
            default -> queryError(500, "InternalFailure", "oops");
          };
      aws.stubFor(
          query("GetCallerIdentity")
              .inScenario("burst")
              .whenScenarioStateIs(state)
              .willReturn(response)
              .willSetStateTo(next));
      state = next;
    }
    aws.stubFor(
        query("GetCallerIdentity")
            .inScenario("burst")
            .whenScenarioStateIs(state)
            .willReturn(callerIdentity("222233334444")));
  }

  @Test
  void controlPlaneCall_survivesABurstOfThrottlingAnd5xx() {
    burst("throttle", "503", "throttle", "500", "503");

    try (AwsClients clients = new AwsClients(AwsClients.Settings.CONTROL_PLANE, false)) {
      String account = clients.sts().getCallerIdentity().account();

      assertThat(account).isEqualTo("222233334444");
    }
    aws.verify(exactly(6), queried("GetCallerIdentity"));
  }

  @Test
  void retries_stopAtMaxAttempts() {
    aws.stubFor(
        query("GetCallerIdentity").willReturn(queryError(503, "ServiceUnavailable", "down")));
    var settings = new AwsClients.Settings(3, Duration.ofSeconds(30), Duration.ofSeconds(5));

    try (AwsClients clients = new AwsClients(settings, false)) {
      assertThatThrownBy(() -> clients.sts().getCallerIdentity())
          .isInstanceOf(StsException.class)
          .hasMessageContaining("Status Code: 503")
          .hasMessageContaining("SDK Attempt Count: 3");
    }
    aws.verify(exactly(3), queried("GetCallerIdentity"));
  }

  @Test
  void accessDenied_isNotRetried() {
    aws.stubFor(
        query("GetCallerIdentity").willReturn(queryError(403, "AccessDenied", "not allowed")));

    try (AwsClients clients = new AwsClients(AwsClients.Settings.CONTROL_PLANE, false)) {
      assertThatThrownBy(() -> clients.sts().getCallerIdentity()).isInstanceOf(StsException.class);
    }
    aws.verify(exactly(1), queried("GetCallerIdentity"));
  }

  @Test
  void attemptTimeout_cutsAHangingCallAndRetries() {
    aws.stubFor(
        query("GetCallerIdentity")
            .inScenario("slow")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(callerIdentity("222233334444").withFixedDelay(8_000))
            .willSetStateTo("fast"));
    aws.stubFor(
        query("GetCallerIdentity")
            .inScenario("slow")
            .whenScenarioStateIs("fast")
            .willReturn(callerIdentity("222233334444")));
    // Generous for a loaded machine: the hanging attempt takes 8 s, a normal one milliseconds.
    var settings = new AwsClients.Settings(3, Duration.ofSeconds(30), Duration.ofSeconds(2));

    long start = System.nanoTime();
    try (AwsClients clients = new AwsClients(settings, false)) {
      assertThat(clients.sts().getCallerIdentity().account()).isEqualTo("222233334444");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    aws.verify(moreThanOrExactly(2), queried("GetCallerIdentity"));
  }

  @Test
  void dryRunClients_stopCallsThatChangeState() {
    aws.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.ok()));

    try (AwsClients clients = new AwsClients(AwsClients.Settings.CONTROL_PLANE, true)) {
      assertThatThrownBy(
              () ->
                  clients
                      .client(Ec2Client.class, Ec2Client::builder)
                      .deleteVolume(r -> r.volumeId("vol-1")))
          .hasMessageContaining("dry run stopped a call that changes state (Ec2:DeleteVolume)");
    }
    aws.verify(exactly(0), queried("DeleteVolume"));
  }
}
