package io.dbrestore.runtime.testing;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * WireMock standing in for AWS: for each test the real SDK is pointed at it through its own
 * settings ({@link AwsTestProperties}), and the settings are cleared afterwards.
 */
public final class AwsWireMock extends WireMockExtension {
  private AwsTestProperties properties;

  public AwsWireMock() {
    super(
        WireMockExtension.extensionOptions()
            .options(WireMockConfiguration.options().dynamicPort()));
  }

  @Override
  protected void onBeforeEach(ExtensionContext context, WireMockRuntimeInfo info) {
    properties = AwsTestProperties.pointAt(info.getHttpBaseUrl());
  }

  @Override
  protected void onAfterEach(ExtensionContext context, WireMockRuntimeInfo info) {
    if (properties != null) {
      properties.close();
    }
  }
}
