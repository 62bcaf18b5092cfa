package io.dbrestore.runtime.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every AWS call a test fake serves, one JSON line each, in {@code target/aws-calls/<name>.jsonl}:
 * the IAM action, the role that makes it (the rendered policy's name under
 * terraform/build/rendered/iam/), each resource the action is authorized on with the tags it
 * carries at that moment and the request's condition keys about it, and the tags in the request.
 * deploy-tests' IamSimulationIT evaluates each line against the rendered policies
 * (terraform/test/iam-check.mjs). Recording changes nothing a test asserts.
 */
public final class AwsCallLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Path> STARTED = ConcurrentHashMap.newKeySet();

  private final Path file;

  /**
   * The log {@code target/aws-calls/<name>.jsonl}, emptied when this JVM records its first call
   * there (not before: a later JVM of the same build that records nothing, such as a jar IT that
   * uses the fake without naming a role, must leave the tests' record alone).
   */
  public AwsCallLog(String name) {
    this.file = Path.of("target", "aws-calls", name + ".jsonl");
  }

  /**
   * One resource of a call: its ARN, its tags now (null: it does not exist yet), and the condition
   * keys of the request about it (ec2:Encrypted, ec2:KmsKeyId, ec2:Owner, … ; null: none).
   */
  public record Resource(String arn, Map<String, String> tags, Map<String, String> context) {
    public Resource(String arn, Map<String, String> tags) {
      this(arn, tags, null);
    }
  }

  public void record(
      String role, String action, List<Resource> resources, Map<String, String> requestTags) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("role", role);
    call.put("action", action);
    call.put("resources", resources);
    call.put("requestTags", requestTags);
    call.put("test", caller());
    String line;
    try {
      line = JSON.writeValueAsString(call) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    synchronized (AwsCallLog.class) {
      try {
        if (STARTED.add(file)) {
          Files.createDirectories(file.getParent());
          Files.deleteIfExists(file); // one JVM, one record: no calls of an earlier build
        }
        Files.writeString(
            file,
            line,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The test method that made the call (for the report). */
  private static String caller() {
    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
      if (e.getClassName().endsWith("Test") || e.getClassName().endsWith("IT")) {
        return e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1)
            + "."
            + e.getMethodName();
      }
    }
    return "";
  }
}
