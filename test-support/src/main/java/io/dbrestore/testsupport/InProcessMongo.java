package io.dbrestore.testsupport;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A MongoDB wire-protocol server in this process (mongo-java-server, in memory), for the local
 * demo, tests and benchmarks on machines without a mongod. It announces MongoDB 4.2 (wire version
 * 8), the oldest the 5.x Java driver talks to; what the engine uses of it (find, sort, skip, bulk
 * updates, indexes, deleteMany) it implements.
 */
public final class InProcessMongo implements AutoCloseable {
  private static final MongoVersion MONGO_4_2 =
      new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
          return List.of(4, 2, 0);
        }

        @Override
        public int getWireVersion() {
          return 8;
        }
      };

  private final MongoServer server;
  private final InetSocketAddress address;

  private InProcessMongo() {
    server = new MongoServer(new MemoryBackend().version(MONGO_4_2));
    address = server.bind();
  }

  /** Starts a server on a free port of 127.0.0.1. */
  public static InProcessMongo start() {
    return new InProcessMongo();
  }

  public int port() {
    return address.getPort();
  }

  /** A connection string for it (no retryable writes: the server has no replica set). */
  public String uri() {
    return "mongodb://127.0.0.1:" + address.getPort() + "/?retryWrites=false";
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
