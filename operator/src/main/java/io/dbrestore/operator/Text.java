package io.dbrestore.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the operator CLI writes things for people. */
final class Text {
  private static final int MAX_LINE = 300;

  private Text() {}

  /** The first non-blank line of a message (a cause may be a stack trace or a JSON blob). */
  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    for (String line : s.split("\\R")) {
      if (!line.isBlank()) {
        String t = line.trim();
        return t.length() > MAX_LINE ? t.substring(0, MAX_LINE) + "..." : t;
      }
    }
    return "";
  }

  /** A JSON text as a tree; a missing node when it is not JSON (a plain log line, no output). */
  static JsonNode json(String s) {
    if (s == null || s.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = Session.JSON.readTree(s);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** {@code 45s}, {@code 12m05s}, {@code 1h02m}, {@code 2d03h}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
  }

  static String time(Instant t, ZoneId zone, String pattern) {
    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(zone).format(t);
  }

  /** The region of an ARN ({@code arn:aws:states:eu-west-1:...}), or null. */
  static String region(String arn) {
    String[] parts = arn.split(":", -1);
    return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
  }

  /** The Step Functions console page of an execution. */
  static String consoleLink(String executionArn) {
    String region = region(executionArn);
    return "https://"
        + region
        + ".console.aws.amazon.com/states/home?region="
        + region
        + "#/v2/executions/details/"
        + executionArn;
  }

  /** {@code auroraSnapshot} → {@code aurora-snapshot}. */
  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** The edit distance of two strings, ignoring case: for "did you mean". */
  static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    int[] prev = new int[y.length() + 1];
    int[] cur = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[y.length()];
  }
}
