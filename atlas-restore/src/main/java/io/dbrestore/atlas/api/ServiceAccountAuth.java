package io.dbrestore.atlas.api;

import io.dbrestore.runtime.log.Redactor;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * An Atlas service account: OAuth 2.0 client credentials exchanged at {@code POST /api/oauth/token}
 * for a bearer token. The token is cached and renewed before it expires (five minutes before, or
 * half its lifetime for short-lived tokens), and once more when Atlas answers 401 (a token revoked
 * early). Every token is registered with the {@link Redactor}.
 */
public final class ServiceAccountAuth implements AtlasAuth {
  /**
   * Fetches a token: the Basic credentials header value; returns {@code access_token}, {@code
   * expires_in}.
   */
  @FunctionalInterface
  public interface TokenEndpoint {
    Token fetch(String basicAuthorization);
  }

  /** An access token and its lifetime. */
  public record Token(String accessToken, Duration expiresIn) {}

  private static final Duration MAX_MARGIN = Duration.ofMinutes(5);

  private final String basic;
  private final Clock clock;
  private TokenEndpoint endpoint;
  private String token;
  private Instant renewAt;

  public ServiceAccountAuth(String clientId, String clientSecret, Clock clock) {
    this.basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    Redactor.registerSecret(basic.substring(6));
    this.clock = clock;
  }

  /** Set by the transport, which sends the token request with its own retries. */
  public void endpoint(TokenEndpoint value) {
    this.endpoint = value;
  }

  @Override
  public String kind() {
    return "service account";
  }

  @Override
  public synchronized String authorization(String method, String requestTarget) {
    Instant now = clock.instant();
    if (token == null || !now.isBefore(renewAt)) {
      Token t = endpoint.fetch(basic);
      Redactor.registerSecret(t.accessToken());
      Duration life = t.expiresIn();
      Duration margin =
          life.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? life.dividedBy(2) : MAX_MARGIN;
      token = t.accessToken();
      renewAt = now.plus(life).minus(margin);
    }
    return "Bearer " + token;
  }

  @Override
  public synchronized boolean retryAfterUnauthorized(HttpResponse<?> response) {
    boolean hadToken = token != null;
    token = null;
    return hadToken;
  }
}
