package io.dbrestore.mongo.ec2.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every AWS call the fakes serve, one JSON line each, in {@code target/aws-calls/<file>.jsonl}: the
 * IAM action, the role that makes it (the rendered policy's name under
 * terraform/build/rendered/iam/), each resource the action is authorized on with the tags it
 * carries at that moment, and the tags in the request. deploy-tests' IamSimulationIT evaluates each
 * line against the rendered policies (terraform/test/iam-check.mjs). Recording changes nothing a
 * test asserts.
 */
public final class AwsCallLog {
  private static final Path FILE = Path.of("target", "aws-calls", "ec2.jsonl");

  static {
    try {
      Files.createDirectories(FILE.getParent());
      Files.deleteIfExists(FILE); // one JVM, one record: no calls of an earlier build
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AwsCallLog() {}

  /**
   * One resource of a call: its ARN, its tags now (null: it does not exist yet), and the condition
   * keys of the request about it (ec2:Encrypted, ec2:KmsKeyId, ec2:Owner, ec2:ParentVolume,
   * ec2:CreateAction, ec2:Add/userId, kms:ViaService).
   */
  record Resource(String arn, Map<String, String> tags, Map<String, String> context) {}

  static synchronized void record(
      String role, String action, List<Resource> resources, Map<String, String> requestTags) {
    String line =
        "{\"role\":"
            + str(role)
            + ",\"action\":"
            + str(action)
            + ",\"resources\":["
            + resources.stream()
                .map(
                    r ->
                        "{\"arn\":"
                            + str(r.arn())
                            + ",\"tags\":"
                            + map(r.tags())
                            + ",\"context\":"
                            + map(r.context())
                            + "}")
                .collect(Collectors.joining(","))
            + "],\"requestTags\":"
            + map(requestTags)
            + ",\"test\":"
            + str(caller())
            + "}\n";
    try {
      Files.writeString(
          FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  private static String map(Map<String, String> m) {
    if (m == null) {
      return "null";
    }
    return m.entrySet().stream()
        .map(e -> str(e.getKey()) + ":" + str(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String str(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
