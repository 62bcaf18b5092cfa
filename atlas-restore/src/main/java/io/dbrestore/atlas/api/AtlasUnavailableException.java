package io.dbrestore.atlas.api;

/**
 * Atlas did not answer usefully: connection errors or 5xx after the retries allowed for the request
 * (none for requests that create something: their outcome is unknown and the caller must look
 * before trying again).
 */
public final class AtlasUnavailableException extends AtlasApiException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  public AtlasUnavailableException(
      String method, String path, int status, String detail, int attempts, Throwable cause) {
    super(method, path, status, null, detail, cause);
    this.attempts = attempts;
  }

  public int attempts() {
    return attempts;
  }
}
