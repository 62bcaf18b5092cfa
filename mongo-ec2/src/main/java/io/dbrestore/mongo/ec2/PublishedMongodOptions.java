package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import picocli.CommandLine.Option;

/**
 * The second mongod of {@code mongo-mask-snapshot run}: it serves the blank volume the masked copy
 * is written into (the only volume that is published), at {@code --published-device}. Shaped like
 * {@code --mongo-uri}/{@code --mongo-uri-secret} of {@link InstanceOptions}, with the same
 * redaction of the password.
 */
public class PublishedMongodOptions {
  @Option(
      names = "--published-device",
      paramLabel = "<device>",
      defaultValue = "/dev/sdg",
      description =
          "The device name the blank published volume is attached at; the instance's second"
              + " mongod serves it. Default: /dev/sdg.")
  public String publishedDevice;

  @Option(
      names = "--published-uri",
      paramLabel = "<uri>",
      description =
          "How to reach the second mongod (the one on --published-device) once the instance"
              + " runs, e.g. mongodb://dbrestore-copy:…@10.0.1.5:27018/?authSource=admin (or"
              + " --published-uri-secret).")
  public String publishedUri;

  @Option(
      names = "--published-uri-secret",
      paramLabel = "<arn>",
      description =
          "Read the second mongod's URI from this Secrets Manager secret (a plain string) instead"
              + " of --published-uri.")
  public String publishedUriSecret;

  /** Checks the values; exit 2 for anything wrong, before anything is touched. */
  public void validate(String dataDevice) {
    if ((publishedUri == null) == (publishedUriSecret == null)) {
      throw JobException.invalidInput(
          "give exactly one of --published-uri <uri> and --published-uri-secret <arn>");
    }
    if (!publishedDevice.matches("/dev/(sd|xvd)[b-z]")) {
      throw JobException.invalidInput(
          "--published-device '"
              + publishedDevice
              + "' is not a data volume device name such as /dev/sdg");
    }
    if (publishedDevice.equals(dataDevice)) {
      throw JobException.invalidInput(
          "--published-device must differ from --device (both are " + dataDevice + ")");
    }
  }

  /** The URI: --published-uri, or the secret named by --published-uri-secret (redacted). */
  public String publishedUri(JobContext context) {
    if (publishedUri != null) {
      return publishedUri;
    }
    String uri = context.secrets().string(publishedUriSecret).trim();
    if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
      throw JobException.invalidInput(
          "secret " + publishedUriSecret + " does not hold a mongodb:// or mongodb+srv:// URI");
    }
    return uri;
  }

  /** The second mongod, or in a dry run its plan printer. */
  public MongodSteps mongod(JobContext context) {
    String option = publishedUri != null ? "--published-uri" : "--published-uri-secret";
    return InstanceOptions.mongod(context, Mongod.of(option, publishedUri(context)));
  }
}
