package io.dbrestore.atlas;

import com.github.tomakehurst.wiremock.http.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Digest {@code Authorization} header the way the server does (RFC 2617, MD5, qop=auth),
 * written apart from the production code so that a shared mistake cannot pass.
 */
final class DigestCheck {
  private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))");

  private DigestCheck() {}

  static boolean valid(Request request, String user, String password) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.startsWith("Digest ")) {
      return false;
    }
    Map<String, String> p = new HashMap<>();
    Matcher m = PARAM.matcher(header.substring(7));
    while (m.find()) {
      p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    if (!user.equals(p.get("username"))
        || !FakeAtlas.REALM.equals(p.get("realm"))
        || !FakeAtlas.NONCE.equals(p.get("nonce"))
        || !request.getUrl().equals(p.get("uri"))
        || !"auth".equals(p.get("qop"))
        || p.get("nc") == null
        || p.get("cnonce") == null) {
      return false;
    }
    String ha1 = md5(user + ":" + FakeAtlas.REALM + ":" + password);
    String ha2 = md5(request.getMethod().getName() + ":" + p.get("uri"));
    String expected =
        md5(
            ha1
                + ":"
                + p.get("nonce")
                + ":"
                + p.get("nc")
                + ":"
                + p.get("cnonce")
                + ":auth:"
                + ha2);
    return expected.equals(p.get("response"));
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
