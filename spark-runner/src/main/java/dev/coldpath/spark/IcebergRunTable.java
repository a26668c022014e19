package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.spec.IcebergOutput;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of an Iceberg prediction table (docs/iceberg.md), read and rolled back through Iceberg's own API, without
 * Spark: each run is a snapshot whose summary carries {@code coldpath.run-id}, tagged {@code run-<id>}. Not thread
 * safe.
 */
public final class IcebergRunTable implements AutoCloseable {
    private static final String CATALOG_KEY = "spark.sql.catalog.";
    private static final Logger LOG = LoggerFactory.getLogger(IcebergRunTable.class);

    private final String name;
    private final Loaded loaded;
    private final Table table;
    private final Configuration hadoop;

    private IcebergRunTable(String name, Loaded loaded, Configuration hadoop) {
        this.name = name;
        this.loaded = loaded;
        this.table = loaded.table();
        this.hadoop = hadoop;
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
     * {@code warehouse}, of the embedded Hadoop catalog named {@value IcebergOutput#EMBEDDED_CATALOG}. The caller
     * closes it, which closes the catalog (a JDBC catalog's connections, a REST catalog's client).
     */
    public static IcebergRunTable open(String name, Optional<String> warehouse, Map<String, String> sparkConf,
                                       Configuration hadoop) {
        try {
            Loaded loaded = load("table", name, warehouse, sparkConf, hadoop);
            return new IcebergRunTable(name, loaded, hadoop);
        } catch (NoSuchTableException e) {
            throw new JobSpecException("Iceberg table " + name + " does not exist (check the name and the catalog's"
                    + " settings, or run a job with output.table " + name + ")");
        }
    }

    /** A table loaded through Iceberg's API and the catalog that loaded it, which closing closes. */
    record Loaded(Table table, Catalog catalog) implements AutoCloseable {
        Loaded {
            requireNonNull(table, "table is null");
            requireNonNull(catalog, "catalog is null");
        }

        @Override
        public void close() {
            closeCatalog(catalog);
        }
    }

    private static void closeCatalog(Catalog catalog) {
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) { // the work is done; a catalog that fails to close is noise
                LOG.warn("Iceberg catalog {} did not close cleanly: {}", catalog.name(), e.getMessage());
            }
        }
    }

    /**
     * Loads table {@code name} of its catalog as {@link #open} finds it, through Iceberg's API, without Spark; the
     * caller closes the result. A catalog that cannot be reached or read is a {@link StorageException} that names
     * the {@code role} ("input table", ...), the table and the catalog's keys; settings the catalog refuses, a
     * {@link JobSpecException}.
     *
     * @throws NoSuchTableException when the catalog has no such table
     */
    static Loaded load(String role, String name, Optional<String> warehouse, Map<String, String> sparkConf,
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
        String cannot = "Cannot load " + role + " " + name + " from catalog " + catalogName + ": ";
        String check = " (check " + prefix + "* and that the catalog is reachable)";
        Catalog catalog;
        try {
            catalog = CatalogUtil.buildIcebergCatalog(catalogName, options, hadoop);
        } catch (IllegalArgumentException e) { // an unknown type, an option missing: the settings are wrong
            throw new JobSpecException(cannot + e.getMessage() + " (check " + prefix + "*)");
        } catch (RuntimeException e) { // connecting: JDBC, HTTP, the warehouse's file system
            throw new StorageException(cannot + firstLine(e) + check, e);
        }
        try {
            return new Loaded(catalog.loadTable(TableIdentifier.parse(name.substring(dot + 1))), catalog);
        } catch (NoSuchTableException e) {
            closeCatalog(catalog);
            throw e;
        } catch (RuntimeException e) {
            closeCatalog(catalog);
            throw new StorageException(cannot + firstLine(e) + check, e);
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Every committed run's snapshot, oldest first, rolled-back ones included. */
    public List<Run> runs() {
        Snapshot current = table.currentSnapshot();
        Map<String, SnapshotRef> refs = table.refs();
        List<Run> runs = new ArrayList<>();
        for (Snapshot snapshot : table.snapshots()) {
            Map<String, String> summary = summary(table, snapshot);
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

    /**
     * A snapshot's summary; a run's snapshot that a cherry-pick re-applied on top of a concurrent commit (see
     * IcebergRunSink) takes the coldpath properties of the staged snapshot it came from.
     */
    static Map<String, String> summary(Table table, Snapshot snapshot) {
        Map<String, String> own = snapshot.summary();
        String source = own.get(SnapshotSummary.SOURCE_SNAPSHOT_ID_PROP);
        Snapshot staged = source == null || own.containsKey(IcebergRunSink.RUN_ID_PROPERTY) ? null
                : table.snapshot(Long.parseLong(source));
        if (staged == null) {
            return own;
        }
        Map<String, String> merged = new HashMap<>(staged.summary());
        merged.remove(SnapshotSummary.STAGED_WAP_ID_PROP);
        merged.putAll(own);
        return merged;
    }

    /** A staged snapshot counts once a tag or the main branch's history has taken it in. */
    private boolean published(Snapshot snapshot) {
        if (table.refs().values().stream().anyMatch(ref -> ref.snapshotId() == snapshot.snapshotId())) {
            return true;
        }
        return inHistory(snapshot);
    }

    /** Whether the main branch was ever at {@code snapshot}. */
    private boolean inHistory(Snapshot snapshot) {
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
        Optional<Run> to = previous(Optional.of(from), runs());
        if (to.isPresent()) {
            table.manageSnapshots().rollbackTo(to.get().snapshotId()).commit();
            table.refresh();
            return new RolledBack(from, current().orElse(to.get()));
        }
        throw new JobSpecException("Table " + name + " has no earlier run to roll back to (its current run "
                + from.runId() + " is its first)");
    }

    /**
     * What {@link #gc} deleted (or, in a dry run, would delete): runs, staged snapshots, how many files expiring them
     * deleted, orphan files (in the table's data location, in no snapshot), and the temporary branches of reruns
     * killed while they removed an earlier attempt's rows.
     */
    public record GcResult(List<Run> runs, List<Long> staged, int files, List<String> orphans, List<String> branches) {
        public GcResult {
            runs = List.copyOf(runs);
            staged = List.copyOf(staged);
            orphans = List.copyOf(orphans);
            branches = List.copyOf(branches);
        }
    }

    /**
     * Expires old runs' snapshots (Iceberg's {@code expire_snapshots}, by snapshot id): the table keeps its current
     * run and {@code keep} others, first the run a rollback would go back to, then the newest. A deleted run's tag,
     * manifest and report go too, and Iceberg deletes the data files no kept snapshot references. Staged snapshots
     * that were never published (runs killed between write and commit) older than {@code stagedAge} are expired as
     * well, with their files, and so are orphan files older than that: files under the table's data location that no
     * snapshot references (written by a run killed before its staged snapshot existed). A rerun killed while it
     * removed its earlier attempt's rows (IcebergRunSink, {@code overwrite-partitions}) leaves a branch
     * {@value IcebergRunSink#RERUN_BRANCH_PREFIX}{@code <id>}; older than {@code stagedAge}, it is removed, and its
     * snapshots, never published, expire with the staged ones.
     */
    public GcResult gc(int keep, boolean dryRun, Duration stagedAge) {
        if (keep < 1) {
            throw new JobSpecException("Invalid --keep: " + keep + " (must be >= 1)");
        }
        if (stagedAge.isNegative()) {
            throw new JobSpecException("Invalid staging age: " + stagedAge + " (must be >= 0)");
        }
        long cutoff = System.currentTimeMillis() - stagedAge.toMillis();
        List<String> reruns = new ArrayList<>();
        Set<Long> rerunSnapshots = new LinkedHashSet<>();
        Set<Long> otherRefs = new HashSet<>();
        table.refs().forEach((ref, at) -> {
            Snapshot head = table.snapshot(at.snapshotId());
            if (at.isBranch() && ref.startsWith(IcebergRunSink.RERUN_BRANCH_PREFIX)
                    && (head == null || head.timestampMillis() <= cutoff)) {
                reruns.add(ref);
            } else {
                otherRefs.add(at.snapshotId());
            }
        });
        Collections.sort(reruns);
        for (String ref : reruns) { // the clean-up snapshot and the staged one under it, unless published
            Snapshot at = table.snapshot(table.refs().get(ref).snapshotId());
            for (int depth = 0; depth < 2 && at != null && !otherRefs.contains(at.snapshotId()) && !inHistory(at);
                    depth++) {
                rerunSnapshots.add(at.snapshotId());
                at = at.parentId() == null ? null : table.snapshot(at.parentId());
            }
        }
        if (!dryRun && !reruns.isEmpty()) {
            ManageSnapshots remove = table.manageSnapshots();
            reruns.forEach(remove::removeBranch);
            remove.commit();
            table.refresh();
        }
        List<Run> all = runs().stream().filter(r -> !rerunSnapshots.contains(r.snapshotId())).toList();
        Optional<Run> current = all.stream().filter(Run::current).findFirst();
        Set<Long> branches = new HashSet<>(); // a branch's head cannot expire: the staged run of a manual job
        table.refs().values().stream().filter(SnapshotRef::isBranch).forEach(ref -> branches.add(ref.snapshotId()));
        Set<Long> kept = new HashSet<>();
        current.ifPresent(r -> kept.add(r.snapshotId()));
        previous(current, all).ifPresent(r -> kept.add(r.snapshotId()));
        List<Run> newestFirst = new ArrayList<>(all);
        Collections.reverse(newestFirst);
        for (Run r : newestFirst) {
            if (kept.size() >= keep + (current.isPresent() ? 1 : 0)) {
                break;
            }
            kept.add(r.snapshotId());
        }
        List<Run> doomed = all.stream().filter(r -> !kept.contains(r.snapshotId())
                && !branches.contains(r.snapshotId())).toList();
        Set<Long> referenced = new HashSet<>();
        table.refs().forEach((ref, at) -> {
            if (!reruns.contains(ref)) {
                referenced.add(at.snapshotId());
            }
        });
        Set<String> sources = new HashSet<>(); // staged snapshots a cherry-pick published: they name their runs
        table.snapshots().forEach(s -> Optional.ofNullable(s.summary().get(SnapshotSummary.SOURCE_SNAPSHOT_ID_PROP))
                .ifPresent(sources::add));
        for (Snapshot snapshot : table.snapshots()) { // the staged parent of a rerun's published clean-up snapshot
            if (snapshot.parentId() != null && published(snapshot)) {
                sources.add(String.valueOf(snapshot.parentId()));
            }
        }
        List<Long> staged = new ArrayList<>(rerunSnapshots);
        for (Snapshot snapshot : table.snapshots()) {
            if (sources.contains(String.valueOf(snapshot.snapshotId())) || rerunSnapshots.contains(
                    snapshot.snapshotId())) {
                continue;
            }
            if (snapshot.summary().containsKey(SnapshotSummary.STAGED_WAP_ID_PROP) && !published(snapshot)
                    && !referenced.contains(snapshot.snapshotId()) && snapshot.timestampMillis() <= cutoff) {
                staged.add(snapshot.snapshotId());
            }
        }
        if (dryRun || doomed.isEmpty() && staged.isEmpty()) {
            List<String> orphans = orphans(cutoff);
            if (!dryRun) {
                orphans.forEach(table.io()::deleteFile);
            }
            return new GcResult(doomed, staged, 0, orphans, reruns);
        }
        ManageSnapshots tags = table.manageSnapshots();
        boolean untag = false;
        for (Run r : doomed) {
            if (r.tagged()) {
                tags.removeTag(IcebergRunSink.tag(r.runId()));
                untag = true;
            }
        }
        if (untag) {
            tags.commit();
        }
        FileIO io = table.io();
        AtomicInteger files = new AtomicInteger();
        ExpireSnapshots expire = table.expireSnapshots().deleteWith(path -> {
            io.deleteFile(path);
            files.incrementAndGet();
        });
        doomed.forEach(r -> expire.expireSnapshotId(r.snapshotId()));
        staged.forEach(expire::expireSnapshotId);
        expire.commit();
        for (Run r : doomed) {
            if (r.tagged() && !r.manifest().isEmpty()) {
                String directory = r.manifest().substring(0, r.manifest().lastIndexOf('/'));
                if (io instanceof SupportsPrefixOperations prefixes) {
                    prefixes.deletePrefix(directory);
                } else {
                    io.deleteFile(r.manifest());
                }
            }
        }
        table.refresh();
        List<String> orphans = orphans(cutoff);
        orphans.forEach(io::deleteFile);
        return new GcResult(doomed, staged, files.get(), orphans, reruns);
    }

    /** Files under the table's data location, last modified by {@code cutoff}, that no snapshot references. */
    private List<String> orphans(long cutoff) {
        FileIO io = table.io();
        Set<String> live = new HashSet<>();
        try {
            for (Snapshot snapshot : table.snapshots()) {
                for (ManifestFile manifest : snapshot.allManifests(io)) {
                    try (CloseableIterable<? extends ContentFile<?>> files = manifest.content() == ManifestContent.DATA
                            ? ManifestFiles.read(manifest, io, table.specs())
                            : ManifestFiles.readDeleteManifest(manifest, io, table.specs())) {
                        files.forEach(f -> live.add(new Path(f.location()).toUri().getPath()));
                    }
                }
            }
            Path data = new Path(table.properties().getOrDefault(TableProperties.WRITE_DATA_LOCATION,
                    table.location() + "/data"));
            FileSystem fs = data.getFileSystem(hadoop);
            List<String> orphans = new ArrayList<>();
            if (!fs.exists(data)) {
                return orphans;
            }
            RemoteIterator<LocatedFileStatus> listed = fs.listFiles(data, true);
            while (listed.hasNext()) {
                LocatedFileStatus file = listed.next();
                String fileName = file.getPath().getName();
                if (!fileName.startsWith(".") && !fileName.startsWith("_") && file.getModificationTime() <= cutoff
                        && !live.contains(file.getPath().toUri().getPath())) {
                    orphans.add(file.getPath().toString());
                }
            }
            Collections.sort(orphans);
            return orphans;
        } catch (IOException e) {
            throw new StorageException("Cannot list the files of Iceberg table " + name + ": " + e.getMessage(), e);
        }
    }

    /** The run a rollback from {@code current} goes back to: the nearest earlier run in its history. */
    private Optional<Run> previous(Optional<Run> current, List<Run> all) {
        if (current.isEmpty()) {
            return Optional.empty();
        }
        Map<Long, Run> bySnapshot = new HashMap<>();
        all.forEach(r -> bySnapshot.put(r.snapshotId(), r));
        Snapshot at = table.snapshot(current.get().snapshotId());
        while (at != null && at.parentId() != null) {
            at = table.snapshot(at.parentId());
            if (at != null && bySnapshot.containsKey(at.snapshotId())) {
                return Optional.of(bySnapshot.get(at.snapshotId()));
            }
        }
        return Optional.empty();
    }

    /**
     * Makes the run tagged {@code run-<id>} the table's current snapshot (Iceberg's {@code set_current_snapshot}):
     * a run of an {@code output.promote: manual} job, or any earlier run; the table is then exactly that run's
     * snapshot.
     */
    public Run promote(String runId) {
        Run run = run(runId).orElseThrow(() -> new JobSpecException("Table " + name + " has no committed run '"
                + runId + "' (list them with 'coldpath runs list " + name + "')"));
        table.manageSnapshots().setCurrentSnapshot(run.snapshotId()).commit();
        table.refresh();
        return current().orElse(run);
    }

    /** The table's name as given. */
    public String name() {
        return name;
    }

    /** Closes the table's catalog. */
    @Override
    public void close() {
        loaded.close();
    }
}
