package dev.coldpath.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster of separate JVMs on this machine for integration tests: a master and two workers
 * started by {@code scripts/local-cluster.sh} on free ports, with pid files, logs and executor work dirs in a
 * folder of the test's. Workers may listen on distinct loopback addresses, so that Spark sees two hosts. The
 * JVMs stop on {@link #close()}, or when the test JVM exits first. Not thread safe: one test class at a time drives
 * it, holding {@link #LOCK}.
 */
final class LocalCluster implements AutoCloseable {
    /** The JUnit resource lock of the test classes that drive the {@link #shared()} cluster. */
    static final String LOCK = "coldpath.local-cluster";
    static final Path PROJECT = Path.of(System.getProperty("coldpath.project.dir")).toAbsolutePath();
    private static final Path SCRIPT = PROJECT.resolve("scripts/local-cluster.sh");
    /** The S3 credentials of the {@link #shared()} cluster's JVMs: test S3 servers use them. */
    static final String ACCESS_KEY = "cluster-access";
    static final String SECRET_KEY = "cluster-secret-91f4";
    static final Map<String, String> AWS_ENV = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    private static LocalCluster shared;

    private final Path dir;
    private final Path sparkHome;
    private final Map<String, String> env = new HashMap<>();
    private final String masterUrl;
    private final String masterJson;
    private final List<String> workerHosts;
    private final Thread shutdownHook = new Thread(this::stop, "stop-local-cluster");
    private Duration startup;
    private ClusterClassShare classShare;

    private LocalCluster(Path dir, Map<String, String> env, List<String> workerHosts) throws IOException {
        this.dir = dir;
        this.workerHosts = List.copyOf(workerHosts);
        // $COLDPATH_SPARK_HOME may name an existing SPARK_HOME (another worktree's) to save resolving Spark again.
        String home = System.getenv("COLDPATH_SPARK_HOME");
        this.sparkHome = home == null || home.isBlank() ? PROJECT.resolve("target/spark-home") : Path.of(home);
        int[] ports = freePorts(2 + workerHosts.size());
        masterUrl = "spark://127.0.0.1:" + ports[0];
        masterJson = "http://127.0.0.1:" + ports[1] + "/json/";
        List<String> uiPorts = new ArrayList<>();
        for (int i = 2; i < ports.length; i++) {
            uiPorts.add(Integer.toString(ports[i]));
        }
        this.env.put("COLDPATH_SPARK_HOME", sparkHome.toString());
        this.env.put("COLDPATH_CLUSTER_DIR", dir.toString());
        this.env.put("COLDPATH_MASTER_PORT", Integer.toString(ports[0]));
        this.env.put("COLDPATH_MASTER_UI_PORT", Integer.toString(ports[1]));
        this.env.put("COLDPATH_WORKER_UI_PORTS", String.join(" ", uiPorts));
        this.env.put("COLDPATH_WORKER_HOSTS", String.join(" ", workerHosts));
        this.env.put("COLDPATH_WORKER_CORES", "2");
        this.env.put("COLDPATH_WORKER_MEMORY", "2g");
        this.env.put("COLDPATH_DAEMON_JAVA_OPTS", Launcher.TEST_JVM_OPTIONS);
        this.env.putAll(env); // the workers' executors inherit it
    }

    /**
     * Starts a master and one worker per entry of {@code workerHosts} (2 cores, 2g each) and waits until every
     * worker has registered; {@code env} goes to the cluster's JVMs and so to every executor.
     */
    static LocalCluster start(Path dir, Map<String, String> env, List<String> workerHosts) throws IOException {
        LocalCluster cluster = new LocalCluster(dir, env, workerHosts);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        long start = System.nanoTime();
        cluster.script("start", Duration.ofMinutes(15));
        cluster.startup = Duration.ofNanos(System.nanoTime() - start);
        cluster.classShare = new ClusterClassShare(dir.resolve("cds"), cluster.sparkHome, dir.resolve("work"));
        return cluster;
    }

    /**
     * The cluster the test classes of this JVM share (starting one costs 10-30 s): two workers, on 127.0.0.1 and
     * 127.0.0.2, whose JVMs have {@link #AWS_ENV}. The first call starts it, later ones start again whatever JVM of
     * it is gone; it stops when the JVM exits. Callers must not close it.
     */
    static synchronized LocalCluster shared() throws IOException {
        if (shared == null) {
            shared = start(PROJECT.resolve("cli/target/it-cluster"), AWS_ENV, List.of("127.0.0.1", "127.0.0.2"));
            System.out.printf(Locale.ROOT, "LocalCluster: start-up %.1f s%n", shared.startup.toMillis() / 1000.0);
        } else {
            shared.ensureUp();
        }
        return shared;
    }

    /**
     * Starts again whatever JVM of the cluster is gone (a killed worker), and waits for every worker; starts the
     * class archive's dump if an earlier submit recorded the classes ({@link ClusterClassShare#prepare()}).
     */
    void ensureUp() throws IOException {
        script("start", Duration.ofMinutes(5));
        classShare.prepare();
    }

    String masterUrl() {
        return masterUrl;
    }

    /**
     * What a {@code coldpath submit} to this cluster adds, asked for once per submit: its executors' JVMs get the
     * tests' options, and its driver's and executors' JVMs share classes ({@link ClusterClassShare}: the first
     * submit records them, and those that start once the archive is dumped map it).
     */
    Submit nextSubmit() throws IOException {
        ClusterClassShare.Options share = classShare.next();
        return new Submit(List.of("--conf", "spark.executor.extraJavaOptions="
                + (Launcher.TEST_JVM_OPTIONS + " " + share.executor()).strip()), share.driver());
    }

    /** A submit's spark-submit options and its driver's JVM options (for SPARK_SUBMIT_OPTS). */
    record Submit(List<String> options, String driverJavaOptions) {
        /** {@code env} with the driver's JVM options added. */
        Map<String, String> environment(Map<String, String> env) {
            Map<String, String> all = new HashMap<>(env);
            if (!driverJavaOptions.isEmpty()) {
                all.merge("SPARK_SUBMIT_OPTS", driverJavaOptions, (given, ours) -> given + " " + ours);
            }
            return all;
        }
    }

    Path sparkHome() {
        return sparkHome;
    }

    Path dir() {
        return dir;
    }

    Duration startup() {
        return startup;
    }

    /** The address worker {@code n} (1-based) listens on: the host Spark knows its executors by. */
    String workerHost(int n) {
        return workerHosts.get(n - 1);
    }

    /** The JVM of worker {@code n} (1-based), from its pid file. */
    ProcessHandle worker(int n) throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve("worker-" + n + ".pid")).strip());
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("worker-" + n + " (pid " + pid
                + ") is not running"));
    }

    /** The master's JSON status, whitespace removed ("unreachable: ..." when it does not answer). */
    String masterStatus() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(masterJson)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body().replaceAll("\\s", "");
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The executor JVMs of an application, by executor id. */
    static Map<String, ProcessHandle> executors(String applicationId) {
        Map<String, ProcessHandle> executors = new HashMap<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String command = p.info().commandLine().orElse("");
            if (command.contains("CoarseGrainedExecutorBackend") && command.contains(" " + applicationId)) {
                executorId(command).ifPresent(id -> executors.put(id, p));
            }
        });
        return executors;
    }

    private static Optional<String> executorId(String command) {
        String[] words = command.split(" ");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("--executor-id")) {
                return Optional.of(words[i + 1]);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran already
        }
    }

    private void stop() {
        try {
            script("stop", Duration.ofMinutes(1));
        } catch (IOException | AssertionError e) {
            System.err.println("LocalCluster: cannot stop the local cluster in " + dir + ": " + e);
        }
    }

    private void script(String command, Duration timeout) throws IOException {
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command)
                .directory(PROJECT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile(dir, "local-cluster-" + command, ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        try {
            boolean done = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.print(output);
            if (!done) {
                process.destroyForcibly();
                throw new AssertionError("local-cluster.sh " + command + " did not finish in " + timeout + ":\n"
                        + output);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("local-cluster.sh " + command + " exited " + process.exitValue() + ":\n"
                        + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while running local-cluster.sh " + command, e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
