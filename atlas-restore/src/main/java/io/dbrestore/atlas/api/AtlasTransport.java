package io.dbrestore.atlas.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.lifecycle.Cancellation;
import io.dbrestore.runtime.wait.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport to the Atlas Admin API over {@link HttpClient}: authentication, the versioned media
 * type, retries and error documents.
 *
 * <ul>
 *   <li>429: waits for {@code Retry-After} (seconds or an HTTP date; the backoff when absent) and
 *       sends again, for any request: Atlas did not act on it.
 *   <li>5xx and connection errors: retried with capped exponential backoff, but only for requests
 *       that are safe to repeat (GET, DELETE). A POST that fails this way has an unknown outcome,
 *       so it is not repeated here: {@link AtlasUnavailableException} lets the caller look first.
 *   <li>Other 4xx: {@link AtlasApiException} with Atlas's {@code errorCode} and {@code detail}.
 * </ul>
 *
 * Waits between attempts wake up at once on cancellation (SIGTERM, a stopped execution, the job's
 * deadline). Nothing here logs a header or a body.
 */
public final class AtlasTransport {
  private static final Logger LOG = LoggerFactory.getLogger(AtlasTransport.class);
  static final ObjectMapper JSON = new ObjectMapper();

  /** Retry settings: attempts for 5xx/connection errors and for 429, and the backoff between. */
  public record Retry(int attempts, int throttledAttempts, Backoff backoff) {
    public static Retry standard(Duration firstDelay) {
      return new Retry(6, 20, Backoff.startingAt(firstDelay, Duration.ofSeconds(30), 2.0));
    }
  }

  /**
   * One request: method, path below the base URL (with query), body, media type, safe to repeat.
   */
  public record Request(
      String method, String path, String body, String mediaType, boolean idempotent) {
    public static Request get(String path, String mediaType) {
      return new Request("GET", path, null, mediaType, true);
    }

    public static Request post(String path, String body, String mediaType) {
      return new Request("POST", path, body, mediaType, false);
    }

    public static Request delete(String path, String mediaType) {
      return new Request("DELETE", path, null, mediaType, true);
    }
  }

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final HttpClient client;
  private final AtlasAuth auth;
  private final Retry retry;
  private final Cancellation cancellation;
  private final String userAgent;

  public AtlasTransport(
      URI base, AtlasAuth auth, Retry retry, Cancellation cancellation, String userAgent) {
    this.base = base;
    this.auth = auth;
    this.retry = retry;
    this.cancellation = cancellation;
    this.userAgent = userAgent;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    if (auth instanceof ServiceAccountAuth sa) {
      sa.endpoint(this::token);
    }
  }

  public URI base() {
    return base;
  }

  /** Sends with retries; returns the parsed JSON body (an empty object for an empty body). */
  public JsonNode send(Request request) {
    return parse(retrying(request, () -> exchange(request, REQUEST_TIMEOUT)).body());
  }

  /** One HTTP exchange, which {@link #retrying} may repeat. */
  @FunctionalInterface
  private interface Exchange {
    HttpResponse<String> send() throws IOException;
  }

  /**
   * The retry policy of every Atlas call: a 429 waits for its Retry-After (or backs off) and does
   * not count as an attempt; 5xx answers and connection errors back off and try again when the
   * request is idempotent; anything else that is not 2xx is an {@link AtlasApiException}.
   */
  private HttpResponse<String> retrying(Request request, Exchange exchange) {
    Duration delay = null;
    int attempt = 0;
    int throttled = 0;
    while (true) {
      cancellation.throwIfCancelled();
      attempt++;
      HttpResponse<String> response;
      try {
        response = exchange.send();
      } catch (IOException e) {
        if (!request.idempotent() || attempt >= retry.attempts()) {
          throw new AtlasUnavailableException(
              request.method(), request.path(), 0, e.toString(), attempt, e);
        }
        delay = retry.backoff().next(delay);
        LOG.info(
            "Atlas API {} {} failed ({}); attempt {} of {} in {}",
            request.method(),
            request.path(),
            e.getClass().getSimpleName(),
            attempt + 1,
            retry.attempts(),
            human(delay));
        cancellation.sleep(delay);
        continue;
      }
      int status = response.statusCode();
      if (status / 100 == 2) {
        return response;
      }
      if (status == 429) {
        throttled++;
        attempt--;
        if (throttled >= retry.throttledAttempts()) {
          throw error(request, response);
        }
        Duration wait = retryAfter(response);
        if (wait == null) {
          delay = retry.backoff().next(delay);
          wait = delay;
        }
        LOG.info(
            "Atlas API {} {} rate-limited (429); sending again in {}",
            request.method(),
            request.path(),
            human(wait));
        cancellation.sleep(wait);
        continue;
      }
      if (status >= 500) {
        if (!request.idempotent() || attempt >= retry.attempts()) {
          AtlasApiException e = error(request, response);
          throw new AtlasUnavailableException(
              request.method(), request.path(), status, e.reason(), attempt, null);
        }
        delay = retry.backoff().next(delay);
        LOG.info(
            "Atlas API {} {} answered {}; attempt {} of {} in {}",
            request.method(),
            request.path(),
            status,
            attempt + 1,
            retry.attempts(),
            human(delay));
        cancellation.sleep(delay);
        continue;
      }
      throw error(request, response);
    }
  }

  /**
   * One attempt, no retries and no cancellation check, bounded by {@code timeout}: for the cleanup
   * a cancelled run does in its grace period. The cleanup runs it shielded from the cancellation's
   * late interrupt ({@code context.cleanup(…).run}, {@link Cancellation#shielded}).
   */
  public JsonNode sendOnce(Request request, Duration timeout) {
    try {
      HttpResponse<String> response = exchange(request, timeout);
      if (response.statusCode() / 100 == 2) {
        return parse(response.body());
      }
      throw error(request, response);
    } catch (IOException e) {
      throw new AtlasUnavailableException(request.method(), request.path(), 0, e.toString(), 1, e);
    }
  }

  /** Sends, answering one 401 with fresh credentials. */
  private HttpResponse<String> exchange(Request request, Duration timeout) throws IOException {
    HttpResponse<String> response = sendRaw(request, timeout);
    if (response.statusCode() == 401 && auth.retryAfterUnauthorized(response)) {
      response = sendRaw(request, timeout);
    }
    return response;
  }

  private HttpResponse<String> sendRaw(Request request, Duration timeout) throws IOException {
    URI uri = base.resolve(request.path());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", request.mediaType())
            .header("User-Agent", userAgent);
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String authorization = auth.authorization(request.method(), target);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (request.body() != null) {
      b.header("Content-Type", request.mediaType());
      b.method(request.method(), HttpRequest.BodyPublishers.ofString(request.body()));
    } else {
      b.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response =
        transmit(
            b.build(), "interrupted during Atlas API " + request.method() + " " + request.path());
    LOG.debug("Atlas API {} {} -> {}", request.method(), request.path(), response.statusCode());
    return response;
  }

  /** Sends; an interrupt (cancellation) ends the wait for the answer. */
  private HttpResponse<String> transmit(HttpRequest request, String whenInterrupted)
      throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancellation.throwIfCancelled();
      throw JobException.cancelled(whenInterrupted);
    }
  }

  /** The service account's token request: Basic credentials, form body, same retries. */
  private ServiceAccountAuth.Token token(String basicAuthorization) {
    String path = "/api/oauth/token";
    // A token request changes nothing: safe to send again.
    Request descriptor = new Request("POST", path, null, "application/json", true);
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", basicAuthorization)
            .header("User-Agent", userAgent)
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
            .build();
    HttpResponse<String> response =
        retrying(
            descriptor, () -> transmit(request, "interrupted while getting an Atlas access token"));
    JsonNode body = parse(response.body());
    String accessToken = body.path("access_token").asText(null);
    long expiresIn = body.path("expires_in").asLong(3600);
    if (accessToken == null || accessToken.isBlank()) {
      throw new AtlasApiException(
          "POST", path, response.statusCode(), null, "the token answer has no access_token", null);
    }
    LOG.debug("got an Atlas access token valid for {}s", expiresIn);
    return new ServiceAccountAuth.Token(accessToken, Duration.ofSeconds(expiresIn));
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("Atlas answered with a body that is not JSON", e);
    }
  }

  /** Atlas's error document ({@code errorCode}, {@code detail}) or OAuth's ({@code error}). */
  static AtlasApiException error(Request request, HttpResponse<String> response) {
    String code = null;
    String detail = null;
    try {
      JsonNode body = JSON.readTree(response.body() == null ? "" : response.body());
      if (body != null && body.isObject()) {
        code = text(body, "errorCode");
        detail = text(body, "detail");
        if (code == null && body.path("error").isTextual()) {
          code = body.path("error").asText();
          detail = text(body, "error_description");
        }
        if (detail == null) {
          detail = text(body, "reason");
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not an error document (a proxy's HTML page): the status alone tells the story.
    }
    return new AtlasApiException(
        request.method(), request.path(), response.statusCode(), code, detail, null);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse(null);
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return Duration.ofSeconds(Math.max(0, seconds));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(Instant.now(), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  private static String human(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + "ms" : d.toSeconds() + "s";
  }
}
