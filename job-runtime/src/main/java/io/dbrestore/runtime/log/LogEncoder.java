package io.dbrestore.runtime.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One JSON object per line when stdout is not a terminal (CloudWatch Logs Insights queries the
 * fields), a readable line on a terminal. {@code DBRESTORE_LOG_FORMAT=json|text} overrides the
 * choice. Every message and stack trace goes through {@link Redactor}.
 */
public class LogEncoder extends EncoderBase<ILoggingEvent> {
  public enum Format {
    JSON,
    TEXT
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static volatile Format forced;

  private Format format;

  /** Forces a format for every encoder (the entry point applies the environment). */
  public static void force(Format value) {
    forced = value;
  }

  /** The format in force. */
  public static Format current() {
    Format f = forced;
    return f != null ? f : detect(System.getenv());
  }

  public static Format detect(Map<String, String> env) {
    String value = env.get("DBRESTORE_LOG_FORMAT");
    if (value != null && !value.isBlank()) {
      for (Format f : Format.values()) {
        if (f.name().equalsIgnoreCase(value.trim())) {
          return f;
        }
      }
      // An unknown value must not cost the logs: fall back to the automatic choice.
    }
    // System.console() is non-null only when stdin and stdout are both terminals.
    return System.console() != null ? Format.TEXT : Format.JSON;
  }

  @Override
  public void start() {
    format = detect(System.getenv());
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Format f = forced != null ? forced : format;
    return (f == Format.TEXT ? text(event) : json(event)).getBytes(StandardCharsets.UTF_8);
  }

  static String json(ILoggingEvent event) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(buffer)) {
      g.writeStartObject();
      g.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      g.writeStringField("level", event.getLevel().toString());
      Map<String, String> mdc = event.getMDCPropertyMap();
      for (String key : LogFields.ORDERED) {
        String value = mdc.get(key);
        if (value != null) {
          g.writeStringField(key, value);
        }
      }
      for (Map.Entry<String, String> e : mdc.entrySet()) {
        if (!LogFields.ORDERED.contains(e.getKey())) {
          g.writeStringField(e.getKey(), Redactor.redact(e.getValue()));
        }
      }
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("message", Redactor.redact(event.getFormattedMessage()));
      IThrowableProxy t = event.getThrowableProxy();
      if (t != null) {
        g.writeStringField("error", Redactor.redact(t.getClassName() + ": " + t.getMessage()));
        g.writeStringField("stack", Redactor.redact(stack(t)));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toString(StandardCharsets.UTF_8) + "\n";
  }

  static String text(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    line.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
        .append(' ')
        .append(String.format("%-5s", event.getLevel()));
    String step = event.getMDCPropertyMap().get(LogFields.STEP);
    if (step != null) {
      line.append(" [").append(step).append(']');
    }
    line.append(' ').append(Redactor.redact(event.getFormattedMessage())).append('\n');
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      line.append(Redactor.redact(stack(t)));
    }
    return line.toString();
  }

  private static String stack(IThrowableProxy t) {
    StringBuilder s = new StringBuilder();
    IThrowableProxy current = t;
    String prefix = "";
    int depth = 0;
    while (current != null && depth++ < 10) {
      s.append(prefix).append(current.getClassName()).append(": ").append(current.getMessage());
      s.append('\n');
      for (StackTraceElementProxy frame : current.getStackTraceElementProxyArray()) {
        s.append("\tat ").append(frame.getStackTraceElement()).append('\n');
      }
      current = current.getCause();
      prefix = "Caused by: ";
    }
    return s.toString();
  }
}
