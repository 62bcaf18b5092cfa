package io.dbrestore.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogEncoderTest {
  private static LoggingEvent event(String message, Throwable error, Map<String, String> mdc) {
    LoggerContext context = new LoggerContext();
    LoggingEvent e =
        new LoggingEvent(
            "x", context.getLogger("io.dbrestore.test"), Level.WARN, message, error, null);
    e.setMDCPropertyMap(mdc);
    return e;
  }

  @Test
  void json_isOneObjectPerLineWithContextFirstAndSecretsScrubbed() throws Exception {
    String line =
        LogEncoder.json(
            event(
                "connecting to postgresql://app:pw-123456@db:5432/x for a@b.example",
                new IllegalStateException("password=pw-123456"),
                Map.of(
                    "job", "aurora-restore",
                    "target", "develop",
                    "step", "mask",
                    "execution", "arn:aws:states:eu-west-1:1:execution:m:e")));

    assertThat(line).endsWith("\n").doesNotContain("pw-123456").doesNotContain("a@b.example");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("job").asText()).isEqualTo("aurora-restore");
    assertThat(json.get("target").asText()).isEqualTo("develop");
    assertThat(json.get("step").asText()).isEqualTo("mask");
    assertThat(json.get("execution").asText()).startsWith("arn:aws:states");
    assertThat(json.get("message").asText())
        .isEqualTo("connecting to postgresql://app:***@db:5432/x for <email>");
    assertThat(json.get("error").asText())
        .isEqualTo("java.lang.IllegalStateException: password=***");
    assertThat(json.get("stack").asText()).contains("LogEncoderTest");
  }

  @Test
  void text_isReadableWithTheStep() {
    String line = LogEncoder.text(event("restoring dev-app", null, Map.of("step", "restore")));

    assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d WARN  \\[restore\\] restoring dev-app\\n");
  }

  @Test
  void format_followsTheEnvironmentOverride() {
    assertThat(LogEncoder.detect(Map.of("DBRESTORE_LOG_FORMAT", "text")))
        .isEqualTo(LogEncoder.Format.TEXT);
    assertThat(LogEncoder.detect(Map.of("DBRESTORE_LOG_FORMAT", "json")))
        .isEqualTo(LogEncoder.Format.JSON);
  }
}
