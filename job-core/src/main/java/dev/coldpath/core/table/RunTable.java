package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.io.FileStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A prediction table: a root directory holding one immutable directory per committed run, laid out
 * Hive-style as {@code model_version=V/run_id=R/}, plus a pointer to the current run. Runs are written under
 * {@code _staging/} (which readers skip, like every name starting with "_") and become visible with their
 * {@code _manifest.json}: by a rename into place with the manifest inside, or on object stores by a copy into
 * place followed by the manifest. The pointer ({@code _coldpath/current.json}) is
 * replaced atomically, only after a successful commit. Thread safe; concurrent runs with different ids commit
 * independently. See docs/tables.md for the protocol.
 */
public final class RunTable {
    public static final String MANIFEST = "_manifest.json";
    static final String META_DIR = "_coldpath";
    static final String POINTER = "current.json";
    static final String STAGING_DIR = "_staging";
    static final String TRASH_DIR = "_trash";
    static final String VERSION_COLUMN = "model_version";
    static final String RUN_COLUMN = "run_id";
    private static final int HISTORY_LIMIT = 50;
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final FileStore store;
    private final String root;

    public RunTable(FileStore store, String root) {
        this.store = requireNonNull(store, "store is null");
        this.root = stripSlash(requireNonNull(root, "root is null"));
    }

    public String root() {
        return root;
    }

    /** Checks a run id: letters, digits, '.', '_' and '-', as it becomes a directory name. */
    public static String checkRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new JobSpecException("Invalid run id '" + runId + "': use letters, digits, '.', '_' and '-'"
                    + " (at most 128, starting with a letter or digit), e.g. 2026-11-28 or 2026-11-28T13");
        }
        return runId;
    }

    /** The directory value for a model version: the version with unsafe characters replaced. */
    public static String versionValue(String modelVersion) {
        String v = modelVersion.replaceAll("[^A-Za-z0-9._-]", "_");
        return v.isEmpty() ? "unversioned" : v;
    }

    /** Reserves a staging directory for a run; nothing is visible until {@link #commit}. */
    public StagedRun stage(String runId, String modelVersion) {
        checkRunId(runId);
        // The start time is in the name: object stores give directories no modification time, and gc must
        // not take a run that is still writing for one that died.
        String name = runId + "-" + System.currentTimeMillis() + "-" + UUID.randomUUID().toString().replace("-", "");
        String path = store.resolve(store.resolve(root, STAGING_DIR), name);
        return new StagedRun(runId, versionValue(modelVersion), path);
    }

    /** Removes a staged run that will not be committed. */
    public void abort(StagedRun staged) {
        store.delete(staged.path());
    }

    /** The relative data path a run id and version commit to. */
    static String dataPath(String modelVersion, String runId) {
        return VERSION_COLUMN + "=" + modelVersion + "/" + RUN_COLUMN + "=" + runId;
    }

    /**
     * Makes a staged run visible and (if {@code promote}) points the table at it. The invariant on every store:
     * a run is committed exactly when its {@code _manifest.json} exists in its data directory, and the pointer
     * moves only after that. Where directory rename is atomic (local disk, HDFS), the manifest is written into
     * the staged directory, any earlier commit of the same run id is moved aside, and the staged directory is
     * renamed into place: a reader sees the old data or the new, never a mixture. On object stores, see
     * {@link #commitByCopy}.
     */
    public CommittedRun commit(StagedRun staged, RunManifest manifest, boolean promote) {
        String relative = dataPath(staged.modelVersion(), staged.runId());
        if (!relative.equals(manifest.dataPath())) {
            throw new IllegalArgumentException("manifest data path " + manifest.dataPath() + " is not " + relative);
        }
        String target = store.resolve(root, relative);
        if (store.hasAtomicDirectoryRename(root)) {
            commitByRename(staged, manifest, target);
        } else {
            commitByCopy(staged, manifest, target);
        }
        CommittedRun committed = new CommittedRun(staged.runId(), staged.modelVersion(), target, manifest);
        if (promote) {
            promote(staged.runId(), "promoted on success");
        }
        return committed;
    }

    private void commitByRename(StagedRun staged, RunManifest manifest, String target) {
        store.writeAtomically(store.resolve(staged.path(), MANIFEST), TableJson.write(manifest));
        List<String> replaced = new ArrayList<>();
        for (CommittedRun old : runs()) {
            if (old.runId().equals(staged.runId())) {
                String trash = store.resolve(store.resolve(root, TRASH_DIR), staged.runId() + "-"
                        + UUID.randomUUID());
                store.rename(old.path(), trash);
                replaced.add(trash);
            }
        }
        store.rename(staged.path(), target);
        replaced.forEach(store::delete);
    }

    /**
     * The commit on an object store, where a directory "rename" copies object by object: an earlier commit of the
     * same run id first loses its manifest (it leaves every listing), then its objects; then the staged objects
     * are copied into the run's directory; then the manifest is written, last, in one PUT. A run is never listed
     * with part of its data, but while it is being replaced its id lists no run at all, and a reader that globs
     * data files directly (not through manifests) can see a partial directory; docs/s3.md says more.
     */
    private void commitByCopy(StagedRun staged, RunManifest manifest, String target) {
        List<CommittedRun> earlier = runs().stream().filter(r -> r.runId().equals(staged.runId())).toList();
        for (CommittedRun old : earlier) {
            store.delete(store.resolve(old.path(), MANIFEST));
        }
        for (CommittedRun old : earlier) {
            store.delete(old.path());
        }
        store.delete(target); // objects of a commit that died before its manifest
        try {
            store.rename(staged.path(), target);
        } catch (RuntimeException e) {
            try {
                store.delete(target);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        store.writeAtomically(store.resolve(target, MANIFEST), TableJson.write(manifest));
    }

    /** Every committed run, oldest first by end time. Directories without a manifest are not runs. */
    public List<CommittedRun> runs() {
        List<CommittedRun> runs = new ArrayList<>();
        for (FileStore.Entry version : store.list(root)) {
            if (!version.directory() || !version.name().startsWith(VERSION_COLUMN + "=")) {
                continue;
            }
            for (FileStore.Entry run : store.list(version.path())) {
                if (!run.directory() || !run.name().startsWith(RUN_COLUMN + "=")) {
                    continue;
                }
                String manifestPath = store.resolve(run.path(), MANIFEST);
                store.read(manifestPath).ifPresent(bytes -> runs.add(new CommittedRun(
                        run.name().substring(RUN_COLUMN.length() + 1),
                        version.name().substring(VERSION_COLUMN.length() + 1),
                        run.path(), RunManifest.read(bytes, manifestPath))));
            }
        }
        runs.sort(Comparator.comparing((CommittedRun r) -> r.manifest().endedAt()).thenComparing(CommittedRun::runId));
        return runs;
    }

    public Optional<CommittedRun> run(String runId) {
        return runs().stream().filter(r -> r.runId().equals(runId)).findFirst();
    }

    private CommittedRun require(String runId) {
        return run(runId).orElseThrow(() -> new JobSpecException("Table " + root + " has no committed run '" + runId
                + "' (runs: " + runs().stream().map(CommittedRun::runId).toList() + ")"));
    }

    public Optional<CurrentPointer> current() {
        String path = pointerPath();
        return store.read(path).map(bytes -> TableJson.read(bytes, CurrentPointer.class, path));
    }

    /** The current run's data directory, or empty when no run was promoted yet. */
    public Optional<String> currentDataPath() {
        return current().map(p -> store.resolve(root, p.dataPath()));
    }

    /** Points the table at a committed run; the run that was current goes to the top of the history. */
    public CurrentPointer promote(String runId, String reason) {
        CommittedRun run = require(runId);
        Optional<CurrentPointer> old = current();
        List<CurrentPointer.Entry> history = new ArrayList<>();
        old.ifPresent(p -> {
            if (!p.runId().equals(runId)) {
                history.add(new CurrentPointer.Entry(p.runId(), p.dataPath()));
            }
            history.addAll(p.history());
        });
        history.removeIf(e -> e.runId().equals(runId));
        CurrentPointer pointer = new CurrentPointer(runId, run.manifest().dataPath(), Instant.now().toString(),
                reason, history.subList(0, Math.min(history.size(), HISTORY_LIMIT)));
        store.writeAtomically(pointerPath(), TableJson.write(pointer));
        return pointer;
    }

    /** Points the table back at the run that was current before, without recomputing anything. */
    public CurrentPointer rollback() {
        CurrentPointer now = current().orElseThrow(() -> new JobSpecException("Table " + root
                + " has no current run to roll back from"));
        List<CurrentPointer.Entry> history = new ArrayList<>(now.history());
        while (!history.isEmpty()) {
            CurrentPointer.Entry previous = history.remove(0);
            if (run(previous.runId()).isPresent()) {
                CurrentPointer pointer = new CurrentPointer(previous.runId(), previous.dataPath(),
                        Instant.now().toString(), "rolled back from " + now.runId(), history);
                store.writeAtomically(pointerPath(), TableJson.write(pointer));
                return pointer;
            }
        }
        throw new JobSpecException("Table " + root + " has no earlier run to roll back to (current: " + now.runId()
                + ")");
    }

    /**
     * Deletes the oldest committed runs beyond the newest {@code keep}, never the current run or the one
     * before it, and staging directories older than a day (runs that died before committing).
     */
    public List<String> gc(int keep) {
        if (keep < 1) {
            throw new JobSpecException("Invalid --keep: " + keep + " (must be >= 1)");
        }
        List<String> protectedRuns = new ArrayList<>();
        current().ifPresent(p -> {
            protectedRuns.add(p.runId());
            if (!p.history().isEmpty()) {
                protectedRuns.add(p.history().get(0).runId());
            }
        });
        List<CommittedRun> runs = new ArrayList<>(runs());
        List<String> deleted = new ArrayList<>();
        int excess = runs.size() - keep;
        for (CommittedRun run : runs) {
            if (excess <= 0) {
                break;
            }
            if (!protectedRuns.contains(run.runId())) {
                store.delete(run.path());
                deleted.add(run.runId());
                excess--;
            }
        }
        long dayAgo = System.currentTimeMillis() - 24L * 3600 * 1000;
        for (FileStore.Entry staged : store.list(store.resolve(root, STAGING_DIR))) {
            if (stagedAt(staged.name()) < dayAgo) {
                store.delete(staged.path());
            }
        }
        return deleted;
    }

    /** When a staging directory was made, from its name ({@code <run>-<millis>-<uuid>}); 0 if unreadable. */
    static long stagedAt(String name) {
        String[] parts = name.split("-");
        try {
            return parts.length >= 3 ? Long.parseLong(parts[parts.length - 2]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String pointerPath() {
        return store.resolve(store.resolve(root, META_DIR), POINTER);
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
