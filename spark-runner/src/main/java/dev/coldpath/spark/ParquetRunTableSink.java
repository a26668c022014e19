package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetSink;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.report.RunReport;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.JobConf;
import org.apache.parquet.hadoop.codec.CodecConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Parquet run table as a {@link RunSink} (docs/tables.md): a run is written into a staging directory through
 * Spark's commit protocol, each row with the run's lineage columns ({@link RunLineage}), its quarantine into
 * {@code _quarantine/} inside it, and committed by {@link RunTable} with its manifest and report. Driver-only.
 */
final class ParquetRunTableSink implements RunSink {
    static final String QUARANTINE = "_quarantine";
    /** The marker Spark's commit writes into the run's directory once its files are all in. */
    static final String SUCCESS = "_SUCCESS";
    private static final String TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType";
    private static final Logger LOG = LoggerFactory.getLogger(ParquetRunTableSink.class);

    /** Null for the local runner's sink. */
    private final SparkSession spark;
    private final Configuration conf;
    private final HadoopFileStore store;
    private final ParquetRunTable target;
    private final RunTable table;
    private final List<String> outputColumns;
    private RunLineage lineage;
    private boolean hourlyPeriods;
    private StagedRun staged;
    private boolean quarantined;

    /** @param outputColumns the columns of the run's rows: kept input columns and predictions */
    ParquetRunTableSink(SparkSession spark, HadoopFileStore store, ParquetRunTable target, List<String> outputColumns) {
        this(requireNonNull(spark, "spark is null"), spark.sparkContext().hadoopConfiguration(), store, target,
                outputColumns);
    }

    /**
     * The sink of the local runner, which writes the staged run itself ({@link #localFiles}) instead of through
     * {@link #write}.
     */
    ParquetRunTableSink(Configuration conf, HadoopFileStore store, ParquetRunTable target, List<String> outputColumns) {
        this(null, conf, store, target, outputColumns);
    }

    private ParquetRunTableSink(SparkSession spark, Configuration conf, HadoopFileStore store,
                                ParquetRunTable target, List<String> outputColumns) {
        this.outputColumns = List.copyOf(outputColumns);
        this.spark = spark;
        this.conf = requireNonNull(conf, "conf is null");
        this.store = requireNonNull(store, "store is null");
        this.target = requireNonNull(target, "target is null");
        this.table = new RunTable(store, store.qualify(target.path()));
    }

    @Override
    public void stage(RunLineage lineage) {
        this.lineage = lineage;
        staged = table.stage(lineage.runId(), lineage.modelVersion());
        if (staged.lineageColumns()) {
            table.checkPeriodType(lineage.period());
            hourlyPeriods = lineage.period().isPresent() ? lineage.hourly() : table.hourlyPeriods().orElse(false);
            List<String> reserved = new ArrayList<>(RunLineage.COLUMNS);
            reserved.add(RunTable.RUN_PARTITION);
            Set<String> clashes = new LinkedHashSet<>(reserved);
            clashes.retainAll(outputColumns);
            if (!clashes.isEmpty()) { // nothing is written yet: staging makes no directory
                throw new JobSpecException("Output column " + String.join(", ", clashes) + " has the name of one of"
                        + " the table's lineage columns " + reserved + ", which every row carries (docs/tables.md):"
                        + " drop it from output.keep-columns, or set output.prefix");
            }
        }
    }

    /**
     * Where the local runner writes the staged run, in files of Spark's Parquet format: each worker's accepted rows
     * (columns {@code accepted}, then the lineage columns, each nullable or not as the Spark runner's plan types it, so
     * that both runners' files have the same Parquet schema) and rejected rows
     * (columns {@code rejected}, into the quarantine when {@code quarantine}), and each of {@code shadows}' rows into
     * its directory, as {@link #shadows} writes them. The lineage columns of the rows and shadows' files are written
     * once per row group ({@link LineageParquetFiles}) where the writer's settings allow, else after each row. Call
     * after {@link #stage}; call {@link LocalFiles#written} when every worker's files are committed.
     */
    LocalFiles localFiles(StructType accepted, StructType rejected, boolean quarantine, List<Shadow> shadows) {
        boolean micros = staged().lineageColumns();
        SparkInternals.ParquetFiles rejects = quarantine
                ? SparkInternals.localParquetFiles(conf, rejected, micros) : null;
        if (!staged().lineageColumns()) {
            return new LocalFiles(staged().path(),
                    SparkInternals.localParquetFiles(conf, accepted, micros), null,
                    rejects == null ? null : store.resolve(staged().path(), QUARANTINE), rejects,
                    shadowFiles(shadows, shadow -> SparkInternals.localParquetFiles(conf, shadow, micros), true));
        }
        InternalRow suffix = lineageRow(lineage);
        SparkInternals.ParquetFiles joined = SparkInternals.localParquetFiles(conf,
                withLineageColumns(accepted, lineage, hourlyPeriods), micros);
        Optional<LineageParquetFiles> constant = LineageParquetFiles.of(joined, accepted.size(), suffix);
        return new LocalFiles(staged().path(), constant.<PartFiles>map(f -> f).orElse(joined),
                constant.isPresent() ? null : suffix,
                rejects == null ? null : store.resolve(staged().path(), QUARANTINE), rejects,
                shadowFiles(shadows, shadow -> SparkInternals.localParquetFiles(conf, shadow, micros), true));
    }

    /**
     * The local runner's files of a staged run.
     *
     * @param lineage the lineage columns' values written after each accepted row; null when the table has none or
     *                the data files write them once per row group themselves ({@link LineageParquetFiles})
     */
    final class LocalFiles {
        private final String directory;
        private final PartFiles data;
        private final InternalRow lineage;
        private final String quarantineDirectory;
        private final SparkInternals.ParquetFiles rejected;
        private final ParquetShadows shadows;
        /** The UUID in the data files' names: one a run, as Spark's write job. */
        private final String job = UUID.randomUUID().toString();
        /** The codec's extension in the data files' names ({@code .snappy}), as Spark's writer names them. */
        private final String codecExtension;

        private LocalFiles(String directory, PartFiles data, InternalRow lineage,
                           String quarantineDirectory, SparkInternals.ParquetFiles rejected, ParquetShadows shadows) {
            this.directory = directory;
            this.data = data;
            this.codecExtension = CodecConfig.from(new JobConf(data.configuration())).getCodec().getExtension();
            this.lineage = lineage;
            this.quarantineDirectory = quarantineDirectory;
            this.rejected = rejected;
            this.shadows = shadows;
        }

        /**
         * Worker {@code worker}'s file of accepted rows, named as Spark's writer names a task's file once committed:
         * {@code part-NNNNN-<the run's UUID>-c000<the codec's extension>.parquet}.
         */
        TaskParquetFile data(int worker) {
            String name = String.format(Locale.ROOT, "part-%05d-%s-c000%s.parquet", worker, job, codecExtension);
            return new TaskParquetFile(directory, name, data, "coldpath-local", "scored rows", worker, 0);
        }

        /** The constant columns to write after each accepted row (the lineage); null for none to append. */
        InternalRow suffix() {
            return lineage;
        }

        /** Where worker {@code worker} writes its rejected rows. */
        RejectSink rejects(int worker) {
            return rejected == null ? RejectSink.DROP
                    : new ParquetQuarantine(quarantineDirectory, rejected, worker);
        }

        /** Where worker {@code worker} writes its shadows' rows: a file of that number in each shadow's directory. */
        ShadowSink shadows(int worker) {
            return shadows.ofPartition(worker);
        }

        /** Every worker's files are committed: the run's directory gets its {@code _SUCCESS}, as Spark's commit. */
        void written() {
            store.writeAtomically(store.resolve(directory, SUCCESS), new byte[0]);
            quarantined = rejected != null && store.exists(quarantineDirectory);
        }
    }

    /** {@code schema} with the lineage columns after it, typed as {@link #withLineage} makes them. */
    static StructType withLineageColumns(StructType schema, RunLineage lineage, boolean hourlyPeriods) {
        DataType periodType = hourlyPeriods ? DataTypes.TimestampType : DataTypes.DateType;
        return schema.add(RunLineage.MODEL_VERSION, DataTypes.StringType, false)
                .add(RunLineage.RUN_ID, DataTypes.StringType, false)
                .add(RunLineage.PERIOD, periodType, lineage.period().isEmpty())
                .add(RunLineage.SCORED_AT, DataTypes.TimestampType, false);
    }

    @Override
    public void write(ScoredRows rows, boolean quarantine) {
        requireNonNull(spark, "the local runner's sink writes its files itself");
        RejectSink rejects = RejectSink.DROP;
        if (quarantine) {
            rejects = new ParquetQuarantine(store.resolve(staged().path(), QUARANTINE),
                    SparkInternals.parquetFiles(spark, rows.rejectedSchema()));
        }
        Dataset<Row> accepted = rows.accepted(rejects);
        if (staged().lineageColumns()) {
            accepted = withLineage(accepted, lineage, hourlyPeriods);
            useMicrosTimestamps(spark.conf());
        }
        ParquetSink.write(accepted, staged().path());
        quarantined = quarantine && store.exists(store.resolve(staged().path(), QUARANTINE));
    }

    @Override
    public ShadowSink shadows(List<Shadow> shadows) {
        if (staged().lineageColumns()) {
            useMicrosTimestamps(spark.conf()); // before the writers are prepared: they take the session's settings
        }
        return shadowFiles(shadows, schema -> SparkInternals.parquetFiles(spark, schema), false);
    }

    /**
     * The shadows' files inside the staged run, each of a schema {@code files} prepares the writers of; with
     * {@code constantLineage} (the local runner), written by {@link LineageParquetFiles} where it can.
     */
    private ParquetShadows shadowFiles(List<Shadow> shadows,
                                       Function<StructType, SparkInternals.ParquetFiles> prepare,
                                       boolean constantLineage) {
        Map<String, PartFiles> files = new LinkedHashMap<>();
        Map<String, InternalRow> suffixes = new LinkedHashMap<>();
        for (Shadow shadow : shadows) {
            StructType schema = shadow.schema();
            if (!staged().lineageColumns()) {
                files.put(shadow.name(), prepare.apply(schema));
                continue;
            }
            RunLineage own = new RunLineage(shadow.modelVersion(), lineage.runId(), lineage.period(),
                    lineage.scoredAt());
            SparkInternals.ParquetFiles joined = prepare.apply(withLineageColumns(schema, lineage, hourlyPeriods));
            Optional<LineageParquetFiles> constant = constantLineage
                    ? LineageParquetFiles.of(joined, schema.size(), lineageRow(own)) : Optional.empty();
            files.put(shadow.name(), constant.<PartFiles>map(f -> f).orElse(joined));
            if (constant.isEmpty()) {
                suffixes.put(shadow.name(), lineageRow(own));
            }
        }
        return new ParquetShadows(store.resolve(staged().path(), ParquetShadows.DIRECTORY), files, suffixes, -1);
    }

    /** The lineage columns' values as Spark holds them inside a row, as {@link #withLineage} writes them. */
    static InternalRow lineageRow(RunLineage lineage) {
        Object period = null;
        if (lineage.period().isPresent()) {
            String p = lineage.period().get();
            period = lineage.hourly() ? micros(LocalDateTime.parse(p + ":00").toInstant(ZoneOffset.UTC))
                    : (Object) (int) LocalDate.parse(p).toEpochDay();
        }
        return new GenericInternalRow(new Object[] {UTF8String.fromString(lineage.modelVersion()),
            UTF8String.fromString(lineage.runId()), period, micros(lineage.scoredAt())});
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    @Override
    public Optional<String> quarantinePath() {
        return quarantined ? Optional.of(QUARANTINE) : Optional.empty();
    }

    @Override
    public Optional<RunDrift> drift(List<String> outputs) {
        Optional<String> previousPath = table.previousDataPath(lineage.period());
        Optional<CommittedRun> previous = previousPath.flatMap(path -> table.runs().stream()
                .filter(r -> r.path().equals(path)).findFirst());
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunDrifts.measure(conf, previous.get(),
                    staged().path(), outputs, RunDrift.SAMPLE_ROWS));
        } catch (StorageException | InputDataException e) { // drift is informative: it never fails a run
            LOG.warn("Run {}: drift against the previous run {} not measured: {}", lineage.runId(),
                    previous.get().runId(), e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String dataPath() {
        return staged().dataPath();
    }

    /**
     * The rows with the run's lineage columns after them, as constants: strings, the period a DATE (an hour a
     * TIMESTAMP, at the hour's start in UTC; NULL without a period, typed as the table's others), scored_at a
     * TIMESTAMP.
     */
    static Dataset<Row> withLineage(Dataset<Row> rows, RunLineage lineage, boolean hourlyPeriods) {
        Column period;
        if (lineage.period().isEmpty()) {
            period = lit(null).cast(hourlyPeriods ? DataTypes.TimestampType : DataTypes.DateType);
        } else if (lineage.hourly()) {
            String p = lineage.period().get();
            period = lit(LocalDateTime.parse(p + ":00").toInstant(ZoneOffset.UTC));
        } else {
            period = lit(LocalDate.parse(lineage.period().get()));
        }
        return rows.select(col("*"), lit(lineage.modelVersion()).as(RunLineage.MODEL_VERSION),
                lit(lineage.runId()).as(RunLineage.RUN_ID), period.as(RunLineage.PERIOD),
                lit(lineage.scoredAt()).as(RunLineage.SCORED_AT));
    }

    /**
     * Timestamps written as Parquet's TIMESTAMP(MICROS) rather than Spark's default INT96, which other readers
     * treat as legacy; unless the session chose a type itself.
     */
    private static void useMicrosTimestamps(RuntimeConfig conf) {
        if (!conf.contains(TIMESTAMP_TYPE)) { // getOption would give the default
            conf.set(TIMESTAMP_TYPE, "TIMESTAMP_MICROS");
        }
    }

    @Override
    public Committed commit(RunManifest manifest) {
        RunReport.write(store, staged().path(), manifest);
        boolean promote = target.promote() == PromotePolicy.ON_SUCCESS;
        CommittedRun committed = table.commit(staged(), manifest, new RunTable.CommitOptions(promote,
                target.replace(), Optional.of(target.viewName()).filter(name -> !name.isEmpty())));
        return new Committed(committed.path(), promote);
    }

    @Override
    public void abort() {
        if (staged != null) {
            table.abort(staged);
        }
    }

    @Override
    public String table() {
        return table.root();
    }

    private StagedRun staged() {
        if (staged == null) {
            throw new IllegalStateException("the run is not staged");
        }
        return staged;
    }
}
