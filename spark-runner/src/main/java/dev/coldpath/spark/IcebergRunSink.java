package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.OutputCommitException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.plan.IcebergTable;
import dev.coldpath.core.report.RunReport;
import dev.coldpath.core.spec.IcebergInput;
import dev.coldpath.core.spec.IcebergOutput;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.WriteMode;
import dev.coldpath.core.table.RunLineage;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.TableJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSQLProperties;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Iceberg table as a {@link RunSink} (docs/iceberg.md), through Iceberg's Spark catalog. The run's rows, each
 * with {@code model_version}, {@code run_id}, {@code period} and {@code scored_at}, are written by Spark as one
 * staged snapshot (Iceberg's write-audit-publish: the snapshot exists but is not current); {@link #commit} then makes
 * that snapshot the table's current one and tags it {@code run-<id>}, in one metadata commit. Until then readers see
 * the table as it was; {@link #abort} expires the staged snapshot and its files. The run's manifest and report go to
 * {@code <table location>/coldpath/runs/<id>/}. Driver-only, not thread safe.
 */
final class IcebergRunSink implements RunSink {
    /** Where a run's manifest and report live, under the table's location. */
    static final String RUNS = "coldpath/runs";
    /** Snapshot summary properties every run's snapshot carries. */
    static final String RUN_ID_PROPERTY = "coldpath.run-id";
    static final String MODEL_NAME_PROPERTY = "coldpath.model-name";
    static final String MODEL_VERSION_PROPERTY = "coldpath.model-version";
    static final String MODEL_SHA256_PROPERTY = "coldpath.model-sha256";
    static final String MANIFEST_PROPERTY = "coldpath.manifest";
    /** The branch that holds the latest run of an {@code output.promote: manual} job until it is promoted. */
    static final String STAGING_BRANCH = "coldpath-staging";
    /** The prefix of a rerun's temporary branch ({@link #withoutEarlierAttempt}); {@code runs gc} removes old ones. */
    static final String RERUN_BRANCH_PREFIX = "coldpath-rerun-";
    /**
     * The lineage columns of an Iceberg table's rows, as a Parquet run table's: {@code period} is the run's logical
     * day (a DATE) or hour (a TIMESTAMP), NULL without one, so that {@code output.partition-by: period} makes a
     * rerun or backfill of a date replace that date's rows. A table created before it had the column keeps none.
     */
    static final List<String> LINEAGE = RunLineage.COLUMNS;

    private static final String CATALOG_KEY = "spark.sql.catalog.";
    /**
     * Iceberg's optimistic commit retries, set on the tables coldpath creates or writes (unless already set): runs
     * writing one table at once retry their metadata commits instead of failing.
     */
    static final Map<String, String> COMMIT_RETRIES = Map.of(TableProperties.COMMIT_NUM_RETRIES, "10",
            TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "100", TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "10000",
            TableProperties.COMMIT_TOTAL_RETRY_TIME_MS, "600000");
    private static final Logger LOG = LoggerFactory.getLogger(IcebergRunSink.class);

    private final SparkSession spark;
    private final HadoopFileStore store;
    private final IcebergTable target;
    private final ModelArtifact model;
    private final List<String> outputColumns;
    private final Map<String, String> inputProperties = new LinkedHashMap<>();
    private Optional<IcebergSource.Range> input = Optional.empty();
    private RunLineage lineage;
    private String wapId;
    private Table table;
    private boolean quarantined;

    /**
     * @param model         the champion's model, named in each snapshot's summary
     * @param outputColumns the columns of the run's rows: kept input columns and predictions
     */
    IcebergRunSink(SparkSession spark, HadoopFileStore store, IcebergTable target, ModelArtifact model,
                   List<String> outputColumns) {
        this.spark = requireNonNull(spark, "spark is null");
        this.store = requireNonNull(store, "store is null");
        this.target = requireNonNull(target, "target is null");
        this.model = requireNonNull(model, "model is null");
        this.outputColumns = List.copyOf(outputColumns);
    }

    /**
     * Makes {@code target}'s catalog known to Spark: a catalog configured with {@code spark.sql.catalog.<name>} is
     * used as it is; otherwise, with a warehouse, the catalog named {@value IcebergOutput#EMBEDDED_CATALOG} becomes
     * Iceberg's Hadoop catalog on that warehouse.
     */
    static void configureCatalog(SparkSession spark, HadoopFileStore store, IcebergTable target) {
        configureCatalog(spark, store, target.table(), target.warehouse(), "output.table", "output.warehouse");
    }

    /**
     * Makes the catalog of {@code table} known to Spark, as {@link #configureCatalog(SparkSession, HadoopFileStore,
     * IcebergTable)} does; {@code tableKey} and {@code warehouseKey} name the job keys that gave them, for messages.
     */
    static void configureCatalog(SparkSession spark, HadoopFileStore store, String table, String warehouseValue,
                                 String tableKey, String warehouseKey) {
        String catalog = table.substring(0, table.indexOf('.'));
        RuntimeConfig conf = spark.conf();
        String key = CATALOG_KEY + catalog;
        if (warehouseValue.isEmpty() || !catalog.equals(IcebergOutput.EMBEDDED_CATALOG)) {
            if (!conf.contains(key)) {
                throw new JobSpecException(tableKey + " " + table + " names the catalog '" + catalog
                        + "', which is not configured: set " + warehouseKey + " to use the embedded Hadoop catalog"
                        + " (named " + IcebergOutput.EMBEDDED_CATALOG + "), or configure " + key + " and its"
                        + " options with spark.* keys (docs/iceberg.md)");
            }
            return;
        }
        String warehouse = store.qualify(warehouseValue);
        if (conf.contains(key)) {
            String configured = conf.getOption(key + ".warehouse").getOrElse(() -> "");
            if (!configured.isEmpty() && !configured.equals(warehouse)) {
                throw new JobSpecException(warehouseKey + " " + warehouse + " differs from the warehouse of the"
                        + " catalog " + catalog + " already configured in this Spark session (" + configured
                        + "): use that warehouse, or run the job in its own session");
            }
            return;
        }
        conf.set(key, "org.apache.iceberg.spark.SparkCatalog");
        conf.set(key + ".type", "hadoop");
        conf.set(key + ".warehouse", warehouse);
    }

    /**
     * Records in the run's snapshot summary the Iceberg input table and the snapshot of it the run read
     * ({@value IcebergInput#TABLE_PROPERTY}, {@value IcebergInput#TABLE_UUID_PROPERTY},
     * {@value IcebergInput#SNAPSHOT_PROPERTY}): where the next incremental run starts; once the run is current, the
     * table's properties of the same names too, which an incremental run falls back on when the output table's history
     * has expired. An incremental run's {@link #commit} checks that the table's last run still read up to the range's
     * start, so that two overlapping runs do not both score it. Before {@link #write}.
     */
    void recordInput(IcebergSource.Range range) {
        input = Optional.of(range);
        inputProperties.put(IcebergInput.TABLE_PROPERTY, range.table());
        inputProperties.put(IcebergInput.TABLE_UUID_PROPERTY, range.uuid());
        inputProperties.put(IcebergInput.SNAPSHOT_PROPERTY, Long.toString(range.to()));
    }

    @Override
    public void stage(RunLineage lineage) {
        this.lineage = requireNonNull(lineage, "lineage is null");
        Set<String> clashes = new LinkedHashSet<>(LINEAGE);
        clashes.retainAll(outputColumns);
        if (!clashes.isEmpty()) {
            throw new JobSpecException("Output column " + String.join(", ", clashes) + " has the name of one of"
                    + " the Iceberg table's lineage columns " + LINEAGE + ", which every row carries: drop it from"
                    + " output.keep-columns, or set output.prefix");
        }
        configureCatalog(spark, store, target);
        wapId = lineage.runId() + "-" + UUID.randomUUID();
    }

    @Override
    public void write(ScoredRows rows, boolean quarantine) {
        StructType schema = rows.acceptedSchema().add(RunLineage.MODEL_VERSION, DataTypes.StringType)
                .add(RunLineage.RUN_ID, DataTypes.StringType)
                .add(RunLineage.PERIOD, lineage.hourly() ? DataTypes.TimestampType : DataTypes.DateType)
                .add(RunLineage.SCORED_AT, DataTypes.TimestampType);
        Table loaded = createIfAbsent(schema);
        List<Column> lineageColumns = new ArrayList<>(List.of(col("*"),
                lit(lineage.modelVersion()).as(RunLineage.MODEL_VERSION), lit(lineage.runId()).as(RunLineage.RUN_ID)));
        period(loaded).ifPresent(period -> lineageColumns.add(period.as(RunLineage.PERIOD)));
        lineageColumns.add(lit(lineage.scoredAt()).as(RunLineage.SCORED_AT));
        RejectSink rejects = RejectSink.DROP;
        if (quarantine) {
            rejects = new ParquetQuarantine(quarantineDirectory(loaded),
                    SparkInternals.parquetFiles(spark, rows.rejectedSchema()));
        }
        Dataset<Row> accepted = rows.accepted(rejects).select(lineageColumns.toArray(Column[]::new));
        DataFrameWriterV2<Row> writer = accepted.writeTo(target.table());
        summary(loaded).forEach((name, value) -> writer.option("snapshot-property." + name, value));
        String previousWap = spark.conf().getOption(SparkSQLProperties.WAP_ID).getOrElse(() -> null);
        spark.conf().set(SparkSQLProperties.WAP_ID, wapId);
        try {
            switch (target.mode()) {
                case OVERWRITE -> writer.overwrite(lit(true));
                case OVERWRITE_PARTITIONS -> writer.overwritePartitions();
                case APPEND -> {
                    if (holdsRun(loaded)) { // a rerun replaces its rows
                        writer.overwrite(col(RunLineage.RUN_ID).equalTo(lineage.runId()));
                    } else { // an append, which a concurrent commit does not conflict with
                        writer.append();
                    }
                }
            }
        } catch (Exception e) { // Spark declares NoSuchTableException, thrown through Scala code
            throw new StorageException("Cannot write run " + lineage.runId() + " to Iceberg table " + target.table()
                    + ": " + e.getMessage(), e);
        } finally {
            if (previousWap == null) {
                spark.conf().unset(SparkSQLProperties.WAP_ID);
            } else {
                spark.conf().set(SparkSQLProperties.WAP_ID, previousWap);
            }
        }
        table = loaded;
        quarantined = quarantine && store.exists(quarantineDirectory(loaded));
    }

    /**
     * The run's {@code period} value, typed as the table's column (a DATE for days, a TIMESTAMP for hours, at the
     * hour's start in UTC); empty when the table has no such column (created before it existed).
     */
    private Optional<Column> period(Table loaded) {
        Types.NestedField field = loaded.schema().findField(RunLineage.PERIOD);
        if (field == null) {
            return Optional.empty();
        }
        boolean hours = field.type().typeId() == Type.TypeID.TIMESTAMP;
        if (lineage.period().isEmpty()) {
            return Optional.of(lit(null).cast(hours ? DataTypes.TimestampType : DataTypes.DateType));
        }
        String p = lineage.period().get();
        if (hours != lineage.hourly()) {
            throw new JobSpecException("Run " + lineage.runId() + " is for the " + (lineage.hourly() ? "hour " : "day ")
                    + p + ", and the period column of Iceberg table " + target.table() + " holds "
                    + (hours ? "hours" : "days") + ": run it with " + (hours ? "--hour (run.hour)" : "--date alone")
                    + ", or write it to another table");
        }
        return Optional.of(hours ? lit(LocalDateTime.parse(p + ":00").toInstant(ZoneOffset.UTC))
                : lit(LocalDate.parse(p)));
    }

    /** Whether the table's current snapshot holds rows of this run id (files whose run_id bounds may match). */
    private boolean holdsRun(Table loaded) {
        if (loaded.currentSnapshot() == null) {
            return false;
        }
        try (CloseableIterable<FileScanTask> files = loaded.newScan()
                .filter(Expressions.equal(RunLineage.RUN_ID, lineage.runId())).planFiles()) {
            return files.iterator().hasNext();
        } catch (IOException e) {
            throw new StorageException("Cannot plan a scan of Iceberg table " + target.table() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The snapshot summary properties of this run. */
    private Map<String, String> summary(Table loaded) {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put(RUN_ID_PROPERTY, lineage.runId());
        summary.put(MODEL_NAME_PROPERTY, model.name());
        summary.put(MODEL_VERSION_PROPERTY, lineage.modelVersion());
        summary.put(MODEL_SHA256_PROPERTY, model.sha256());
        summary.put(MANIFEST_PROPERTY, store.resolve(runDirectory(loaded), RunTable.MANIFEST));
        summary.putAll(inputProperties);
        return summary;
    }

    /**
     * The table, created with the rows' columns (all nullable) and the job's partition spec if it does not exist; it
     * stages Spark's writes (write-audit-publish), and keeps full bounds of {@code run_id}, so that a rerun's
     * overwrite by run id removes whole files.
     */
    private Table createIfAbsent(StructType schema) {
        String name = target.table();
        String namespace = name.substring(0, name.lastIndexOf('.'));
        List<StructField> nullable = new ArrayList<>();
        for (StructField field : schema.fields()) {
            nullable.add(new StructField(field.name(), field.dataType(), true, field.metadata()));
        }
        String ddl = new StructType(nullable.toArray(new StructField[0])).toDDL();
        String partitioned = target.partitionBy().isEmpty() ? ""
                : " PARTITIONED BY (" + String.join(", ", target.partitionBy()) + ")";
        try {
            spark.sql("CREATE NAMESPACE IF NOT EXISTS " + namespace);
            spark.sql("CREATE TABLE IF NOT EXISTS " + name + " (" + ddl + ") USING iceberg" + partitioned
                    + " TBLPROPERTIES ('format-version'='2', '" + TableProperties.WRITE_AUDIT_PUBLISH_ENABLED
                    + "'='true', '" + TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + RunLineage.RUN_ID
                    + "'='full')");
            Table loaded = Spark3Util.loadIcebergTable(spark, name);
            if (!"true".equals(loaded.properties().get(TableProperties.WRITE_AUDIT_PUBLISH_ENABLED))) {
                LOG.info("Iceberg table {}: setting {}=true, so that a run's snapshot is staged until it commits",
                        name, TableProperties.WRITE_AUDIT_PUBLISH_ENABLED);
                loaded.updateProperties().set(TableProperties.WRITE_AUDIT_PUBLISH_ENABLED, "true").commit();
            }
            if (!loaded.properties().containsKey(TableProperties.COMMIT_NUM_RETRIES)) {
                UpdateProperties retries = loaded.updateProperties();
                COMMIT_RETRIES.forEach(retries::set);
                retries.commit();
            }
            return loaded;
        } catch (JobSpecException e) {
            throw e;
        } catch (Exception e) { // parse and catalog failures, thrown through Scala code
            throw new StorageException("Cannot create or load Iceberg table " + name + ": " + e.getMessage()
                    + " (check output.table, output.partition-by and the catalog's settings)", e);
        }
    }

    @Override
    public ShadowSink shadows(List<Shadow> shadows) {
        if (!shadows.isEmpty()) {
            throw new JobSpecException("Shadow models are not written to Iceberg tables yet: give the shadows a"
                    + " Parquet run table (output.format: parquet), or score them in their own job");
        }
        return ShadowSink.DROP;
    }

    @Override
    public Optional<String> quarantinePath() {
        return quarantined ? Optional.of(ParquetRunTableSink.QUARANTINE) : Optional.empty();
    }

    /** The snapshot tag, as the manifest's data path: the run's rows are {@code VERSION AS OF 'run-<id>'}. */
    @Override
    public String dataPath() {
        return tag(lineage.runId());
    }

    /** The tag of a run's snapshot. */
    static String tag(String runId) {
        return "run-" + runId;
    }

    @Override
    public Optional<RunDrift> drift(List<String> outputs) {
        return Optional.empty(); // not measured on Iceberg tables yet (docs/iceberg.md)
    }

    @Override
    public Committed commit(RunManifest manifest) {
        Table loaded = written();
        loaded.refresh();
        checkRangeUnread(loaded);
        Snapshot staged = staged(loaded).orElseThrow(() -> new IllegalStateException("run " + lineage.runId()
                + ": no staged snapshot with " + SnapshotSummary.STAGED_WAP_ID_PROP + " " + wapId));
        Long current = loaded.currentSnapshot() == null ? null : loaded.currentSnapshot().snapshotId();
        boolean promote = target.promote() == PromotePolicy.ON_SUCCESS;
        long head = staged.snapshotId(); // the run's snapshot, made current (or the staging branch's head) below
        long published = head;
        boolean cherrypicked = false;
        if (promote && !Objects.equals(staged.parentId(), current) && target.mode() != WriteMode.OVERWRITE) {
            published = cherrypick(loaded, staged); // another run committed while this one was written
            cherrypicked = true;
        } else if (target.mode() == WriteMode.OVERWRITE_PARTITIONS) {
            head = withoutEarlierAttempt(loaded, staged);
            published = head;
        }
        String directory = runDirectory(loaded);
        store.writeAtomically(store.resolve(directory, RunTable.MANIFEST), TableJson.write(manifest));
        RunReport.write(store, directory, manifest);
        String tag = tag(lineage.runId());
        ManageSnapshots update = loaded.manageSnapshots();
        if (promote && !cherrypicked) {
            update.setCurrentSnapshot(head);
        } else if (promote) {
            LOG.info("Run {}: another commit changed {} while the run was written; its snapshot was re-applied on"
                    + " top as snapshot {}", lineage.runId(), target.table(), published);
        } else if (loaded.refs().containsKey(STAGING_BRANCH)) {
            update.replaceBranch(STAGING_BRANCH, head);
        } else {
            update.createBranch(STAGING_BRANCH, head);
        }
        if (loaded.refs().containsKey(rerunBranch())) {
            update.removeBranch(rerunBranch());
        }
        if (loaded.refs().containsKey(tag)) {
            update.replaceTag(tag, published);
        } else {
            update.createTag(tag, published);
        }
        update.commit();
        if (promote && input.isPresent()) { // where the next incremental run starts, should this history expire
            UpdateProperties read = loaded.updateProperties();
            inputProperties.forEach(read::set);
            read.commit();
        }
        return new Committed(target.table() + " VERSION AS OF '" + tag + "' (snapshot " + published + ")",
                promote);
    }

    /**
     * An incremental run read its input from the snapshot the table's last run read; if another run committed since
     * and moved that point (it read the same rows), this run's rows would score them twice: it is aborted.
     */
    private void checkRangeUnread(Table loaded) {
        if (input.isEmpty() || !input.get().incremental()) {
            return;
        }
        IcebergSource.Range range = input.get();
        OptionalLong now = IcebergSource.lastRead(range.table(), range.uuid(), Optional.of(loaded));
        if (now.equals(range.from())) {
            return;
        }
        abort();
        throw new OutputCommitException(Fault.EXTERNAL, "Another run of " + target.table() + " read "
                + range.table() + (now.isPresent() ? " up to snapshot " + now.getAsLong()
                        : " from the start (the table was rolled back)")
                + " while this one ran, which read from " + (range.from().isPresent() ? "snapshot "
                        + range.from().getAsLong() : "the start") + ": run " + lineage.runId() + " is not committed;"
                + " start the run again, it scores only what is left", null);
    }

    /**
     * In {@code overwrite-partitions}, a rerun replaces the partitions it writes; an earlier attempt of the same run id
     * may have written rows to partitions this one does not write, which would stay. Those rows' files (every row of
     * them of this run id: {@code run_id}'s full bounds say so) are removed in a snapshot on top of the staged one, made
     * on a temporary branch, so that the run still becomes current in one metadata commit. Returns that snapshot, or
     * the staged one when there is nothing to remove. A file that also holds other runs' rows (a compaction's) stays.
     */
    private long withoutEarlierAttempt(Table loaded, Snapshot staged) {
        if (staged.parentId() == null) {
            return staged.snapshotId();
        }
        Set<String> earlier = new HashSet<>();
        runFiles(loaded, staged.parentId()).forEach(f -> earlier.add(f.location()));
        int field = loaded.schema().findField(RunLineage.RUN_ID).fieldId();
        ByteBuffer runId = Conversions.toByteBuffer(Types.StringType.get(), lineage.runId());
        List<DataFile> stale = new ArrayList<>();
        for (DataFile file : runFiles(loaded, staged.snapshotId())) { // the earlier attempt's files the write kept
            if (earlier.contains(file.location()) && file.lowerBounds() != null && file.upperBounds() != null
                    && runId.equals(file.lowerBounds().get(field)) && runId.equals(file.upperBounds().get(field))) {
                stale.add(file);
            }
        }
        if (stale.isEmpty()) {
            return staged.snapshotId();
        }
        loaded.manageSnapshots().createBranch(rerunBranch(), staged.snapshotId()).commit();
        DeleteFiles delete = loaded.newDelete();
        stale.forEach(delete::deleteFile);
        summary(loaded).forEach(delete::set);
        delete.toBranch(rerunBranch()).commit();
        loaded.refresh();
        LOG.info("Run {}: {} files of an earlier attempt, in partitions this rerun does not write, are removed",
                lineage.runId(), stale.size());
        return loaded.refs().get(rerunBranch()).snapshotId();
    }

    /** The data files of a snapshot that may hold rows of this run id ({@code run_id}'s bounds), with their stats. */
    private List<DataFile> runFiles(Table loaded, long snapshotId) {
        List<DataFile> found = new ArrayList<>();
        try (CloseableIterable<FileScanTask> files = loaded.newScan().useSnapshot(snapshotId)
                .filter(Expressions.equal(RunLineage.RUN_ID, lineage.runId())).includeColumnStats().planFiles()) {
            files.forEach(task -> found.add(task.file()));
        } catch (IOException e) {
            throw new StorageException("Cannot plan a scan of Iceberg table " + target.table() + ": "
                    + e.getMessage(), e);
        }
        return found;
    }

    /** The temporary branch on which a rerun's earlier attempt's rows are removed ({@link #withoutEarlierAttempt}). */
    private String rerunBranch() {
        return RERUN_BRANCH_PREFIX + wapId;
    }

    /**
     * Re-applies the staged snapshot on top of the table's current one (Iceberg's cherry-pick, which checks that
     * the two do not conflict: an append always applies, a partition overwrite when the other commit did not touch
     * its partitions), and returns the snapshot that is now current.
     */
    private long cherrypick(Table loaded, Snapshot staged) {
        try {
            loaded.manageSnapshots().cherrypick(staged.snapshotId()).commit();
        } catch (RuntimeException e) { // ValidationException, CherrypickAncestorCommitException, CommitFailedException
            abort();
            throw new StorageException("Cannot commit run " + lineage.runId() + " to Iceberg table " + target.table()
                    + ": another commit changed the table while the run was written, and the run's rows cannot be"
                    + " applied on top of it (" + e.getMessage() + "); run the job again", e);
        }
        loaded.refresh();
        return loaded.currentSnapshot().snapshotId();
    }

    @Override
    public void abort() {
        if (table == null) {
            return;
        }
        try {
            table.refresh();
            if (table.refs().containsKey(rerunBranch())) {
                table.manageSnapshots().removeBranch(rerunBranch()).commit();
            }
            Optional<Snapshot> staged = staged(table);
            if (staged.isPresent()) {
                table.expireSnapshots().expireSnapshotId(staged.get().snapshotId()).commit();
            }
        } catch (RuntimeException e) { // best effort: the staged snapshot was never current
            LOG.warn("Run {}: its staged snapshot in {} was not expired: {}", lineage.runId(), target.table(),
                    e.getMessage());
        }
    }

    @Override
    public String table() {
        return target.table();
    }

    private Optional<Snapshot> staged(Table loaded) {
        for (Snapshot snapshot : loaded.snapshots()) {
            if (wapId.equals(snapshot.summary().get(SnapshotSummary.STAGED_WAP_ID_PROP))) {
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }

    private String runDirectory(Table loaded) {
        return store.resolve(loaded.location(), RUNS + "/" + lineage.runId());
    }

    private String quarantineDirectory(Table loaded) {
        return store.resolve(runDirectory(loaded), ParquetRunTableSink.QUARANTINE);
    }

    private Table written() {
        if (table == null) {
            throw new IllegalStateException("the run is not written");
        }
        return table;
    }
}
