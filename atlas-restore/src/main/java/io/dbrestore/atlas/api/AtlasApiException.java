package io.dbrestore.atlas.api;

/**
 * The Atlas Admin API answered a request with an error: the HTTP status and, when Atlas sent its
 * error document, its {@code errorCode} and {@code detail}. The message is one line and never holds
 * credentials (requests are identified by method and path only).
 */
public class AtlasApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final String path;
  private final int status;
  private final String errorCode;
  private final String detail;

  public AtlasApiException(
      String method, String path, int status, String errorCode, String detail, Throwable cause) {
    super(describe(method, path, status, errorCode, detail), cause);
    this.method = method;
    this.path = path;
    this.status = status;
    this.errorCode = errorCode;
    this.detail = detail;
  }

  private static String describe(
      String method, String path, int status, String errorCode, String detail) {
    StringBuilder b = new StringBuilder("Atlas API ").append(method).append(' ').append(path);
    b.append(status > 0 ? " answered HTTP " + status : " could not be reached");
    if (errorCode != null && !errorCode.isBlank()) {
      b.append(' ').append(errorCode);
    }
    if (detail != null && !detail.isBlank()) {
      b.append(": ").append(oneLine(detail));
    }
    return b.toString();
  }

  static String oneLine(String s) {
    String line = s.replaceAll("[\\r\\n]+", " ").trim();
    return line.length() <= 300 ? line : line.substring(0, 299) + "…";
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The HTTP status; 0 when no answer came (connection errors). */
  public int status() {
    return status;
  }

  /** Atlas's {@code errorCode} (e.g. {@code CLUSTER_NOT_FOUND}); may be null. */
  public String errorCode() {
    return errorCode;
  }

  /** Atlas's {@code detail}; may be null. */
  public String detail() {
    return detail;
  }

  /** {@code "CLUSTER_NOT_FOUND: No cluster named x exists"} or the status alone. */
  public String reason() {
    String code = errorCode == null || errorCode.isBlank() ? "HTTP " + status : errorCode;
    return detail == null || detail.isBlank() ? code : code + ": " + oneLine(detail);
  }
}
