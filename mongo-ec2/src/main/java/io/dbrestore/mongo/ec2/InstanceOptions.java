package io.dbrestore.mongo.ec2;

import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import picocli.CommandLine.Option;

/** The options both jobs' {@code run} commands share: the instance, its volume, mongod, run id. */
public class InstanceOptions {
  @Option(
      names = "--instance",
      paramLabel = "<i-…>",
      required = true,
      description = "The EC2 instance that runs mongod with its data on the volume at --device.")
  public String instance;

  @Option(
      names = "--device",
      paramLabel = "<device>",
      defaultValue = "/dev/sdf",
      description = "The device name of the data volume on the instance. Default: /dev/sdf.")
  public String device;

  @Option(
      names = "--mongo-uri",
      paramLabel = "<uri>",
      description =
          "How to reach mongod on the instance once it runs, e.g."
              + " mongodb://dbrestore:…@10.0.1.5:27017/?authSource=admin (or --mongo-uri-secret).")
  public String mongoUri;

  @Option(
      names = "--mongo-uri-secret",
      paramLabel = "<arn>",
      description =
          "Read the mongod URI from this Secrets Manager secret (a plain string) instead of"
              + " --mongo-uri: keeps credentials out of command lines and execution history.")
  public String mongoUriSecret;

  @Option(
      names = "--volume-initialization-rate",
      paramLabel = "<MiB/s>",
      description =
          "Provisioned initialization rate for the new volume, 100–300 MiB/s: a volume created"
              + " from a snapshot reads slowly until every block has been fetched. Billed per"
              + " GiB. Default: none (EBS's default lazy loading).")
  public Integer volumeInitializationRate;

  @Option(
      names = "--volume-type",
      paramLabel = "<type>",
      defaultValue = "gp3",
      description = "The EBS volume type of the new volume. Default: gp3.")
  public String volumeType;

  @Option(
      names = "--run-id",
      paramLabel = "<id>",
      description =
          "Names and tags what this run creates, so that a re-run finds and adopts it. Default:"
              + " the Step Functions execution name, else a generated id.")
  public String runId;

  /** The mongod URI: --mongo-uri, or the secret named by --mongo-uri-secret (redacted in logs). */
  public String mongoUri(JobContext context) {
    if (mongoUri != null) {
      return mongoUri;
    }
    String uri = context.secrets().string(mongoUriSecret).trim();
    if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
      throw JobException.invalidInput(
          "secret " + mongoUriSecret + " does not hold a mongodb:// or mongodb+srv:// URI");
    }
    return uri;
  }

  /** Checks the values; exit 2 for anything wrong, before anything is touched. */
  public void validate() {
    if ((mongoUri == null) == (mongoUriSecret == null)) {
      throw JobException.invalidInput(
          "give exactly one of --mongo-uri <uri> and --mongo-uri-secret <arn>");
    }
    if (!instance.matches("i-[0-9a-f]{8,17}")) {
      throw JobException.invalidInput(
          "--instance '" + instance + "' is not an EC2 instance id (i-0123456789abcdef0)");
    }
    if (!device.matches("/dev/(sd|xvd)[b-z]")) {
      throw JobException.invalidInput(
          "--device '" + device + "' is not a data volume device name such as /dev/sdf");
    }
    if (volumeInitializationRate != null
        && (volumeInitializationRate < 100 || volumeInitializationRate > 300)) {
      throw JobException.invalidInput(
          "--volume-initialization-rate must be between 100 and 300 MiB/s, got "
              + volumeInitializationRate);
    }
    if (!volumeType.matches("gp2|gp3|io1|io2|st1|sc1|standard")) {
      throw JobException.invalidInput(
          "--volume-type '" + volumeType + "' is not an EBS volume type (gp3, io2, …)");
    }
    if (runId != null && JobContext.sanitizeRunId(runId).isEmpty()) {
      throw JobException.invalidInput("--run-id '" + runId + "' has no letters or digits");
    }
  }

  /**
   * The EC2 port of this run: the SDK adapter, or in a dry run the same behind {@link DryRunEc2},
   * which prints the plan (headed here) instead of changing anything.
   */
  public Ec2Port ec2(JobContext context, String job) {
    if (context.dryRun()) {
      context
          .out()
          .println("Plan for " + job + " run " + runId(context) + " (dry run, nothing changes):");
    }
    return ec2(context, SdkEc2.of(context));
  }

  /** {@code real}, or in a dry run {@code real} behind {@link DryRunEc2}. */
  public static Ec2Port ec2(JobContext context, Ec2Port real) {
    return context.dryRun() ? new DryRunEc2(real, context.out(), context.clock()) : real;
  }

  /** The mongod on the instance ({@code --mongo-uri}), or in a dry run its plan printer. */
  public MongodSteps mongod(JobContext context) {
    return mongod(context, Mongod.of(mongoUri(context)));
  }

  /** {@code real}, or in a dry run {@link DryRunMongod} in its place. */
  public static MongodSteps mongod(JobContext context, Mongod real) {
    return context.dryRun() ? new DryRunMongod(real.hosts(), context.out()) : real;
  }

  /** {@code --run-id}, else the runtime's (the execution name, else a generated one). */
  public String runId(JobContext context) {
    return runId != null && !runId.isBlank() ? JobContext.sanitizeRunId(runId) : context.runId();
  }
}
