package io.dbrestore.atlas.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.log.Redactor;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The service account's OAuth flow over HTTP: token, reuse, renewal before expiry, after 401. */
class ServiceAccountAuthTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(WireMockConfiguration.options().dynamicPort())
          .build();

  private final MutableClock clock = new MutableClock();
  private AtlasTransport http;

  @BeforeEach
  void setUp() {
    for (int i = 1; i <= 3; i++) {
      wm.stubFor(
          post(urlEqualTo("/api/oauth/token"))
              .inScenario("tokens")
              .whenScenarioStateIs(i == 1 ? Scenario.STARTED : "t" + i)
              .willReturn(
                  okJson(
                      "{\"access_token\":\"tok-"
                          + i
                          + "\",\"token_type\":\"Bearer\",\"expires_in\":600}"))
              .willSetStateTo("t" + (i + 1)));
      wm.stubFor(
          get(urlEqualTo("/api/atlas/v2/x"))
              .withHeader("Authorization", equalTo("Bearer tok-" + i))
              .willReturn(okJson("{\"n\":" + i + "}")));
    }
    ServiceAccountAuth auth = new ServiceAccountAuth("client-id", "client-secret-1", clock);
    http =
        new AtlasTransport(
            URI.create(wm.baseUrl()),
            auth,
            AtlasTransport.Retry.standard(Duration.ofMillis(10)),
            new Cancellation(),
            "test");
  }

  @AfterEach
  void tearDown() {
    Redactor.clearSecrets();
  }

  private int getX() {
    return http.send(AtlasTransport.Request.get("/api/atlas/v2/x", "application/json"))
        .path("n")
        .asInt();
  }

  @Test
  void token_isReusedUntilFiveMinutesBeforeItExpires_thenRenewed() {
    assertThat(getX()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(299));
    assertThat(getX()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(getX()).isEqualTo(2);

    wm.verify(
        exactly(2),
        postRequestedFor(urlEqualTo("/api/oauth/token"))
            .withHeader("Authorization", equalTo("Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQtMQ==")));
    assertThat(Redactor.redact("token tok-1 and tok-2")).isEqualTo("token *** and ***");
  }

  @Test
  void tokenRejectedEarly_isRenewedOnceAndTheRequestSentAgain() {
    wm.stubFor(
        get(urlEqualTo("/api/atlas/v2/x"))
            .withHeader("Authorization", equalTo("Bearer tok-1"))
            .willReturn(aResponse().withStatus(401)));

    assertThat(getX()).isEqualTo(2);
    wm.verify(exactly(2), getRequestedFor(urlEqualTo("/api/atlas/v2/x")));
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-03-02T02:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
