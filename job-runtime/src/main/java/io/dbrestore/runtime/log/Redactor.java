package io.dbrestore.runtime.log;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs secrets and personal data out of text before it reaches a log line, stderr, Sentry or a
 * Step Functions failure cause.
 *
 * <p>Two layers: every secret value the process reads (database passwords, API keys, the masking
 * key, the task token) is registered and replaced wherever it appears; and patterns catch what was
 * never registered: passwords inside connection strings, {@code password=…} pairs, e-mail
 * addresses, AWS access key ids. This is a safety net: code must still not log data values.
 */
public final class Redactor {
  public static final String MASK = "***";

  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static final int MIN_SECRET_LENGTH = 4;

  private static final Pattern URL_PASSWORD =
      Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@]*):([^@\\s/]+)@");
  private static final Pattern KEY_VALUE =
      Pattern.compile(
          "(?i)(?<!:)\\b(password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|secret[_-]?key"
              + "|access[_-]?key|client[_-]?secret|authorization)"
              + "(\"?\\s*[=:]\\s*\"?)([^\\s\"'&;,}]+)");
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final Pattern AWS_ACCESS_KEY = Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b");

  private Redactor() {}

  /** Registers a secret value so that it never appears in any output of this process. */
  public static void registerSecret(String value) {
    if (value != null && value.length() >= MIN_SECRET_LENGTH) {
      SECRETS.add(value);
    }
  }

  /** For tests: forget registered secrets. */
  public static void clearSecrets() {
    SECRETS.clear();
  }

  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    // Longest first, so a secret that contains another is replaced whole.
    List<String> secrets =
        SECRETS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    result = URL_PASSWORD.matcher(result).replaceAll("$1:" + Matcher.quoteReplacement(MASK) + "@");
    result = KEY_VALUE.matcher(result).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
    result = EMAIL.matcher(result).replaceAll("<email>");
    result = AWS_ACCESS_KEY.matcher(result).replaceAll("<aws-access-key-id>");
    return result;
  }
}
