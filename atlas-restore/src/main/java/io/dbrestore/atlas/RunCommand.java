package io.dbrestore.atlas;

import io.dbrestore.atlas.api.AtlasApiException;
import io.dbrestore.atlas.api.AtlasAuth;
import io.dbrestore.atlas.api.AtlasPort;
import io.dbrestore.atlas.api.AtlasTransport;
import io.dbrestore.atlas.api.ClusterRef;
import io.dbrestore.atlas.api.DryRunAtlas;
import io.dbrestore.atlas.api.HttpAtlas;
import io.dbrestore.runtime.JobCommand;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.cli.VersionProvider;
import io.dbrestore.runtime.error.JobException;
import io.dbrestore.runtime.guard.SafetyGuard;
import io.dbrestore.runtime.guard.TagLookup;
import io.dbrestore.runtime.plan.DryRunPlan;
import io.dbrestore.runtime.preflight.Check.Status;
import io.dbrestore.runtime.preflight.Preflight;
import io.dbrestore.runtime.preflight.Preflighted;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas-restore run}: restores a snapshot of the source cluster into the target cluster. */
@Command(
    name = "run",
    description = {
      "Restore the newest completed snapshot (or --snapshot-id) of an Atlas cluster into a"
          + " development cluster through the Atlas Admin API, and wait until it is done.",
      "The target <project>/<cluster> must match --target-allowlist, carry the Atlas tag"
          + " dbrestore-managed=true, differ from the source and not be in a --protected-project;"
          + " otherwise exit 3 before any request that changes anything. A re-run adopts a restore"
          + " job already running into the target."
    })
public final class RunCommand extends JobCommand implements Preflighted {
  static final Pattern PROJECT_ID = Pattern.compile("[0-9a-f]{24}");
  static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
  static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9a-f]{24}");

  /** What happens to the Atlas restore job when the run is stopped. */
  enum OnStop {
    cancel,
    leave
  }

  @Option(
      names = "--source-project",
      paramLabel = "<id>",
      description = "The Atlas project (24-hex id) of the production cluster.")
  String sourceProject;

  @Option(
      names = "--source-cluster",
      paramLabel = "<name>",
      description = "The production cluster whose snapshot is restored.")
  String sourceCluster;

  @Option(
      names = "--target-project",
      paramLabel = "<id>",
      description = "The Atlas project (24-hex id) of the development cluster.")
  String targetProject;

  @Option(
      names = "--target-cluster",
      paramLabel = "<name>",
      description = "The development cluster to restore into; its data is replaced.")
  String targetCluster;

  @Option(
      names = "--snapshot-id",
      paramLabel = "<id>",
      description = "Restore this snapshot. Default: the newest completed one of the source.")
  String snapshotId;

  @Option(
      names = "--credentials-secret",
      paramLabel = "<arn>",
      description =
          "Secrets Manager secret with the Atlas credentials: a service account"
              + " {\"clientId\", \"clientSecret\"} or an API key {\"publicKey\", \"privateKey\"}.")
  String credentialsSecret;

  @Option(
      names = "--atlas-base-url",
      paramLabel = "<url>",
      defaultValue = "https://cloud.mongodb.com",
      description = "The Atlas Admin API. Default: https://cloud.mongodb.com.")
  String atlasBaseUrl;

  @Option(
      names = "--protected-project",
      paramLabel = "<id>",
      split = ",",
      description =
          "An Atlas project never restored into (production). Repeat or separate with commas.")
  List<String> protectedProjects = new ArrayList<>();

  @Option(
      names = "--on-stop",
      paramLabel = "cancel|leave",
      defaultValue = "cancel",
      description =
          "When the execution is stopped or the task gets SIGTERM: cancel the running Atlas"
              + " restore job (default), or leave it running. The job's own --timeout always"
              + " leaves it running, for a re-run to adopt.")
  OnStop onStop;

  @Option(
      names = "--poll-interval",
      paramLabel = "<duration>",
      defaultValue = "15s",
      converter = FineDurationConverter.class,
      description =
          "How often to look at the restore job at first; it grows to four times this."
              + " Default: 15s.")
  Duration pollInterval;

  @Option(
      names = "--http-retry-delay",
      paramLabel = "<duration>",
      defaultValue = "1s",
      hidden = true,
      converter = FineDurationConverter.class,
      description = "First wait before repeating a failed Atlas request; doubles up to 30s.")
  Duration httpRetryDelay;

  @Override
  protected RestoreWorkflow.Result execute(JobContext context) {
    Request request = request();
    URI base = atlasBaseUrl();
    Timeouts timeouts = Timeouts.polling(pollInterval);
    SafetyGuard guard = AtlasGuard.of(context.guardForPort(), request);
    AtlasGuard.checkWithoutAsking(guard, request);

    context.step("credentials");
    AtlasAuth auth =
        AtlasCredentials.from(
            context.secrets().json(credentialsSecret), credentialsSecret, context.clock());
    try {
      RestoreWorkflow.Result result =
          new RestoreWorkflow(context, port(context, request, base, auth), guard, request, timeouts)
              .run();
      return context.dryRun() ? result.planned() : result;
    } catch (AtlasApiException e) {
      throw AtlasErrors.translate(e, auth.kind(), credentialsSecret);
    }
  }

  /**
   * {@code preflight run}: the guard allows the target, the credentials secret is readable and
   * Atlas accepts it, the target cluster exists with the Atlas tag dbrestore-managed=true, the
   * source has snapshots. Atlas has no IAM simulation: the API key's project roles are shown only
   * by what these reads answer.
   */
  @Override
  public void preflight(Preflight p) {
    Request request = request();
    URI base = atlasBaseUrl();
    JobContext context = p.context();
    SafetyGuard guard = AtlasGuard.of(context.guard(), request);
    p.check(
        "guard: restore-over atlas cluster " + request.target(),
        () -> {
          AtlasGuard.checkWithoutAsking(guard, request);
          return "allowed by the target allowlist";
        });
    AtlasAuth[] auth = new AtlasAuth[1];
    p.check(
        "atlas credentials",
        () -> {
          auth[0] =
              AtlasCredentials.from(
                  context.secrets().json(credentialsSecret), credentialsSecret, context.clock());
          return credentialsSecret + " holds " + auth[0].kind();
        });
    if (auth[0] == null) {
      p.skipped("target atlas cluster " + request.target(), "no credentials to read it with");
      p.skipped("source atlas cluster " + request.source(), "no credentials to read it with");
    } else {
      HttpAtlas atlas =
          new HttpAtlas(
              new AtlasTransport(
                  base,
                  auth[0],
                  AtlasTransport.Retry.standard(httpRetryDelay),
                  context.cancellation(),
                  "dbrestore-atlas-restore/" + VersionProvider.version()));
      try {
        p.managed(
            "atlas cluster",
            request.target().toString(),
            "the Atlas tag " + AtlasGuard.MANAGED_TAG,
            Optional.of(atlas.cluster(request.target()).tags())
                .map(
                    tags ->
                        TagLookup.spelledAs("Atlas tag", AtlasGuard.MANAGED_TAG, () -> tags)
                            .tags()),
            Status.FAILED,
            null);
      } catch (AtlasApiException e) {
        p.failed(
            "target atlas cluster " + request.target(),
            AtlasErrors.translate(e, auth[0].kind(), credentialsSecret).getMessage());
      } catch (RuntimeException e) {
        p.failed("target atlas cluster " + request.target(), Preflight.reason(e));
      }
      try {
        int snapshots = atlas.snapshots(request.source()).size();
        if (snapshots == 0 && request.snapshotId() == null) {
          p.failed("source atlas cluster " + request.source(), "has no snapshot to restore");
        } else {
          p.ok("source atlas cluster " + request.source(), snapshots + " snapshot(s)");
        }
      } catch (AtlasApiException e) {
        p.failed(
            "source atlas cluster " + request.source(),
            AtlasErrors.translate(e, auth[0].kind(), credentialsSecret).getMessage());
      } catch (RuntimeException e) {
        p.failed("source atlas cluster " + request.source(), Preflight.reason(e));
      }
    }
    p.skipped(
        "permissions",
        "not checked: Atlas has no policy simulation (the reads above use the API key);"
            + " the task role only reads the credentials secret");
  }

  /** Atlas over HTTP; in a dry run, under the overlay that prints and simulates each change. */
  private AtlasPort port(JobContext context, Request request, URI base, AtlasAuth auth) {
    HttpAtlas atlas =
        new HttpAtlas(
            new AtlasTransport(
                base,
                auth,
                AtlasTransport.Retry.standard(httpRetryDelay),
                context.cancellation(),
                "dbrestore-atlas-restore/" + VersionProvider.version()));
    return context.dryRun()
        ? new DryRunAtlas(
            atlas,
            atlas.base(),
            new DryRunPlan(context.out()),
            context.clock(),
            request.snapshotId() == null)
        : atlas;
  }

  /** The flags checked in this order (exit 2 at the first wrong one), before any request. */
  private Request request() {
    require(sourceProject, "--source-project");
    require(sourceCluster, "--source-cluster");
    require(targetProject, "--target-project");
    require(targetCluster, "--target-cluster");
    require(credentialsSecret, "--credentials-secret");
    String source = projectId(sourceProject, "--source-project");
    String target = projectId(targetProject, "--target-project");
    clusterName(sourceCluster, "--source-cluster");
    clusterName(targetCluster, "--target-cluster");
    List<String> protectedIds = new ArrayList<>();
    for (String p : protectedProjects) {
      if (!p.isBlank()) {
        protectedIds.add(projectId(p, "--protected-project"));
      }
    }
    String snapshot = null;
    if (snapshotId != null && !snapshotId.isBlank()) {
      snapshot = lowerCase(snapshotId);
      checked(
          "--snapshot-id", snapshot, snapshot, SNAPSHOT_ID, "an Atlas snapshot id (24 hex digits)");
    }
    return new Request(
        new ClusterRef(source, sourceCluster),
        new ClusterRef(target, targetCluster),
        snapshot,
        protectedIds,
        onStop == OnStop.cancel);
  }

  private URI atlasBaseUrl() {
    try {
      URI uri = new URI(atlasBaseUrl.trim().replaceAll("/+$", ""));
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new URISyntaxException(atlasBaseUrl, "not an http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw JobException.invalidInput(
          "--atlas-base-url '"
              + atlasBaseUrl
              + "' is not an http(s) URL like https://cloud.mongodb.com");
    }
  }

  private static void require(String value, String option) {
    if (value == null || value.isBlank()) {
      throw JobException.invalidInput(
          "missing "
              + option
              + " (or DBRESTORE_"
              + option.substring(2).replace('-', '_').toUpperCase(Locale.ROOT)
              + ")");
    }
  }

  private static String projectId(String value, String option) {
    return checked(
        option,
        value,
        lowerCase(value),
        PROJECT_ID,
        "an Atlas project id (24 hex digits, shown in the project's settings)");
  }

  private static void clusterName(String value, String option) {
    checked(
        option,
        value,
        value,
        CLUSTER_NAME,
        "an Atlas cluster name (letters, digits and hyphens, at most 64)");
  }

  private static String lowerCase(String value) {
    return value.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code normalized}, unless it does not match {@code pattern}: then exit 2 saying that {@code
   * value} as given is not {@code what}.
   */
  private static String checked(
      String option, String value, String normalized, Pattern pattern, String what) {
    if (!pattern.matcher(normalized).matches()) {
      throw JobException.invalidInput(option + " '" + value + "' is not " + what);
    }
    return normalized;
  }
}
