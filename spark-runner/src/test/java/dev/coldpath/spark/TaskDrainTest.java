package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskDrainTest {
    private final SparkContext spark = LocalSpark.get().sparkContext();

    @TempDir
    Path tmp;

    /**
     * Partition 1 is a zombie: it writes a file every 50 ms and ignores the kill that follows the job's failure,
     * until the test releases it after the failure; then it writes its last file. Partition 0 fails once the
     * zombie has started writing. When the wait returns, the zombie must be done: no file may appear after it.
     */
    @Test
    void aFailedGroupIsSettledOnlyOnceATaskThatKeepsWritingHasStopped() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path release = tmp.resolve("release");
        String dir = out.toString();
        String releaseFile = release.toString();
        String group = "drain-" + UUID.randomUUID();
        spark.setJobGroup(group, "zombie test", true);
        try {
            assertThatThrownBy(() -> new JavaSparkContext(spark).parallelize(List.of(0, 1), 2)
                    .foreachPartition(p -> {
                        if (p.next() == 0) {
                            awaitFile(Path.of(dir, "zombie-0"));
                            throw new IllegalStateException("bad row");
                        }
                        keepWriting(Path.of(dir), Path.of(releaseFile));
                    })).hasMessageContaining("bad row");
        } finally {
            spark.clearJobGroup();
        }
        assertThat(out.resolve("last")).as("the zombie still runs").doesNotExist();
        Thread releaser = new Thread(() -> {
            sleep(300);
            touch(release);
        });
        releaser.start();

        assertThat(TaskDrain.cancelAndAwait(spark, group, Duration.ofSeconds(60))).as("settled").isTrue();
        long atSettled = files(out);
        releaser.join();
        Thread.sleep(500);

        assertThat(out.resolve("last")).as("the zombie's last file, written after the job had failed").exists();
        assertThat(files(out)).as("files written after the wait returned").isEqualTo(atSettled);
        assertThat(TaskDrain.settled(spark.statusTracker(), group)).isTrue();
    }

    @Test
    void aGroupWhoseTasksDoNotStopInTimeIsReportedAsUnsettled() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("slow"));
        Path release = tmp.resolve("release");
        String dir = out.toString();
        String releaseFile = release.toString();
        String group = "drain-" + UUID.randomUUID();
        Thread job = new Thread(() -> {
            spark.setJobGroup(group, "slow test", true);
            try {
                new JavaSparkContext(spark).parallelize(List.of(1), 1)
                        .foreachPartition(p -> keepWriting(Path.of(dir), Path.of(releaseFile)));
            } catch (Exception expected) { // SparkException: cancelled
                // cancelled, or not: the wait below is what this test is about
            } finally {
                spark.clearJobGroup();
            }
        });
        job.start();
        awaitFile(out.resolve("zombie-0"));

        assertThat(TaskDrain.cancelAndAwait(spark, group, Duration.ofMillis(200))).isFalse();
        touch(release);
        job.join();
        assertThat(TaskDrain.cancelAndAwait(spark, group, Duration.ofSeconds(60))).isTrue();
    }

    /**
     * Writes zombie-0, zombie-1, ... every 50 ms, ignoring interrupts (a kill), until {@code release} exists
     * (at most a minute); then writes "last".
     */
    private static void keepWriting(Path dir, Path release) throws IOException {
        long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        for (int i = 0; !Files.exists(release) && System.nanoTime() < end; i++) {
            write(dir.resolve("zombie-" + i));
            long pause = System.nanoTime() + 50_000_000L;
            while (System.nanoTime() < pause) {
                sleep(10);
            }
        }
        write(dir.resolve("last"));
    }

    /** java.io, which an interrupt does not close (NIO channels would, and the zombie would die). */
    private static void write(Path file) throws IOException {
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            out.write('x');
        }
    }

    /** Sleeps, ignoring interrupts: Spark interrupts a killed task's thread. */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ignored) {
            // a task that does not stop when killed
        }
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "x");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static long files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        }
    }
}
