package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.IcebergOutput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The runs of an Iceberg prediction table (docs/iceberg.md), read and rolled back through Iceberg's own API, without
 * Spark: each run is a snapshot whose summary carries {@code coldpath.run-id}, tagged {@code run-<id>}. Not thread
 * safe.
 */
public final class IcebergRunTable {
    private static final String CATALOG_KEY = "spark.sql.catalog.";

    private final String name;
    private final Table table;

    private IcebergRunTable(String name, Table table) {
        this.name = name;
        this.table = table;
    }

    /** One committed run: its snapshot and what the snapshot's summary says of it. */
    public record Run(String runId, long snapshotId, long committedAtMillis, String modelName, String modelVersion,
                      String modelSha256, String manifest, long rows, boolean current, boolean tagged) {
        public Run {
            requireNonNull(runId, "runId is null");
        }
    }

    /** A rollback: the run that was current, and the run that is now. */
    public record RolledBack(Run from, Run to) {
    }

    /**
     * Opens table {@code name} ({@code <catalog>.<namespace>.<table>}) of the catalog that the
     * {@code spark.sql.catalog.<catalog>.*} keys of {@code sparkConf} configure, or, with none and a
     * {@code warehouse}, of the embedded Hadoop catalog named {@value IcebergOutput#EMBEDDED_CATALOG}.
     */
    public static IcebergRunTable open(String name, Optional<String> warehouse, Map<String, String> sparkConf,
                                       Configuration hadoop) {
        int dot = name.indexOf('.');
        String catalogName = dot < 0 ? "" : name.substring(0, dot);
        Map<String, String> options = new LinkedHashMap<>();
        String prefix = CATALOG_KEY + catalogName + ".";
        sparkConf.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                options.put(key.substring(prefix.length()), value);
            }
        });
        if (options.isEmpty()) {
            if (warehouse.isEmpty() || !catalogName.equals(IcebergOutput.EMBEDDED_CATALOG)) {
                throw new JobSpecException("Table " + name + ": its catalog '" + catalogName + "' is not configured:"
                        + " give --warehouse for the embedded Hadoop catalog (named "
                        + IcebergOutput.EMBEDDED_CATALOG + "), or --conf " + prefix + "type=... and the catalog's"
                        + " other options (docs/iceberg.md)");
            }
            options.put(CatalogUtil.ICEBERG_CATALOG_TYPE, "hadoop");
            options.put("warehouse", warehouse.get());
        }
        Catalog catalog = CatalogUtil.buildIcebergCatalog(catalogName, options, hadoop);
        try {
            return new IcebergRunTable(name, catalog.loadTable(TableIdentifier.parse(name.substring(dot + 1))));
        } catch (NoSuchTableException e) {
            throw new JobSpecException("Iceberg table " + name + " does not exist (check the name and the catalog's"
                    + " settings, or run a job with output.table " + name + ")");
        }
    }

    /** Every committed run's snapshot, oldest first, rolled-back ones included. */
    public List<Run> runs() {
        Snapshot current = table.currentSnapshot();
        Map<String, SnapshotRef> refs = table.refs();
        List<Run> runs = new ArrayList<>();
        for (Snapshot snapshot : table.snapshots()) {
            Map<String, String> summary = snapshot.summary();
            String runId = summary.get(IcebergRunSink.RUN_ID_PROPERTY);
            if (runId == null || summary.containsKey(SnapshotSummary.STAGED_WAP_ID_PROP) && !published(snapshot)) {
                continue; // not a run, or a staged run that was never published
            }
            SnapshotRef tag = refs.get(IcebergRunSink.tag(runId));
            runs.add(new Run(runId, snapshot.snapshotId(), snapshot.timestampMillis(),
                    summary.getOrDefault(IcebergRunSink.MODEL_NAME_PROPERTY, ""),
                    summary.getOrDefault(IcebergRunSink.MODEL_VERSION_PROPERTY, ""),
                    summary.getOrDefault(IcebergRunSink.MODEL_SHA256_PROPERTY, ""),
                    summary.getOrDefault(IcebergRunSink.MANIFEST_PROPERTY, ""),
                    Long.parseLong(summary.getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0")),
                    current != null && current.snapshotId() == snapshot.snapshotId(),
                    tag != null && tag.snapshotId() == snapshot.snapshotId()));
        }
        runs.sort(Comparator.comparingLong(Run::committedAtMillis));
        return runs;
    }

    /** A staged snapshot counts once a tag or the main branch's history has taken it in. */
    private boolean published(Snapshot snapshot) {
        if (table.refs().values().stream().anyMatch(ref -> ref.snapshotId() == snapshot.snapshotId())) {
            return true;
        }
        return table.history().stream().anyMatch(entry -> entry.snapshotId() == snapshot.snapshotId());
    }

    /** The run tagged {@code run-<id>}: the latest commit of that run id. */
    public Optional<Run> run(String runId) {
        return runs().stream().filter(r -> r.runId().equals(runId) && r.tagged()).findFirst();
    }

    /** The run whose snapshot is the table's current one. */
    public Optional<Run> current() {
        return runs().stream().filter(Run::current).findFirst();
    }

    /** The Spark SQL that reads a run. */
    public String query(Run run) {
        return "SELECT * FROM " + name + " VERSION AS OF '" + IcebergRunSink.tag(run.runId()) + "'";
    }

    /**
     * Makes the run before the current one current again (Iceberg's rollback to the nearest ancestor snapshot of a
     * run), without recomputing.
     */
    public RolledBack rollback() {
        Run from = current().orElseThrow(() -> new JobSpecException("Table " + name + " has no current run to roll"
                + " back from"));
        Map<Long, Run> bySnapshot = new LinkedHashMap<>();
        runs().forEach(r -> bySnapshot.put(r.snapshotId(), r));
        Snapshot at = table.snapshot(from.snapshotId());
        while (at.parentId() != null) {
            at = table.snapshot(at.parentId());
            if (at == null) {
                break; // expired
            }
            Run to = bySnapshot.get(at.snapshotId());
            if (to != null) {
                table.manageSnapshots().rollbackTo(to.snapshotId()).commit();
                table.refresh();
                return new RolledBack(from, current().orElse(to));
            }
        }
        throw new JobSpecException("Table " + name + " has no earlier run to roll back to (its current run "
                + from.runId() + " is its first)");
    }

    /** The table's name as given. */
    public String name() {
        return name;
    }
}
