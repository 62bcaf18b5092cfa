package io.dbrestore.atlas;

import io.dbrestore.atlas.api.AtlasApiException;
import io.dbrestore.atlas.api.AtlasUnavailableException;
import io.dbrestore.runtime.ExitCode;
import io.dbrestore.runtime.error.JobException;
import java.util.Locale;

/** Turns what Atlas answered into one line that says what to do, with an exit code. */
final class AtlasErrors {
  private AtlasErrors() {}

  static JobException translate(AtlasApiException e, String authKind, String secretId) {
    if (e instanceof AtlasUnavailableException u) {
      return new JobException(
          ExitCode.FAULT,
          "atlas-unavailable",
          e.getMessage()
              + (u.attempts() > 1 ? " (after " + u.attempts() + " attempts)" : "")
              + "; Atlas or the network is in trouble: re-run later (status.mongodb.com)",
          e);
    }
    return switch (e.status()) {
      case 401 ->
          new JobException(
              ExitCode.FAULT,
              "atlas-unauthorized",
              "Atlas rejected the "
                  + authKind
                  + " in secret "
                  + secretId
                  + " ("
                  + e.reason()
                  + "): check the secret's values, and that this task's public IP address is on"
                  + " the "
                  + authKind
                  + "'s access list",
              e);
      case 403 ->
          new JobException(
              ExitCode.FAULT,
              "atlas-forbidden",
              "Atlas refused "
                  + e.method()
                  + " "
                  + e.path()
                  + " ("
                  + e.reason()
                  + "): give the "
                  + authKind
                  + " the role Atlas requires for restore jobs (Project Backup Manager, or Project"
                  + " Owner) on the source and the target project, and put this task's IP on its"
                  + " access list",
              e);
      case 429 ->
          new JobException(
              ExitCode.FAULT,
              "atlas-rate-limited",
              e.getMessage() + " again and again; re-run later, when fewer jobs call Atlas",
              e);
      default ->
          new JobException(
              ExitCode.FAULT,
              "atlas-"
                  + (e.errorCode() == null
                      ? String.valueOf(e.status())
                      : e.errorCode().toLowerCase(Locale.ROOT).replace('_', '-')),
              e.getMessage() + "; re-run with -v for details",
              e);
    };
  }
}
