package io.dbrestore.runtime.testing;

/**
 * Points the AWS SDK at a local HTTP server through the SDK's own settings (system properties, the
 * in-process twin of {@code AWS_ENDPOINT_URL} and friends), with fake credentials and a region.
 */
public final class AwsTestProperties implements AutoCloseable {
  private static final String[] KEYS = {
    "aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"
  };

  private AwsTestProperties() {}

  public static AwsTestProperties pointAt(String baseUrl) {
    System.setProperty("aws.endpointUrl", baseUrl);
    System.setProperty("aws.region", "eu-west-1");
    System.setProperty("aws.accessKeyId", "AKIDTESTTESTTEST");
    System.setProperty("aws.secretAccessKey", "test-secret-key");
    return new AwsTestProperties();
  }

  @Override
  public void close() {
    for (String key : KEYS) {
      System.clearProperty(key);
    }
  }
}
