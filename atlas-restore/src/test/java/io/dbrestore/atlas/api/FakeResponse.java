package io.dbrestore.atlas.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A 401 answer carrying one {@code WWW-Authenticate} header. */
record FakeResponse(String challenge) implements HttpResponse<String> {
  @Override
  public int statusCode() {
    return 401;
  }

  @Override
  public HttpRequest request() {
    return HttpRequest.newBuilder(URI.create("http://localhost/")).build();
  }

  @Override
  public Optional<HttpResponse<String>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return HttpHeaders.of(Map.of("WWW-Authenticate", List.of(challenge)), (a, b) -> true);
  }

  @Override
  public String body() {
    return "";
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return Optional.empty();
  }

  @Override
  public URI uri() {
    return URI.create("http://localhost/");
  }

  @Override
  public HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }
}
