package dev.coldpath.spark;

import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.ImageColumn;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ScoringPlan;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A task's image decode-ahead ({@code image.decode-ahead}): while the task scores a batch, the next batch's images are
 * decoded and preprocessed on one helper thread of the task's own ({@link ImageColumn#decodeAhead}), one batch ahead
 * and no more. With {@code auto} it is on when a core is free ({@link #freeCore}): on a machine whose cores all run
 * tasks or other processes, a second thread only takes time from them. It
 * also times the images' decoding for the {@code image} stage. Built on the executor, one per task; not thread safe.
 */
final class ImageDecodeAhead implements AutoCloseable {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

    private final ImageColumn[] images;
    private final byte[][][] bytes;
    private final boolean on;
    private final boolean readAhead;
    private ExecutorService helper;

    private ImageDecodeAhead(ImageColumn[] images, boolean on, boolean readAhead) {
        this.images = images;
        this.bytes = new byte[images.length][][];
        this.on = on;
        this.readAhead = readAhead;
    }

    /**
     * The decode-ahead of a task of {@code plan} whose sessions run {@code threads} threads each.
     *
     * @param readAhead    whether the task's chunks stay valid while the next one is read
     * @param localWorkers outside Spark, the local runner's workers scoring at once in this JVM (its task slots);
     *                     0 in a Spark task
     */
    static ImageDecodeAhead of(ScoringPlan plan, int threads, boolean readAhead, int localWorkers) {
        Map<ImageColumn, Boolean> distinct = new IdentityHashMap<>();
        List<ImageColumn> images = new ArrayList<>();
        for (ModelBinding binding : plan.bindings()) {
            for (Encoder encoder : binding.encoders()) {
                if (encoder instanceof ImageColumn image && distinct.put(image, Boolean.TRUE) == null) {
                    images.add(image);
                }
            }
        }
        boolean on = !images.isEmpty() && images.stream().allMatch(i -> switch (i.decodeAhead()) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> localWorkers > 0 ? freeCore(threads, localWorkers) : freeCore(threads);
        });
        return new ImageDecodeAhead(images.toArray(ImageColumn[]::new), on, readAhead);
    }

    /** Whether the plan reads images. */
    boolean readsImages() {
        return images.length > 0;
    }

    /** Whether images are decoded ahead. */
    boolean on() {
        return on;
    }

    /** Whether the task may read its next chunk early to decode its first batch ahead. */
    boolean readAhead() {
        return readAhead;
    }

    /** Starts decoding the images of rows {@code from} to {@code to} of {@code chunk}: the next batch's. */
    void start(InputChunk chunk, int from, int to) {
        if (from >= to) {
            return;
        }
        if (helper == null) {
            helper = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "coldpath-decode-ahead");
                t.setDaemon(true);
                return t;
            });
        }
        int n = to - from;
        for (int i = 0; i < images.length; i++) {
            if (bytes[i] == null || bytes[i].length < n) {
                bytes[i] = new byte[n][];
            }
            int ordinal = images[i].ordinal();
            for (int r = 0; r < n; r++) {
                InternalRow row = chunk.row(from + r);
                bytes[i][r] = row.isNullAt(ordinal) ? null : row.getBinary(ordinal);
            }
            images[i].decodeAhead(bytes[i], n, helper);
        }
    }

    /** Nanoseconds spent decoding images on the task's thread since the last call. */
    long takeInlineNanos() {
        long n = 0;
        for (ImageColumn image : images) {
            n += image.takeInlineNanos();
        }
        return n;
    }

    /** Nanoseconds the helper spent on the batches whose images were taken since the last call. */
    long takeAheadNanos() {
        long n = 0;
        for (ImageColumn image : images) {
            n += image.takeAheadNanos();
        }
        return n;
    }

    /**
     * Whether this executor has a core its task slots leave free: more cores than slots × {@code threads}, and a
     * system load average (the last minute's, when the system gives it) below the cores less a half, so that a core
     * taken by other processes does not count as free. The slots are local[N]'s N on local Spark, else {@code
     * spark.executor.cores} / {@code spark.task.cpus}. Decided once per task, when it starts.
     */
    static boolean freeCore(int threads) {
        int cores = Runtime.getRuntime().availableProcessors();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 0 && load > cores - 0.5) {
            return false;
        }
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return cores > threads;
        }
        SparkConf conf = env.conf();
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        Matcher local = LOCAL.matcher(conf.get("spark.master", ""));
        int slots;
        if (local.matches()) {
            slots = local.group(1) == null ? 1 : local.group(1).equals("*") ? cores
                    : Integer.parseInt(local.group(1));
        } else {
            slots = conf.getInt("spark.executor.cores", cores);
        }
        return cores > Math.max(1, slots / taskCpus) * threads;
    }

    /**
     * As {@link #freeCore(int)} for the local runner, whose {@code workers} are its task slots: more cores than
     * workers × {@code threads}, and the system load below the cores less a half.
     */
    static boolean freeCore(int threads, int workers) {
        int cores = Runtime.getRuntime().availableProcessors();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return (load < 0 || load <= cores - 0.5) && cores > workers * threads;
    }

    /** Stops the helper thread, if it was started. */
    @Override
    public void close() {
        if (helper != null) {
            helper.shutdownNow();
        }
    }
}
