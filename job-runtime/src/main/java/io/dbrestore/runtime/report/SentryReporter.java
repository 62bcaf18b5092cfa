package io.dbrestore.runtime.report;

import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.log.Redactor;
import io.sentry.Breadcrumb;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports failures to Sentry when {@code SENTRY_DSN} is set. Events carry the job, target,
 * environment, step, execution and AWS resources as tags, a link to the task's log stream, and a
 * fingerprint of (job, step, error kind) so a failure that repeats every night is one issue. A
 * before-send hook scrubs secrets and personal data out of messages, exceptions and breadcrumbs.
 */
public final class SentryReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SentryReporter.class);
  private static final long FLUSH_MILLIS = 5_000;

  private final boolean enabled;

  private SentryReporter(boolean enabled) {
    this.enabled = enabled;
  }

  public static SentryReporter disabled() {
    return new SentryReporter(false);
  }

  public static SentryReporter start(Map<String, String> env, String job, String version) {
    String dsn = env.get("SENTRY_DSN");
    if (dsn == null || dsn.isBlank()) {
      return disabled();
    }
    try {
      Sentry.init(
          options -> {
            options.setDsn(dsn);
            options.setRelease("dbrestore-" + job + "@" + version);
            options.setEnvironment(env.getOrDefault("SENTRY_ENVIRONMENT", "production"));
            options.setServerName(null);
            options.setAttachServerName(false);
            options.setSendDefaultPii(false);
            options.setEnableUncaughtExceptionHandler(false);
            options.setShutdownTimeoutMillis(FLUSH_MILLIS);
            options.setBeforeSend((event, hint) -> scrub(event));
            options.setBeforeBreadcrumb(
                (crumb, hint) -> {
                  crumb.setMessage(Redactor.redact(crumb.getMessage()));
                  return crumb;
                });
          });
      return new SentryReporter(true);
    } catch (RuntimeException e) {
      LOG.warn("Sentry is off: {}", Redactor.redact(e.getMessage()));
      return disabled();
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** Reports a failed run. */
  public void report(RunContext run, ExitCode code, String kind, String message, Throwable error) {
    if (!enabled) {
      return;
    }
    SentryEvent event = error != null ? new SentryEvent(error) : new SentryEvent();
    Message m = new Message();
    m.setFormatted(Redactor.redact(run.job() + " " + run.step() + ": " + message));
    event.setMessage(m);
    event.setLevel(code.sentryLevel());
    event.setFingerprints(List.of(run.job(), run.step(), kind));
    event.setTag("job", run.job());
    run.target().ifPresent(t -> event.setTag("target", t));
    event.setTag("step", run.step());
    event.setTag("exit_code", code.name());
    event.setTag("error_kind", kind);
    run.execution().ifPresent(e -> event.setTag("execution_arn", e));
    run.resources().forEach((role, id) -> event.setTag("aws." + role, id));
    TaskMetadata task = run.task();
    task.taskArn().ifPresent(arn -> event.setTag("ecs_task_arn", arn));
    task.logLink()
        .ifPresent(
            link -> {
              event.setExtra("log_link", link);
              event.getContexts().put("logs", Map.of("link", link));
              if (link.length() <= 200) {
                event.setTag("log_link", link);
              }
            });
    Sentry.captureEvent(event);
  }

  /** Scrubs every text of an event; runs inside the SDK just before sending. */
  static SentryEvent scrub(SentryEvent event) {
    Message m = event.getMessage();
    if (m != null) {
      m.setFormatted(Redactor.redact(m.getFormatted()));
      m.setMessage(Redactor.redact(m.getMessage()));
    }
    List<SentryException> exceptions = event.getExceptions();
    if (exceptions != null) {
      for (SentryException e : exceptions) {
        e.setValue(Redactor.redact(e.getValue()));
      }
    }
    List<Breadcrumb> crumbs = event.getBreadcrumbs();
    if (crumbs != null) {
      for (Breadcrumb b : crumbs) {
        b.setMessage(Redactor.redact(b.getMessage()));
      }
    }
    Map<String, Object> extras = event.getExtras();
    if (extras != null) {
      extras.replaceAll((k, v) -> v instanceof String s ? Redactor.redact(s) : v);
    }
    event.setUser(null);
    event.setRequest(null);
    return event;
  }

  /** Sends what is queued; called before the process exits. */
  @Override
  public void close() {
    if (enabled) {
      Sentry.flush(FLUSH_MILLIS);
      Sentry.close();
    }
  }
}
