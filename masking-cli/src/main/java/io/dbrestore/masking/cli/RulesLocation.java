package io.dbrestore.masking.cli;

import io.dbrestore.masking.rules.Rules;
import io.dbrestore.masking.rules.RulesException;
import io.dbrestore.masking.rules.RulesLoader;
import io.dbrestore.runtime.JobContext;
import io.dbrestore.runtime.error.JobException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Where {@code --rules} points: a file (in the image, or on a laptop), or a versioned S3 object,
 * {@code s3://bucket/key}, optionally pinned with {@code ?versionId=…}.
 *
 * <p>Rules in S3 make a drift fix a reviewed change to one object instead of an image rebuild. The
 * bucket must keep versions: the version read is recorded with the rules' SHA-256 in the run's
 * result and on the masked snapshot ({@code dbrestore:rules-version}), so that what masked a
 * snapshot can always be read back; an unversioned bucket is refused before anything else.
 */
public record RulesLocation(String text, String bucket, String key, String versionId) {
  private static final Logger LOG = LoggerFactory.getLogger(RulesLocation.class);

  /** S3's own limit on bucket names: 3 to 63 lowercase letters, digits, dots and hyphens. */
  private static final Pattern S3 =
      Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/([^?]+)(?:\\?versionId=([^&]+))?");

  /** A rules file larger than this is not a rules file. */
  static final int MAX_BYTES = 16 * 1024 * 1024;

  public static RulesLocation parse(String text) {
    if (text == null || text.isBlank()) {
      throw JobException.invalidInput("--rules is empty: give a rules file or s3://bucket/key");
    }
    if (!text.startsWith("s3://")) {
      return new RulesLocation(text, null, null, null);
    }
    Matcher m = S3.matcher(text);
    if (!m.matches()) {
      throw JobException.invalidInput(
          "--rules "
              + text
              + " is not an S3 object: write s3://<bucket>/<key>, optionally with"
              + " ?versionId=<version>");
    }
    return new RulesLocation(text, m.group(1), m.group(2), m.group(3));
  }

  public boolean s3() {
    return bucket != null;
  }

  /**
   * Reads and validates the rules.
   *
   * @throws JobException invalid input (exit 2) for rules that do not load, an object that cannot
   *     be read, or a bucket that keeps no versions
   */
  public Rules load(JobContext context) {
    if (!s3()) {
      return load(() -> RulesLoader.load(Path.of(text)));
    }
    Fetched object = fetch(context.aws().client(S3Client.class, RulesLocation::s3Builder));
    Rules rules = object.rules();
    LOG.info("masking rules: {} (sha256 {})", object.source(), rules.sha256());
    return rules;
  }

  /** The bytes of a versioned rules object, the version read, and how messages name it. */
  public record Fetched(String source, byte[] bytes, String version) {
    /** The rules in these bytes, with the object's version; exit 2 when they do not load. */
    public Rules rules() {
      return load(() -> RulesLoader.load(source, bytes)).withVersion(version);
    }
  }

  /**
   * Reads the object (this location must be {@link #s3()}).
   *
   * @throws JobException invalid input (exit 2): a missing object or bucket, a denied read, an
   *     object without a version or larger than a rules file can be
   */
  public Fetched fetch(S3Client s3) {
    if (!s3()) {
      throw new IllegalStateException(text + " is not an S3 object");
    }
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
    if (versionId != null) {
      request.versionId(versionId);
    }
    byte[] bytes;
    String version;
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request.build())) {
      GetObjectResponse response = in.response();
      Long length = response.contentLength();
      if (length != null && length > MAX_BYTES) {
        throw JobException.invalidInput(
            text + " is " + length + " bytes: a rules file is at most " + MAX_BYTES + " bytes");
      }
      bytes = readAtMost(in);
      version = response.versionId();
    } catch (S3Exception e) {
      throw JobException.invalidInput(describe(e));
    } catch (SdkClientException | IOException e) {
      throw JobException.invalidInput(
          "cannot read the rules from " + text + ": " + e.getMessage() + " (network or region?)");
    }
    if (version == null || version.isBlank() || "null".equals(version)) {
      throw JobException.invalidInput(
          text
              + " has no version: turn on versioning of bucket "
              + bucket
              + ", so that every run records which rules it masked with (then upload the file"
              + " again)");
    }
    return new Fetched("s3://" + bucket + "/" + key + "?versionId=" + version, bytes, version);
  }

  /**
   * What to record about the rules: where they came from, the object's version (null for a file)
   * and the SHA-256 of their bytes.
   */
  public static Map<String, Object> describe(Rules rules) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("source", rules.source());
    out.put("version", rules.version());
    out.put("sha256", rules.sha256());
    return out;
  }

  private String describe(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    int status = e.statusCode();
    if ("NoSuchBucket".equals(code)) {
      return "cannot read the rules: bucket " + bucket + " does not exist (" + text + ")";
    }
    if ("NoSuchKey".equals(code) || "NoSuchVersion".equals(code) || status == 404) {
      return "cannot read the rules: "
          + text
          + (versionId == null ? " does not exist" : ": no such object version")
          + " (check --rules)";
    }
    if ("AccessDenied".equals(code) || status == 403) {
      return "cannot read the rules: access denied to "
          + text
          + ": the task role needs s3:GetObject and s3:GetObjectVersion on it (and kms:Decrypt"
          + " if the bucket uses a KMS key)";
    }
    return "cannot read the rules from "
        + text
        + ": "
        + (code == null ? "HTTP " + status : code)
        + " "
        + e.getMessage();
  }

  private static byte[] readAtMost(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new IOException("the object is larger than " + MAX_BYTES + " bytes");
    }
    return bytes;
  }

  private static Rules load(java.util.function.Supplier<Rules> loader) {
    try {
      return loader.get();
    } catch (RulesException e) {
      throw JobException.invalidInput(e.getMessage());
    }
  }

  /**
   * Virtual-hosted addressing on AWS; path-style when an endpoint is configured (an emulator or a
   * test server, reached as {@code http://host:port/bucket/key}).
   */
  public static software.amazon.awssdk.services.s3.S3ClientBuilder s3Builder() {
    return S3Client.builder().forcePathStyle(endpointConfigured());
  }

  static boolean endpointConfigured() {
    for (String name : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
      String v = System.getenv(name);
      if (v != null && !v.isBlank()) {
        return true;
      }
    }
    for (String name : new String[] {"aws.endpointUrlS3", "aws.endpointUrl"}) {
      String v = System.getProperty(name);
      if (v != null && !v.isBlank()) {
        return true;
      }
    }
    return false;
  }
}
