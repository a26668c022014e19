package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import com.sun.management.OperatingSystemMXBean;
import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.spec.BadFilesPolicy;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.spec.Runner;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.WholeStageCodegenExec$;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * Which runner scores a job, and why (docs/operations.md, Runner): {@code runner: spark} and {@code local} as asked
 * (local refuses a job it cannot run, naming why); {@code auto} takes local when the master is local (or unset),
 * the input is on a file system the local runner reads ({@link #LOCAL_SCHEMES}: local disk, and s3a through Hadoop's
 * FileSystem), its files total under {@code runner.local-max-bytes}, and the local runner supports the plan; else
 * Spark. Decided after the preflight, from what it listed (and, last, the listed files' footers, as
 * the local runner reads one schema for all its files); starts no Spark session.
 *
 * @param runner {@link Runner#SPARK} or {@link Runner#LOCAL}
 * @param reason one line for the summary and the manifest
 */
public record RunnerChoice(Runner runner, String reason) {
    private static final Pattern LOCAL_MASTER = Pattern.compile("local(\\[.*])?");
    private static final Set<String> SPLIT_SIZES = Set.of("spark.sql.files.maxPartitionBytes",
            "spark.sql.files.openCostInBytes");
    /** The schemes of the inputs the local runner reads, through Hadoop's FileSystem with the job's settings. */
    static final List<String> LOCAL_SCHEMES = List.of("file", "s3a");
    public RunnerChoice {
        requireNonNull(runner, "runner is null");
        requireNonNull(reason, "reason is null");
        if (runner == Runner.AUTO) {
            throw new IllegalArgumentException("a choice is spark or local: " + runner);
        }
    }

    public boolean local() {
        return runner == Runner.LOCAL;
    }

    /** The runner for the job the preflight checked. */
    public static RunnerChoice choose(JobPreflight.Checked checked) {
        JobSpec spec = checked.spec();
        Runner asked = spec.runner().runner();
        if (asked == Runner.SPARK) {
            return new RunnerChoice(Runner.SPARK, "runner: spark");
        }
        String master = JobPreflight.master(spec);
        boolean cluster = System.getProperty("spark.submit.deployMode") != null
                || !LOCAL_MASTER.matcher(master).matches();
        Optional<String> unsupported = unsupported(checked);
        if (asked == Runner.LOCAL) {
            if (cluster) { // it runs in this JVM: a cluster's master (or spark-submit's) is the user's mistake
                unsupported = Optional.of("the master is " + master + (LOCAL_MASTER.matcher(master).matches()
                        ? ", under spark-submit" : "") + ", and the local runner scores in this JVM only");
            }
            unsupported = unsupported.or(() -> differentColumns(checked));
            if (unsupported.isPresent()) {
                throw new JobSpecException("runner: local cannot run this job: " + unsupported.get() + " (use"
                        + " runner: spark, or auto)");
            }
            return new RunnerChoice(Runner.LOCAL, "runner: local");
        }
        if (unsupported.isPresent()) {
            return new RunnerChoice(Runner.SPARK, "runner: auto, and the local runner does not take "
                    + unsupported.get());
        }
        if (cluster) {
            return new RunnerChoice(Runner.SPARK, "runner: auto, and " + (LOCAL_MASTER.matcher(master).matches()
                    ? "the job runs under spark-submit (master " + master + ")" : "the master is " + master));
        }
        long bytes = checked.files().stream().mapToLong(ParquetSource.InputFile::sizeBytes).sum();
        long max = spec.runner().localMaxBytes().orElseGet(RunnerChoice::defaultLocalMaxBytes);
        String size = checked.files().size() + " file" + (checked.files().size() == 1 ? "" : "s") + " of "
                + bytes(bytes);
        if (bytes > max) {
            return new RunnerChoice(Runner.SPARK, "runner: auto, and the input (" + size + ") is over"
                    + " runner.local-max-bytes " + bytes(max));
        }
        Optional<String> different = differentColumns(checked); // last: it reads the footers the preflight did not
        if (different.isPresent()) {
            return new RunnerChoice(Runner.SPARK, "runner: auto, and the local runner does not take "
                    + different.get());
        }
        return new RunnerChoice(Runner.LOCAL, "runner: auto: master " + master + ", input " + size
                + " on " + where(checked.files(), checked.hadoop())
                + ", under runner.local-max-bytes " + bytes(max));
    }

    /** What in the job the local runner does not do, if anything. */
    static Optional<String> unsupported(JobPreflight.Checked checked) {
        JobSpec spec = checked.spec();
        if (spec.input().incremental()) {
            return Optional.of("input.incremental");
        }
        if (spec.input().badFiles() == BadFilesPolicy.SKIP) {
            return Optional.of("input.bad-files: skip");
        }
        if (checked.sparkOnly().isPresent()) { // the local runner reads the listed files as plain Parquet
            return checked.sparkOnly();
        }
        Optional<String> sqlKey = spec.sparkConf().keySet().stream().sorted()
                .filter(k -> k.startsWith("spark.sql.parquet.") || k.startsWith("spark.sql.legacy.parquet.")
                        || k.equals("spark.sql.caseSensitive") || k.equals("spark.sql.session.timeZone"))
                .findFirst(); // the local runner reads and writes Parquet at Spark's default settings
        if (sqlKey.isPresent()) {
            return Optional.of("Spark's Parquet settings (" + sqlKey.get() + ")");
        }
        Optional<String> filesKey = spec.sparkConf().keySet().stream().sorted()
                .filter(k -> k.startsWith("spark.sql.files.") || k.equals("spark.sql.sources.binaryFile.maxLength"))
                .filter(k -> !SPLIT_SIZES.contains(k)) // the local runner cuts its splits by these, as Spark does
                .findFirst(); // which files and bytes are read: Spark's defaults locally
        if (filesKey.isPresent()) {
            return Optional.of("Spark's file-source settings (" + filesKey.get() + ")");
        }
        if (checked.plan().isEmpty()) {
            return Optional.of("an input without a plan");
        }
        ScoringPlan plan = checked.plan().get();
        if (!(plan.output().sink() instanceof ParquetRunTable)) {
            return Optional.of("output.format: iceberg");
        }
        // a listed path without a scheme (an Iceberg table's may have none) is on fs.defaultFS, maybe HDFS
        Configuration conf = checked.hadoop();
        for (ParquetSource.InputFile file : checked.files()) {
            String scheme = qualified(file.path(), conf).getScheme();
            if (!LOCAL_SCHEMES.contains(scheme)) {
                return Optional.of("an input on " + scheme + ": (it reads local disk and s3a)");
            }
        }
        if (spec.input().images()) { // Spark lists image folders recursively, without partition columns
            return Optional.empty();
        }
        Path root = new Path(checked.input()).makeQualified(URI.create("file:///"),
                new Path(Paths.get("").toAbsolutePath().toUri())); // the local file system's working directory
        for (ParquetSource.InputFile file : checked.files()) {
            if (underPartitionDirectory(new Path(file.path()), root)) {
                return Optional.of("partition directories (" + file.path() + ")");
            }
        }
        return rowScan(spec, conf, checked.files(), checked.footers());
    }

    /**
     * Why Spark would score the input's rows rather than its Parquet scan's columnar batches, if it would: Spark's
     * own rule ({@link ColumnarInput#readsColumnar}) on the schema the local runner reads (the first file's), under
     * the job's Spark SQL settings. Rows are batched differently (a length-ordered text model sorts windows that
     * span files, and the manifest's batches differ), and the local runner only reads batches.
     */
    private static Optional<String> rowScan(JobSpec spec, Configuration conf, List<ParquetSource.InputFile> files,
                                            Optional<ParquetFooters.Footers> footers) {
        if (files.isEmpty()) {
            return Optional.empty();
        }
        SQLConf sql = new SQLConf(); // as the session's: spark-submit's --conf (system properties), then the job's
        Map<String, String> settings = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("spark.sql."))
                .forEach(k -> settings.put(k, System.getProperty(k)));
        spec.sparkConf().forEach((k, v) -> {
            if (k.startsWith("spark.sql.")) {
                settings.put(k, v);
            }
        });
        try {
            settings.forEach(sql::setConfString);
        } catch (IllegalArgumentException e) { // a value Spark rejects: Spark says which when its session starts
            return Optional.of("Spark's SQL settings as given (" + e.getMessage() + ")");
        }
        StructType schema = LocalParquetInput.schema(conf, files.get(0).path(), footers);
        if (ColumnarInput.readsColumnar(sql, schema)) {
            return Optional.empty();
        }
        String why = !sql.wholeStageEnabled() ? SQLConf.WHOLESTAGE_CODEGEN_ENABLED().key() + " false"
                : WholeStageCodegenExec$.MODULE$.isTooManyFields(sql, schema) ? "more than "
                + SQLConf.WHOLESTAGE_MAX_NUM_FIELDS().key() + " (" + sql.wholeStageMaxNumFields() + ") fields, nested"
                + " ones counted" : "columns Spark's vectorized Parquet reader does not read";
        return Optional.of("an input Spark scores as rows, not as its Parquet scan's columnar batches (" + why + ")");
    }

    /** Whether a directory between {@code root} and {@code file} (qualified, normalised paths) is a {@code k=v}. */
    private static boolean underPartitionDirectory(Path file, Path root) {
        boolean partition = false;
        for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
            if (dir.toUri().getPath().equals(root.toUri().getPath())) {
                return partition;
            }
            partition |= dir.getName().contains("=");
        }
        return false; // the input is the file itself
    }

    /**
     * Input files whose columns, as Spark reads them, differ from the first file's (Spark reads them as one
     * merged schema; the local runner reads every file with the first file's), if any.
     */
    static Optional<String> differentColumns(JobPreflight.Checked checked) {
        List<ParquetSource.InputFile> files = checked.files();
        if (files.size() < 2 || checked.spec().input().images()) { // image files all have binaryFile's columns
            return Optional.empty();
        }
        Configuration conf = checked.hadoop();
        String first = files.get(0).path();
        // the footers the preflight read, as it read them; only those it did not (of inputs of over 64 files) now
        Optional<ParquetFooters.Footers> footers = checked.footers();
        StructType schema = LocalParquetInput.schema(conf, first, footers);
        for (ParquetSource.InputFile file : files.subList(1, files.size())) {
            if (!LocalParquetInput.schema(conf, file.path(), footers).equals(schema)) {
                return Optional.of("input files of different columns (" + file.path() + "'s differ from " + first
                        + "'s)");
            }
        }
        return Optional.empty();
    }

    /** Where the listed files are, for the reason: local disk, or an s3a bucket. */
    private static String where(List<ParquetSource.InputFile> files, Configuration conf) {
        URI uri = files.isEmpty() ? URI.create("file:///") : qualified(files.get(0).path(), conf);
        return "file".equals(uri.getScheme()) ? "local disk" : uri.getScheme() + "://" + uri.getAuthority();
    }

    /** {@code path} with a scheme: its own, or for an absolute path without one, the default file system's. */
    private static URI qualified(String path, Configuration conf) {
        return new Path(path).makeQualified(FileSystem.getDefaultUri(conf), new Path("/")).toUri();
    }

    /** A quarter of the machine's memory: what {@code runner.local-max-bytes} is by default. */
    public static long defaultLocalMaxBytes() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 4;
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
