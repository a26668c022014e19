package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetSink;
import dev.coldpath.core.plan.ParquetRunTable;
import dev.coldpath.core.report.RunReport;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The Parquet run table as a {@link RunSink} (docs/tables.md): a run is written into a staging directory through
 * Spark's commit protocol, its quarantine into {@code _quarantine/} inside it, and committed by {@link RunTable}
 * with its manifest and report. Driver-only.
 */
final class ParquetRunTableSink implements RunSink {
    static final String QUARANTINE = "_quarantine";

    private final SparkSession spark;
    private final HadoopFileStore store;
    private final ParquetRunTable target;
    private final RunTable table;
    private StagedRun staged;
    private boolean quarantined;

    ParquetRunTableSink(SparkSession spark, HadoopFileStore store, ParquetRunTable target) {
        this.spark = requireNonNull(spark, "spark is null");
        this.store = requireNonNull(store, "store is null");
        this.target = requireNonNull(target, "target is null");
        this.table = new RunTable(store, store.qualify(target.path()));
    }

    @Override
    public void stage(String runId, String modelVersion) {
        staged = table.stage(runId, modelVersion);
    }

    @Override
    public void write(ScoredRows rows, boolean quarantine) {
        RejectSink rejects = RejectSink.DROP;
        if (quarantine) {
            rejects = new ParquetQuarantine(store.resolve(staged().path(), QUARANTINE),
                    SparkInternals.parquetFiles(spark, rows.rejectedSchema()));
        }
        ParquetSink.write(rows.accepted(rejects), staged().path());
        quarantined = quarantine && store.exists(store.resolve(staged().path(), QUARANTINE));
    }

    @Override
    public Optional<String> quarantinePath() {
        return quarantined ? Optional.of(QUARANTINE) : Optional.empty();
    }

    @Override
    public String dataPath() {
        return "model_version=" + staged().modelVersion() + "/run_id=" + staged().runId();
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
