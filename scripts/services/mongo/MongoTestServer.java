import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.util.concurrent.CountDownLatch;

/**
 * A MongoDB wire-protocol server (mongo-java-server, in-memory) for local development and tests.
 *
 * Usage: java -cp 'lib/*:classes' MongoTestServer [port]
 * The port comes from the first argument, else MONGO_PORT, else 27217; the host from MONGO_HOST
 * (default 127.0.0.1). The oplog is enabled so that change streams (collection.watch) work.
 * Prints "MongoTestServer ready on mongodb://host:port" once listening; stops cleanly on SIGTERM/SIGINT.
 * Data lives in memory only and is gone when the process stops.
 */
public final class MongoTestServer {
    public static void main(String[] args) throws InterruptedException {
        String host = envOr("MONGO_HOST", "127.0.0.1");
        int port = Integer.parseInt(args.length > 0 ? args[0] : envOr("MONGO_PORT", "27217"));

        MongoServer server = new MongoServer(new MemoryBackend());
        server.enableOplog(); // required for change streams
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("MongoTestServer stopping");
            try {
                server.shutdownNow();
            } finally {
                stopped.countDown();
            }
            System.out.println("MongoTestServer stopped");
        }, "mongo-test-server-shutdown"));

        try {
            server.bind(host, port);
        } catch (RuntimeException e) {
            System.err.println("MongoTestServer failed to bind " + host + ":" + port + ": " + e);
            System.exit(1);
        }
        System.out.println("MongoTestServer ready on mongodb://" + host + ":" + port);
        stopped.await();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
