package io.dbrestore.masking.mongo;

import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The engine's contract, in place, on a real mongod (a single-node replica set, as production
 * runs), for machines with Docker; skipped without it.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoMaskingMongodIT extends InPlaceMaskingContract {
  @Container
  static final MongoDBContainer MONGOD = new MongoDBContainer(DockerImageName.parse("mongo:7.0"));

  @Override
  protected String uri() {
    return MONGOD.getReplicaSetUrl();
  }
}
