package io.dbrestore.masking.mongo;

import io.dbrestore.testsupport.InProcessMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine's contract on the copy path, between two in-process MongoDB wire-protocol servers: the
 * source and the destination (its databases dropped before each test).
 */
class MongoCopyContractTest extends CopyMaskingContract {
  private static InProcessMongo sourceServer;
  private static InProcessMongo destinationServer;

  @BeforeAll
  static void startServers() {
    sourceServer = InProcessMongo.start();
    destinationServer = InProcessMongo.start();
  }

  @AfterAll
  static void stopServers() {
    sourceServer.close();
    destinationServer.close();
  }

  @Override
  protected String uri() {
    return sourceServer.uri();
  }

  @Override
  protected String destinationUri() {
    return destinationServer.uri();
  }
}
