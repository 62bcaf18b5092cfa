package io.dbrestore.atlas.api;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP Digest authentication (RFC 7616, and RFC 2617's MD5 with {@code qop=auth}) with an Atlas
 * programmatic API key: the public key is the user name, the private key the password.
 *
 * <p>The first request goes without credentials and gets the challenge; later requests reuse its
 * nonce with an increasing nonce count, so a run costs one extra round trip, not one per request.
 * When Atlas rejects a nonce (expired, {@code stale=true}), the new challenge replaces it.
 */
public final class DigestAuth implements AtlasAuth {
  private static final Pattern PARAM =
      Pattern.compile("(\\w+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,]+))");

  private final String username;
  private final String password;
  private final Supplier<String> cnonces;
  private Challenge challenge;
  private int nonceCount;

  public DigestAuth(String username, String password) {
    this(username, password, DigestAuth::randomCnonce);
  }

  DigestAuth(String username, String password, Supplier<String> cnonces) {
    this.username = username;
    this.password = password;
    this.cnonces = cnonces;
  }

  /** A parsed {@code WWW-Authenticate: Digest …} challenge. */
  record Challenge(String realm, String nonce, String opaque, String algorithm, boolean qopAuth) {}

  @Override
  public String kind() {
    return "API key";
  }

  @Override
  public synchronized String authorization(String method, String requestTarget) {
    if (challenge == null) {
      return null;
    }
    nonceCount++;
    return header(challenge, method, requestTarget, nonceCount, cnonces.get());
  }

  @Override
  public synchronized boolean retryAfterUnauthorized(HttpResponse<?> response) {
    Challenge fresh = null;
    for (String value : response.headers().allValues("WWW-Authenticate")) {
      fresh = parse(value);
      if (fresh != null) {
        break;
      }
    }
    if (fresh == null) {
      return false;
    }
    boolean sameNonce = challenge != null && challenge.nonce().equals(fresh.nonce());
    challenge = fresh;
    nonceCount = 0;
    // The same nonce again means Atlas rejected our answer to it: the key is wrong.
    return !sameNonce;
  }

  /** Parses a Digest challenge; null for other schemes. */
  static Challenge parse(String header) {
    String h = header.trim();
    if (!h.regionMatches(true, 0, "Digest ", 0, 7)) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(h.substring(7));
    while (m.find()) {
      String v = m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3);
      params.put(m.group(1).toLowerCase(Locale.ROOT), v);
    }
    String nonce = params.get("nonce");
    if (nonce == null) {
      return null;
    }
    String qop = params.get("qop");
    boolean auth = false;
    if (qop != null) {
      for (String q : qop.split(",")) {
        if (q.trim().equalsIgnoreCase("auth")) {
          auth = true;
        }
      }
      if (!auth) {
        throw new IllegalStateException(
            "Atlas asked for Digest qop=" + qop + "; only qop=auth is supported");
      }
    }
    String algorithm = params.getOrDefault("algorithm", "MD5");
    digest(algorithm); // fails early for an algorithm we cannot compute
    return new Challenge(params.get("realm"), nonce, params.get("opaque"), algorithm, auth);
  }

  String header(Challenge c, String method, String uri, int nc, String cnonce) {
    String ha1 = hash(c.algorithm(), username + ":" + c.realm() + ":" + password);
    String ha2 = hash(c.algorithm(), method + ":" + uri);
    String ncText = String.format("%08x", nc);
    String response =
        c.qopAuth()
            ? hash(
                c.algorithm(), ha1 + ":" + c.nonce() + ":" + ncText + ":" + cnonce + ":auth:" + ha2)
            : hash(c.algorithm(), ha1 + ":" + c.nonce() + ":" + ha2);
    StringBuilder b = new StringBuilder("Digest ");
    b.append("username=\"").append(quote(username)).append("\", ");
    b.append("realm=\"").append(quote(String.valueOf(c.realm()))).append("\", ");
    b.append("nonce=\"").append(quote(c.nonce())).append("\", ");
    b.append("uri=\"").append(quote(uri)).append("\", ");
    if (c.qopAuth()) {
      b.append("qop=auth, nc=").append(ncText).append(", cnonce=\"").append(cnonce).append("\", ");
    }
    b.append("response=\"").append(response).append("\", ");
    b.append("algorithm=").append(c.algorithm());
    if (c.opaque() != null) {
      b.append(", opaque=\"").append(quote(c.opaque())).append('"');
    }
    return b.toString();
  }

  private static String quote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static String hash(String algorithm, String text) {
    return HexFormat.of()
        .formatHex(digest(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest digest(String algorithm) {
    String a = algorithm.toUpperCase(Locale.ROOT);
    try {
      return switch (a) {
        case "MD5" -> MessageDigest.getInstance("MD5");
        case "SHA-256" -> MessageDigest.getInstance("SHA-256");
        default ->
            throw new IllegalStateException(
                "Atlas asked for Digest algorithm "
                    + algorithm
                    + "; MD5 and SHA-256 are supported");
      };
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomCnonce() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
