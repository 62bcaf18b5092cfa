package io.dbrestore.masking.mongo;

import io.dbrestore.testsupport.InProcessMongo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The engine's contract on the in-process MongoDB wire-protocol server. */
class MongoMaskingTest extends MongoMaskingContract {
  private static InProcessMongo server;

  @BeforeAll
  static void startServer() {
    server = InProcessMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected String uri() {
    return server.uri();
  }
}
