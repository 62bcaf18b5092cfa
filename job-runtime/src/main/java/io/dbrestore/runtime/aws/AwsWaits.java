package io.dbrestore.runtime.aws;

import java.time.Duration;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;

/**
 * Settings for the SDK's own waiters. Their default gives up after about 30 minutes or a fixed
 * number of attempts, which is shorter than a restore of a large cluster: every wait states its
 * timeout explicitly.
 */
public final class AwsWaits {
  private AwsWaits() {}

  public static WaiterOverrideConfiguration timeout(Duration waitTimeout) {
    return WaiterOverrideConfiguration.builder()
        .waitTimeout(waitTimeout)
        .maxAttempts(Integer.MAX_VALUE)
        .build();
  }
}
