package io.dbrestore.runtime.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.sentry.Breadcrumb;
import io.sentry.Sentry;
import io.sentry.SentryLevel;

/** Turns INFO and higher log lines into Sentry breadcrumbs, so an event shows what led to it. */
public class SentryBreadcrumbAppender extends AppenderBase<ILoggingEvent> {
  @Override
  protected void append(ILoggingEvent event) {
    if (!Sentry.isEnabled() || !event.getLevel().isGreaterOrEqual(Level.INFO)) {
      return;
    }
    Breadcrumb crumb = new Breadcrumb();
    crumb.setCategory(event.getLoggerName());
    crumb.setMessage(Redactor.redact(event.getFormattedMessage()));
    crumb.setLevel(
        event.getLevel().isGreaterOrEqual(Level.ERROR)
            ? SentryLevel.ERROR
            : event.getLevel().isGreaterOrEqual(Level.WARN)
                ? SentryLevel.WARNING
                : SentryLevel.INFO);
    Sentry.addBreadcrumb(crumb);
  }
}
