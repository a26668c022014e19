package dev.coldpath.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One class data sharing archive for the drivers and executors of the test cluster's submits. About half of a
 * submit's CPU time is its JVMs loading, parsing and verifying Spark's classes from the jars: the first submit's
 * driver and executors list the classes they load; once it has ended, their union is dumped in the background into
 * an archive for the class path drivers and executors share (SPARK_HOME's conf/, its slf4j-api jar, then jars/*, as
 * Spark's launcher and scripts/spark-submit.sh build it) and checked by a JVM that maps it; every submit that starts
 * after that maps it. Submits meanwhile run without it: no test waits for the dump (in a full run, a dump between
 * tests cost the cluster lane, the suite's longest, 154 s of wall time). A fresh archive per test JVM, renamed into
 * place only once checked: a truncated one crashes the JVM that maps it (SIGBUS), and one whose class path or jars do
 * not match is ignored without a word. The system property {@code coldpath.cluster.cds=off} (e.g.
 * {@code mvn verify -Dcoldpath.cluster.cds=off}) turns it off. Not thread safe: the cluster's
 * {@link LocalCluster#LOCK} holders use it one at a time (the dump's thread only completes {@link #dumped}).
 */
final class ClusterClassShare {
    /** Fewer classes than this in the driver's list: that submit stopped early, and the next one records again. */
    private static final int MIN_CLASSES = 5000;
    private static final String EXECUTOR_LIST = "classes.lst";

    private enum State { RECORD, RECORDED, DUMPING, SHARED, OFF }

    /** JVM options for one submit: its driver's (spark-submit's JVM) and its executors'. */
    record Options(String driver, String executor) {
    }

    private final Path dir;
    private final Path workDir;
    private final String classPath;
    private final Path driverList;
    private final Path archive;
    private State state;
    private FileTime recordedSince;
    /** The dump's outcome once it has ended: true when the archive is in place. */
    private CompletableFuture<Boolean> dumped;

    /**
     * @param dir       where the lists, the archive and the dump's log go (emptied here)
     * @param sparkHome the cluster's SPARK_HOME
     * @param workDir   the workers' work folders (executors run in a folder below it)
     */
    ClusterClassShare(Path dir, Path sparkHome, Path workDir) throws IOException {
        this.dir = dir;
        this.workDir = workDir;
        this.classPath = classPath(sparkHome);
        this.driverList = dir.resolve("driver.classes.lst");
        this.archive = dir.resolve("spark.jsa");
        deleteTree(dir);
        Files.createDirectories(dir);
        state = System.getProperty("coldpath.cluster.cds", "on").equals("off") ? State.OFF : State.RECORD;
    }

    /**
     * Starts the dump if a submit has recorded the classes; callers do it between tests, when the recording submit
     * has ended.
     */
    void prepare() throws IOException {
        if (state == State.RECORDED) {
            startDump();
        }
    }

    /**
     * The options of the next submit: record, map the archive if its dump has ended, or nothing. It never starts the
     * dump: the recording submit may still run beside this one (four jobs at once).
     */
    Options next() throws IOException {
        if (state == State.DUMPING && dumped.isDone()) {
            state = dumped.join() ? State.SHARED : State.OFF;
        }
        switch (state) {
            case RECORD -> {
                Files.deleteIfExists(driverList);
                recordedSince = FileTime.fromMillis(System.currentTimeMillis() - 1000);
                state = State.RECORDED;
                // the executors' lists go into their own work folders (their working directories)
                return new Options("-XX:DumpLoadedClassList=" + driverList, "-XX:DumpLoadedClassList=" + EXECUTOR_LIST);
            }
            case SHARED -> {
                String map = "-XX:SharedArchiveFile=" + archive + " -Xshare:auto";
                return new Options(map, map);
            }
            default -> {
                return new Options("", "");
            }
        }
    }

    /** Dumps the recorded classes into the archive on a thread of its own; records again if too few were listed. */
    private void startDump() throws IOException {
        List<String> driver = completeLines(driverList);
        if (driver.size() < MIN_CLASSES) {
            System.out.printf("ClusterClassShare: the recording driver listed %d classes: recording again%n",
                    driver.size());
            state = State.RECORD;
            return;
        }
        Set<String> classes = new LinkedHashSet<>(driver);
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path list : files.filter(f -> f.getFileName().toString().equals(EXECUTOR_LIST))
                    .filter(f -> modifiedSince(f, recordedSince)).sorted().toList()) {
                classes.addAll(completeLines(list));
            }
        }
        Path union = Files.write(dir.resolve("classes.lst"), classes, StandardCharsets.ISO_8859_1);
        state = State.DUMPING;
        dumped = CompletableFuture.supplyAsync(() -> dump(union, classes.size()), runnable -> {
            Thread thread = new Thread(runnable, "cluster-class-share-dump");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private boolean dump(Path classList, int classes) {
        Path dumping = dir.resolve("spark.jsa.tmp");
        Path log = dir.resolve("dump.log");
        long start = System.nanoTime();
        try {
            if (java(log, "-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                    "-XX:SharedArchiveFile=" + dumping, "-cp", classPath)
                    && java(log, "-XX:SharedArchiveFile=" + dumping, "-Xshare:on", "-XX:+VerifySharedSpaces",
                            "-cp", classPath, "-version")) {
                Files.move(dumping, archive, StandardCopyOption.ATOMIC_MOVE);
                System.out.printf("ClusterClassShare: %d classes dumped into %s (%d MB) in %.1f s%n", classes,
                        archive, Files.size(archive) >> 20, (System.nanoTime() - start) / 1e9);
                return true;
            }
            List<String> lines = Files.readAllLines(log);
            System.out.printf("ClusterClassShare: no archive, submits load their classes from the jars; %s ends:%n"
                    + "%s%n", log, String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        } catch (IOException e) {
            System.out.printf("ClusterClassShare: no archive, submits load their classes from the jars: %s%n", e);
        }
        return false;
    }

    /** Runs the cluster's java (JAVA_HOME's, else the PATH's, as spark-java-options.sh) with the tests' options. */
    private static boolean java(Path log, String... args) throws IOException {
        String javaHome = System.getenv("JAVA_HOME");
        List<String> command = new ArrayList<>(List.of(javaHome == null || javaHome.isBlank() ? "java"
                : Path.of(javaHome, "bin", "java").toString()));
        command.addAll(List.of(Launcher.TEST_JVM_OPTIONS.split(" ")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // a test JVM that ends during the dump takes the dump with it
        Thread stop = new Thread(process::destroyForcibly, "stop-cluster-class-share-dump");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran already
            }
        }
    }

    /** SPARK_HOME's conf folder, its slf4j-api jars, then all its jars: the class path Spark's launcher builds. */
    static String classPath(Path sparkHome) throws IOException {
        List<String> entries = new ArrayList<>(List.of(sparkHome.resolve("conf").toString()));
        try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
            jars.filter(j -> j.getFileName().toString().startsWith("slf4j-api-")).sorted()
                    .forEach(j -> entries.add(j.toString()));
        }
        entries.add(sparkHome.resolve("jars") + "/*");
        return String.join(":", entries);
    }

    /** The file's lines without a last one cut short (a JVM killed while writing it). */
    private static List<String> completeLines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end).lines().toList();
    }

    private static boolean modifiedSince(Path file, FileTime since) {
        try {
            return Files.getLastModifiedTime(file).compareTo(since) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
