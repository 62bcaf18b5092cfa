package io.dbrestore.atlas;

import io.dbrestore.atlas.api.AtlasAuth;
import io.dbrestore.atlas.api.DigestAuth;
import io.dbrestore.atlas.api.ServiceAccountAuth;
import io.dbrestore.runtime.error.JobException;
import java.time.Clock;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads which kind of Atlas credentials a Secrets Manager secret holds, by its fields:
 *
 * <ul>
 *   <li>a service account: {@code {"clientId": "mdb_sa_id_…", "clientSecret": "mdb_sa_sk_…"}}
 *       (OAuth 2.0 client credentials, the method Atlas recommends);
 *   <li>a programmatic API key: {@code {"publicKey": "…", "privateKey": "…"}} (HTTP Digest).
 * </ul>
 *
 * Anything else is invalid input (exit 2); the message names the fields found, never a value.
 */
final class AtlasCredentials {
  private AtlasCredentials() {}

  static AtlasAuth from(Map<String, String> secret, String secretId, Clock clock) {
    boolean serviceAccount = present(secret, "clientId") && present(secret, "clientSecret");
    boolean apiKey = present(secret, "publicKey") && present(secret, "privateKey");
    if (serviceAccount && apiKey) {
      throw JobException.invalidInput(
          "secret "
              + secretId
              + " holds both a service account (clientId, clientSecret) and an API key (publicKey,"
              + " privateKey); keep only the one atlas-restore should use");
    }
    if (serviceAccount) {
      return new ServiceAccountAuth(secret.get("clientId"), secret.get("clientSecret"), clock);
    }
    if (apiKey) {
      return new DigestAuth(secret.get("publicKey"), secret.get("privateKey"));
    }
    throw JobException.invalidInput(
        "secret "
            + secretId
            + " holds neither an Atlas service account {\"clientId\", \"clientSecret\"} nor an API"
            + " key {\"publicKey\", \"privateKey\"} (its fields: "
            + String.join(", ", new TreeSet<>(secret.keySet()))
            + "); store one of the two as a JSON object");
  }

  private static boolean present(Map<String, String> secret, String field) {
    String v = secret.get(field);
    return v != null && !v.isBlank();
  }
}
