package io.dbrestore.atlas.api;

import java.net.http.HttpResponse;

/**
 * How requests to the Atlas Admin API are authenticated: a service account (OAuth 2.0 bearer token)
 * or a programmatic API key (HTTP Digest).
 */
public interface AtlasAuth {
  /** The {@code Authorization} header for a request, or null to send it without one. */
  String authorization(String method, String requestTarget);

  /**
   * Atlas answered 401: learns from the answer (a fresh Digest challenge, an expired token) and
   * says whether the request is worth sending once more.
   */
  boolean retryAfterUnauthorized(HttpResponse<?> response);

  /** A word for messages: "service account" or "API key". */
  String kind();
}
