package io.dbrestore.runtime.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.log.Redactor;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DecryptionFailureException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Reads secrets from Secrets Manager. Every value read is registered with the {@link Redactor}
 * before it is returned, so it cannot reach a log line or an error report afterwards.
 */
public final class Secrets {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern SECRET_FIELD =
      java.util.regex.Pattern.compile("(?i)pass|secret|key|token|credential");

  private final SecretsManagerClient client;

  public Secrets(SecretsManagerClient client) {
    this.client = client;
  }

  /** The secret string as stored. */
  public String string(String secretId) {
    String value = fetch(secretId);
    Redactor.registerSecret(value);
    return value;
  }

  private String fetch(String secretId) {
    String value;
    try {
      value = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (ResourceNotFoundException e) {
      throw JobException.invalidInput(
          "secret " + secretId + " does not exist: check the ARN and the task role's region");
    } catch (DecryptionFailureException e) {
      throw JobException.invalidInput(
          "cannot decrypt secret " + secretId + ": grant the task role kms:Decrypt on its key");
    } catch (SecretsManagerException e) {
      if (e.statusCode() == 400 || e.statusCode() == 403) {
        throw JobException.invalidInput(
            "cannot read secret "
                + secretId
                + " ("
                + e.awsErrorDetails().errorCode()
                + "): grant the task role secretsmanager:GetSecretValue on it");
      }
      throw e;
    }
    if (value == null) {
      throw JobException.invalidInput(
          "secret " + secretId + " holds binary data; dbrestore expects a string or JSON");
    }
    return value;
  }

  /**
   * A JSON secret's string fields (the RDS managed master user secret has {@code username} and
   * {@code password}; the Atlas key has its public and private key). Values of fields whose name
   * says secret (password, key, secret, token) are registered; user names are not, so that they
   * stay readable in logs.
   */
  public Map<String, String> json(String secretId) {
    String raw = fetch(secretId);
    JsonNode node;
    try {
      node = JSON.readTree(raw);
    } catch (IOException e) {
      throw JobException.invalidInput("secret " + secretId + " is not JSON; expected an object");
    }
    if (node == null || !node.isObject()) {
      throw JobException.invalidInput("secret " + secretId + " is not a JSON object");
    }
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String v = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
      if (SECRET_FIELD.matcher(e.getKey()).find()) {
        Redactor.registerSecret(v);
      }
      fields.put(e.getKey(), v);
    }
    return fields;
  }
}
