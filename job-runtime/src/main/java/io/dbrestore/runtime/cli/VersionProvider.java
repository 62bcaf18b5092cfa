package io.dbrestore.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the job's name, the dbrestore version and the Java runtime. */
public final class VersionProvider implements IVersionProvider {
  private final String job;

  public VersionProvider(String job) {
    this.job = job;
  }

  public static String version() {
    Properties p = new Properties();
    try (InputStream in =
        VersionProvider.class.getResourceAsStream("/io/dbrestore/runtime/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Fall through to "unknown".
    }
    return p.getProperty("version", "unknown");
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      job + " " + version() + " (dbrestore)",
      "Java " + System.getProperty("java.version") + " " + System.getProperty("java.vendor")
    };
  }
}
