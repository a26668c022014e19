package dev.coldpath.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;

/**
 * A real S3 server for tests: s3proxy with its filesystem backend, started as a separate JVM on 127.0.0.1 with
 * a free port; a bucket is a folder under {@link #dataDir()}. {@link #stop()} kills it, {@link #restart()} starts
 * it again on the same port and data. Shared with the cli module's tests (spark-runner's test jar). The jar is {@code target/s3proxy/s3proxy.jar} (copied by Maven), or
 * {@code -Ds3proxy.jar=...}, or the one in the local Maven repository.
 */
public final class S3ProxyServer implements AutoCloseable {
    static final String VERSION = "4.1.0";

    private static S3ProxyServer shared;

    private final Path root;
    private final String accessKey;
    private final String secretKey;
    private final int port;
    private Process process;

    private S3ProxyServer(Path root, String accessKey, String secretKey, int port) {
        this.root = root;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.port = port;
    }

    /** Starts a server whose data and log live under {@code root}, accepting only these credentials. */
    public static S3ProxyServer start(Path root, String accessKey, String secretKey) {
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken before s3proxy binds it
            S3ProxyServer server = new S3ProxyServer(root, accessKey, secretKey, freePort());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                failure = e;
            }
        }
        throw failure;
    }

    /**
     * The server this JVM's test classes share, started on first use and killed when the JVM exits: a start is a
     * JVM's start-up, seconds of CPU. Its secret key is recognisable ({@code coldpath-S3CR3T-<uuid>}), so a test can
     * look for it where it must not appear. Each test works in buckets of its own; a test that stops the server
     * restarts it before it ends; one found dead is replaced by a new one (the classes configure its port afresh).
     */
    public static synchronized S3ProxyServer shared() {
        if (shared != null && !shared.running()) {
            shared = null; // stopped and never restarted, or a restart that failed: a new server, on a new port
        }
        if (shared == null) {
            Path root;
            try {
                root = Files.createTempDirectory("coldpath-s3proxy-");
            } catch (IOException e) {
                throw new IllegalStateException("Cannot create a folder for the shared s3proxy", e);
            }
            S3ProxyServer server = start(root, "coldpath-test", "coldpath-S3CR3T-" + UUID.randomUUID());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.stop();
                FileUtil.fullyDelete(root.toFile());
            }, "s3proxy-shutdown"));
            shared = server;
        }
        return shared;
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String secretKey() {
        return secretKey;
    }

    public String accessKey() {
        return accessKey;
    }

    public Path dataDir() {
        return root.resolve("data");
    }

    /** Creates a bucket (a folder of the filesystem backend) and returns its s3a:// URI. */
    public String createBucket(String bucket) {
        try {
            Files.createDirectories(dataDir().resolve(bucket));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create bucket folder " + bucket, e);
        }
        return "s3a://" + bucket;
    }

    /**
     * The s3a settings for this server, as Hadoop keys: endpoint, region, path-style access, no SSL, these
     * credentials, and short retries and timeouts so failure tests stay fast.
     */
    public Map<String, String> hadoopConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("fs.s3a.endpoint", endpoint());
        conf.put("fs.s3a.endpoint.region", "us-east-1");
        conf.put("fs.s3a.path.style.access", "true");
        conf.put("fs.s3a.connection.ssl.enabled", "false");
        conf.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        conf.put("fs.s3a.access.key", accessKey);
        conf.put("fs.s3a.secret.key", secretKey);
        conf.put("fs.s3a.attempts.maximum", "1");
        conf.put("fs.s3a.retry.limit", "1");
        conf.put("fs.s3a.retry.interval", "50ms");
        conf.put("fs.s3a.retry.throttle.limit", "1");
        conf.put("fs.s3a.connection.establish.timeout", "2s");
        conf.put("fs.s3a.connection.timeout", "5s");
        conf.put("fs.s3a.connection.request.timeout", "10s");
        return conf;
    }

    /** {@link #hadoopConf()} as {@code spark.hadoop.*} keys, as a job file or {@code --conf} gives them. */
    public Map<String, String> sparkConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        hadoopConf().forEach((k, v) -> conf.put("spark.hadoop." + k, v));
        return conf;
    }

    public void configure(Configuration conf) {
        hadoopConf().forEach(conf::set);
    }

    /** Whether the server's process is there (not stopped, not dead). */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Kills the server; requests fail with "connection refused" until {@link #restart()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the server again on the same port and data. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void launch() {
        try {
            Files.createDirectories(dataDir());
            Path properties = root.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + accessKey,
                    "s3proxy.credential=" + secretKey,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + dataDir()) + "\n", StandardCharsets.UTF_8);
            Path log = root.resolve("s3proxy.log");
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            // C1 and the serial collector: a test's S3 server serves a few hundred small requests, and starts often
            process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-jar", jar().toString(),
                    "--properties", properties.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            awaitPort(log);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start s3proxy on port " + port, e);
        }
    }

    private void awaitPort(Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for s3proxy", e);
                }
            }
        }
        stop();
        throw new IllegalStateException("s3proxy did not answer on port " + port + " within 60 s: "
                + Files.readString(log));
    }

    static Path jar() {
        String configured = System.getProperty("s3proxy.jar");
        List<Path> candidates = List.of(
                configured == null ? Paths.get("target/s3proxy/s3proxy.jar") : Paths.get(configured),
                Paths.get("target/s3proxy/s3proxy.jar"),
                Paths.get(System.getProperty("user.home"), ".m2/repository/org/gaul/s3proxy", VERSION,
                        "s3proxy-" + VERSION + "-jar-with-dependencies.jar"));
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalStateException("s3proxy jar not found in " + candidates
                        + ": run the build through generate-test-resources (mvn test does)"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1", e);
        }
    }
}
