package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.OutputCommitException;
import dev.coldpath.core.error.RunNotPromotedException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.io.FileStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A prediction table: a root directory holding one immutable directory per committed run,
 * {@code run=R@V/} (a run is identified by its model version and id), whose files carry the run's lineage columns
 * ({@link RunLineage}); a table that an earlier coldpath wrote keeps its Hive-style {@code model_version=V/run_id=R/}
 * directories, without lineage columns, for all its runs. Plus a
 * pointer to the current run of every logical period ({@link CurrentPointer}). Runs are written under
 * {@code _staging/} (which readers skip, like every name starting with "_") and become visible with their
 * {@code _manifest.json}: by a rename into place with the manifest inside, or on object stores by a copy into
 * place followed by the manifest. A commit first claims its run directory ({@code _commits/}, see
 * {@link #commit}); every change of the pointer is a compare-and-swap on a numbered claim
 * ({@code _coldpath/pointer/}, see {@link #update}), after which {@code _coldpath/current.json} and the SQL views
 * of the current runs ({@link CurrentViews}) are rewritten. The pointer moves only after a successful commit.
 * Thread safe, and safe for concurrent writers in other processes on local disk, HDFS and S3: concurrent commits
 * all land, or fail loudly. See docs/tables.md for the protocol.
 */
public final class RunTable {
    public static final String MANIFEST = "_manifest.json";
    static final String META_DIR = "_coldpath";
    static final String POINTER = "current.json";
    static final String STAGING_DIR = "_staging";
    /** How old a staging directory must be before gc takes it for a run that died: no run writes for a day. */
    public static final Duration STAGING_AGE = Duration.ofDays(1);
    static final String TRASH_DIR = "_trash";
    static final String VERSION_COLUMN = "model_version";
    static final String RUN_COLUMN = "run_id";
    /**
     * The partition key of a run's directory, {@code run=R@V}: a value no engine infers as a date or a number, so
     * that readers of the whole table add it as a string and take the typed lineage from the files (docs/tables.md).
     */
    public static final String RUN_PARTITION = "run";
    /** Where commits claim their run directories: {@code _commits/model_version=V/run_id=R/}. */
    static final String COMMITS_DIR = "_commits";
    /** Where pointer changes are claimed: {@code _coldpath/pointer/<number>.json}. */
    static final String POINTER_CLAIMS = "pointer";
    private static final int POINTER_ATTEMPTS = 50;
    private static final int POINTER_CLAIMS_KEPT = 100;
    private static final int CLAIM_ATTEMPTS = 20;
    private static final int CLAIMS_KEPT = 10;
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

    /**
     * Reserves a staging directory for a run; nothing is visible until {@link #commit}. The run will be committed to
     * {@code run=R@V/}, or, in a table that holds runs an earlier coldpath committed Hive-style, to
     * {@code model_version=V/run_id=R/} as they were, so that readers of the whole table keep one layout (see
     * {@link StagedRun#lineageColumns}).
     */
    public StagedRun stage(String runId, String modelVersion) {
        checkRunId(runId);
        String version = versionValue(modelVersion);
        // The start time is in the name: object stores give directories no modification time, and gc must
        // not take a run that is still writing for one that died.
        String name = runId + "-" + System.currentTimeMillis() + "-" + UUID.randomUUID().toString().replace("-", "");
        String path = store.resolve(store.resolve(root, STAGING_DIR), name);
        String dataPath = hasLegacyRuns() ? legacyDataPath(version, runId) : dataPath(version, runId);
        return new StagedRun(runId, version, path, dataPath);
    }

    /**
     * Whether the {@code period} column of the table's data holds hours (a TIMESTAMP) rather than days (a DATE), as
     * its committed runs with a period give it; empty while none has one, or when its runs are of the Hive-style
     * layout, whose files hold no lineage columns.
     */
    public Optional<Boolean> hourlyPeriods() {
        if (hasLegacyRuns()) {
            return Optional.empty();
        }
        return runs().stream().map(r -> r.manifest().period()).flatMap(Optional::stream)
                .map(p -> p.contains("T")).findFirst();
    }

    /**
     * Refuses a run whose period is a day in a table of hours, or an hour in a table of days: its files would give
     * the {@code period} column a second type, and neither Spark nor DuckDB reads the table as one after that.
     */
    public void checkPeriodType(Optional<String> period) {
        if (period.isEmpty()) {
            return;
        }
        boolean hourly = period.get().contains("T");
        Optional<Boolean> table = hourlyPeriods();
        if (table.isPresent() && table.get() != hourly) {
            String holds = table.get() ? "hours" : "days";
            throw new JobSpecException("Run period " + period.get() + " is " + (hourly ? "an hour" : "a day")
                    + ", but table " + root + " holds runs of " + holds + " (its period column is a "
                    + (table.get() ? "TIMESTAMP" : "DATE") + "): write " + (hourly ? "hourly" : "daily")
                    + " runs to another output.path, or give this run a period of " + holds
                    + " (--date, --hour; docs/tables.md)");
        }
    }

    /** Removes a staged run that will not be committed. */
    public void abort(StagedRun staged) {
        store.delete(staged.path());
    }

    /** The relative data path a run id and version commit to: {@code run=R@V}. */
    static String dataPath(String modelVersion, String runId) {
        return RUN_PARTITION + "=" + runId + "@" + modelVersion;
    }

    /** Whether the table holds directories of the Hive-style layout of an earlier coldpath. */
    private boolean hasLegacyRuns() {
        return store.list(root).stream().anyMatch(e -> e.directory() && e.name().startsWith(VERSION_COLUMN + "="));
    }

    /**
     * The Hive-style data path of runs committed before lineage columns ({@code model_version=V/run_id=R}), whose
     * files hold no lineage columns; also how {@code _commits/} names a run's claims, whatever its layout.
     */
    static String legacyDataPath(String modelVersion, String runId) {
        return VERSION_COLUMN + "=" + modelVersion + "/" + RUN_COLUMN + "=" + runId;
    }

    /** Whether a run's data path is of the Hive-style layout, whose files hold no lineage columns. */
    public static boolean isLegacyDataPath(String dataPath) {
        return dataPath.startsWith(VERSION_COLUMN + "=");
    }

    /**
     * How a run is committed.
     *
     * @param promote  whether it becomes the current run of its period
     * @param replace  whether it may replace a run of the same id and model version committed after it started
     * @param viewName the name of the current runs' SQL views from now on; empty to keep the table's
     */
    public record CommitOptions(boolean promote, boolean replace, Optional<String> viewName) {
        public CommitOptions {
            requireNonNull(viewName, "viewName is null");
        }
    }

    /** As {@link #commit(StagedRun, RunManifest, CommitOptions)}, never replacing a run committed after it started. */
    public CommittedRun commit(StagedRun staged, RunManifest manifest, boolean promote) {
        return commit(staged, manifest, new CommitOptions(promote, false, Optional.empty()));
    }

    /** As {@link #commit(StagedRun, RunManifest, CommitOptions)}, keeping the table's view name. */
    public CommittedRun commit(StagedRun staged, RunManifest manifest, boolean promote, boolean replace) {
        return commit(staged, manifest, new CommitOptions(promote, replace, Optional.empty()));
    }

    /**
     * Makes a staged run visible and (if {@code promote}) points the table at it. The invariant on every store:
     * a run is committed exactly when its {@code _manifest.json} exists in its data directory, and the pointer
     * moves only after that.
     *
     * <p>A run is identified by its model version and its id. The commit first claims its run directory (a
     * {@link CommitClaim}, created exclusively): of two commits of one run directory at the same time, one fails
     * instead of mixing its files with the other's. A committed run of the same version and id is replaced if it
     * was committed before this run started (its manifest's {@code started_at}): that is a rerun. One committed,
     * or being committed, after this run started is replaced only with {@code replace}; otherwise the commit
     * fails ({@link OutputCommitException}, the user's) and nothing changes. A run being committed right now is
     * never replaced.
     *
     * <p>Where directory rename is atomic (local disk, HDFS), the manifest is written into the staged directory,
     * the run it replaces is moved aside, and the staged directory is renamed into place: a reader sees the old
     * data or the new, never a mixture. On object stores, see {@link #commitByCopy}.
     */
    public CommittedRun commit(StagedRun staged, RunManifest manifest, CommitOptions options) {
        String relative = staged.dataPath();
        if (!relative.equals(manifest.dataPath())) {
            throw new IllegalArgumentException("manifest data path " + manifest.dataPath() + " is not " + relative);
        }
        String target = store.resolve(root, relative);
        claim(staged, manifest, target, options.replace());
        if (store.hasAtomicDirectoryRename(root)) {
            commitByRename(staged, manifest, target);
        } else {
            commitByCopy(staged, manifest, target);
        }
        CommittedRun committed = new CommittedRun(staged.runId(), staged.modelVersion(), target, manifest);
        if (options.promote()) {
            promoteCommitted(committed, options.viewName());
        } else {
            try {
                refreshViewsOf(relative);
            } catch (RuntimeException e) {
                String reason = ColdpathException.find(e).map(Throwable::getMessage).orElse(String.valueOf(e));
                throw new RunNotPromotedException("committed as " + committed.runId() + " in place of the current"
                        + " run of that id, but the views of the current runs could not be rewritten: " + reason + "; "
                        + promoteCommand(committed), e);
            }
        }
        return committed;
    }

    /**
     * A run replaced in place while it is current (a rerun with manual promotion) has new data files: the views,
     * which name files, are rewritten from the unchanged pointer.
     */
    private void refreshViewsOf(String relative) {
        ClaimSequence claims = pointerClaims();
        Head head = head(claims);
        if (head.sequence() > 0 && head.pointer().map(p -> p.isCurrent(relative)).orElse(false)) {
            publish(claims, head.pointer().get());
        }
    }

    /**
     * Promotes a run just committed. When that fails the run stays committed, and the error says so honestly,
     * with the command that finishes the job ({@link RunNotPromotedException}, exit 6).
     */
    private void promoteCommitted(CommittedRun committed, Optional<String> viewName) {
        try {
            changePointer(committed, "promoted on success", viewName);
        } catch (NotPublished e) {
            throw new RunNotPromotedException("committed as " + committed.runId() + " and made current, but "
                    + pointerPath() + " (the pointer's copy for readers) or the SQL views beside it could not be"
                    + " rewritten: "
                    + e.getCause().getMessage() + "; " + promoteCommand(committed) + " to rewrite it", e.getCause());
        } catch (RuntimeException e) {
            String reason = ColdpathException.find(e).map(Throwable::getMessage).orElse(String.valueOf(e));
            throw new RunNotPromotedException("committed as " + committed.runId() + ", but the current pointer was"
                    + " not moved: " + reason + "; " + promoteCommand(committed), e);
        }
    }

    private String promoteCommand(CommittedRun committed) {
        String reference;
        try {
            reference = referenceOf(committed);
        } catch (RuntimeException e) { // the table cannot be listed now: name the run exactly
            reference = reference(committed);
        }
        return "run `coldpath runs promote " + root + " " + reference + "`";
    }

    /** Claims the run directory for this commit, or fails when another run has it (see {@link #commit}). */
    private void claim(StagedRun staged, RunManifest manifest, String target, boolean replace) {
        String relative = legacyDataPath(staged.modelVersion(), staged.runId());
        ClaimSequence claims = new ClaimSequence(store, store.resolve(store.resolve(root, COMMITS_DIR), relative));
        Instant started = Instant.parse(manifest.startedAt());
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            List<ClaimSequence.Claim> known = claims.list();
            Optional<ClaimSequence.Claim> latest = known.isEmpty() ? Optional.empty()
                    : Optional.of(known.get(known.size() - 1));
            Optional<CommitClaim> last = latest.flatMap(c -> claims.read(c)
                    .map(bytes -> TableJson.read(bytes, CommitClaim.class, c.path())));
            checkReplaceable(staged, started, last, manifestAt(target), replace);
            long next = latest.map(c -> c.number() + 1).orElse(1L);
            CommitClaim mine = new CommitClaim(staged.runId(), staged.modelVersion(), manifest.startedAt(),
                    Instant.now().toString(), staged.path());
            if (claims.claim(next, TableJson.write(mine))) {
                claims.pruneBelow(next - CLAIMS_KEPT, known);
                return;
            }
        }
        throw new OutputCommitException(Fault.EXTERNAL, "Cannot commit run " + describe(staged) + " to " + root
                + ": other commits of it kept claiming it first; nothing was committed (retry)", null);
    }

    private void checkReplaceable(StagedRun staged, Instant started, Optional<CommitClaim> last,
                                  Optional<RunManifest> existing, boolean replace) {
        if (last.isPresent()) {
            CommitClaim other = last.get();
            boolean finished = existing.map(m -> other.startedAt().equals(m.startedAt())).orElse(false);
            if (!Instant.parse(other.claimedAt()).isAfter(started)) {
                return; // a rerun of a run committed before this one started (or of a commit that died)
            }
            if (!finished) {
                throw conflict(staged, "is being committed by another run since " + other.claimedAt()
                        + ", after this run started at " + started + "; nothing was committed (rerun it when that"
                        + " run is done, or give another --run-id)");
            }
            if (!replace) {
                throw conflict(staged, "was committed by another run at " + other.claimedAt() + ", after this run"
                        + " started at " + started + "; nothing was committed (give another --run-id, or replace"
                        + " it with --replace, output.replace: true)");
            }
            return;
        }
        // committed without a claim (by a coldpath before claims): its end time is when it committed, at the latest
        if (existing.isPresent() && !replace && existing.get().endedAt() != null
                && Instant.parse(existing.get().endedAt()).isAfter(started)) {
            throw conflict(staged, "was committed by another run at " + existing.get().endedAt() + ", after this"
                    + " run started at " + started + "; nothing was committed (give another --run-id, or replace"
                    + " it with --replace, output.replace: true)");
        }
    }

    private OutputCommitException conflict(StagedRun staged, String what) {
        return new OutputCommitException(Fault.USER, "Cannot commit run " + describe(staged) + " to " + root
                + ": a run with this id and model version " + what, null);
    }

    private static String describe(StagedRun staged) {
        return staged.runId() + " (model version " + staged.modelVersion() + ")";
    }

    private void commitByRename(StagedRun staged, RunManifest manifest, String target) {
        store.writeAtomically(store.resolve(staged.path(), MANIFEST), TableJson.write(manifest));
        String trash = null;
        if (store.exists(target)) {
            trash = store.resolve(store.resolve(root, TRASH_DIR), staged.runId() + "-" + UUID.randomUUID());
            store.rename(target, trash);
        }
        try {
            store.rename(staged.path(), target);
        } catch (RuntimeException e) {
            if (trash != null) { // put the replaced run back: a failed commit changes nothing
                try {
                    store.rename(trash, target);
                } catch (RuntimeException restore) {
                    e.addSuppressed(restore);
                }
            }
            throw e;
        }
        if (trash != null) {
            store.delete(trash);
        }
    }

    /**
     * The commit on an object store, where a directory "rename" copies object by object: the run being replaced
     * (same version and id) first loses its manifest (it leaves every listing), then its objects; then the staged
     * objects are copied into the run's directory; then the manifest is written, last, in one PUT. A run is never
     * listed with part of its data, but while it is being replaced its id lists no run at all, and a reader that
     * globs data files directly (not through manifests) can see a partial directory; docs/s3.md says more.
     */
    private void commitByCopy(StagedRun staged, RunManifest manifest, String target) {
        store.delete(store.resolve(target, MANIFEST));
        store.delete(target); // the replaced run's objects, or those of a commit that died before its manifest
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

    private Optional<RunManifest> manifestAt(String runDirectory) {
        String path = store.resolve(runDirectory, MANIFEST);
        return store.read(path).map(bytes -> RunManifest.read(bytes, path));
    }

    /**
     * Whether the root holds a prediction table: a committed run, a pointer, or the directories commits make. A
     * directory that has none of them is not a table (a misspelled path, say).
     */
    public boolean exists() {
        for (FileStore.Entry e : store.list(root)) {
            if (e.directory() && (e.name().startsWith(VERSION_COLUMN + "=") || e.name().equals(META_DIR)
                    || e.name().startsWith(RUN_PARTITION + "=")
                    || e.name().equals(STAGING_DIR) || e.name().equals(COMMITS_DIR))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every committed run, oldest first by end time: those in {@code run=R@V/} and those committed Hive-style to
     * {@code model_version=V/run_id=R/}. Directories without a manifest are not runs.
     */
    public List<CommittedRun> runs() {
        List<CommittedRun> runs = new ArrayList<>();
        for (FileStore.Entry top : store.list(root)) {
            if (!top.directory()) {
                continue;
            }
            String name = top.name();
            int at = name.lastIndexOf('@');
            if (name.startsWith(RUN_PARTITION + "=") && at > 0) {
                String manifestPath = store.resolve(top.path(), MANIFEST);
                store.read(manifestPath).ifPresent(bytes -> runs.add(new CommittedRun(
                        name.substring(RUN_PARTITION.length() + 1, at), name.substring(at + 1), top.path(),
                        RunManifest.read(bytes, manifestPath))));
            } else if (name.startsWith(VERSION_COLUMN + "=")) {
                addRuns(runs, top.path(), top.name().substring(VERSION_COLUMN.length() + 1), RUN_COLUMN + "=");
            }
        }
        runs.sort(Comparator.comparing((CommittedRun r) -> r.manifest().endedAt()).thenComparing(CommittedRun::runId));
        return runs;
    }

    /** The Hive-style runs of one model version's directory: its subdirectories {@code prefix + runId}. */
    private void addRuns(List<CommittedRun> runs, String versionPath, String version, String prefix) {
        for (FileStore.Entry run : store.list(versionPath)) {
            if (!run.directory() || !run.name().startsWith(prefix)) {
                continue;
            }
            String manifestPath = store.resolve(run.path(), MANIFEST);
            store.read(manifestPath).ifPresent(bytes -> runs.add(new CommittedRun(
                    run.name().substring(prefix.length()), version, run.path(),
                    RunManifest.read(bytes, manifestPath))));
        }
    }

    /**
     * The committed run a reference names: a run id, or {@code VERSION/RUN} (also {@code model_version=V/run_id=R})
     * for one model version's run when several versions committed the same run id. A bare run id that several
     * versions committed names the current one, else the newest.
     */
    public Optional<CommittedRun> run(String reference) {
        List<CommittedRun> matches = matching(reference);
        if (matches.size() <= 1) {
            return matches.stream().findFirst();
        }
        Optional<CurrentPointer> current = current();
        return matches.stream().filter(r -> current.isPresent() && current.get().isCurrent(relative(r))).findFirst()
                .or(() -> Optional.of(matches.get(matches.size() - 1)));
    }

    /** The runs a reference can name (see {@link #run}), oldest first. */
    private List<CommittedRun> matching(String reference) {
        String ref = reference.strip();
        if (ref.startsWith(RUN_PARTITION + "=") && ref.contains("@")) { // run=R@V, as the directory names it
            int at = ref.lastIndexOf('@');
            ref = ref.substring(at + 1) + "/" + ref.substring(RUN_PARTITION.length() + 1, at);
        }
        String bare = ref;
        int slash = ref.lastIndexOf('/');
        if (slash < 0) {
            return runs().stream().filter(r -> r.runId().equals(bare)).toList();
        }
        String version = ref.substring(0, slash).replaceFirst("^" + VERSION_COLUMN + "=", "");
        String id = ref.substring(slash + 1).replaceFirst("^" + RUN_COLUMN + "=", "");
        return runs().stream().filter(r -> r.runId().equals(id) && r.modelVersion().equals(version)).toList();
    }

    /** The one committed run a reference names; a bare run id that several model versions committed is refused. */
    private CommittedRun require(String reference) {
        List<CommittedRun> matches = matching(reference);
        if (matches.isEmpty()) {
            throw new JobSpecException("Table " + root + " has no committed run '" + reference + "' (runs: "
                    + runs().stream().map(RunTable::reference).distinct().toList() + ")");
        }
        if (matches.size() > 1) {
            throw new JobSpecException("Run id " + reference + " of table " + root + " was committed by model versions "
                    + matches.stream().map(CommittedRun::modelVersion).toList() + ": name one as VERSION/RUN, e.g. "
                    + matches.get(matches.size() - 1).modelVersion() + "/" + reference);
        }
        return matches.get(0);
    }

    /** How commands name a run: its id, or {@code VERSION/RUN} where the table has that id under other versions. */
    public String referenceOf(CommittedRun run) {
        return runs().stream().filter(r -> r.runId().equals(run.runId())).count() > 1
                ? run.modelVersion() + "/" + run.runId() : run.runId();
    }

    private static String reference(CommittedRun run) {
        return run.modelVersion() + "/" + run.runId();
    }

    /** A run's directory relative to the table, in the layout it was committed in. */
    public static String relative(CommittedRun run) {
        String legacy = legacyDataPath(run.modelVersion(), run.runId());
        return run.path().endsWith("/" + legacy) ? legacy : dataPath(run.modelVersion(), run.runId());
    }

    /**
     * The table's pointer: the current run of every period (format 2; a pointer of format 1 is read and put into
     * periods, see {@link CurrentPointer#upgrade}), or empty when no run was ever promoted. Its top-level
     * {@code runId()} and {@code dataPath()} are the latest period's current run, null when every period's run was
     * rolled back.
     */
    public Optional<CurrentPointer> current() {
        return head(pointerClaims()).pointer().map(this::upgraded);
    }

    /** The latest period's current run's data directory, or empty when there is none. */
    public Optional<String> currentDataPath() {
        return current().flatMap(p -> Optional.ofNullable(p.dataPath())).map(p -> store.resolve(root, p));
    }

    /** The current run's data directory of a period (empty: the latest period), or empty when it has none. */
    public Optional<String> currentDataPath(Optional<String> period) {
        if (period.isEmpty()) {
            return currentDataPath();
        }
        return current().flatMap(p -> p.slot(period.get())).flatMap(CurrentPointer.Slot::current)
                .map(e -> store.resolve(root, e.dataPath()));
    }

    /**
     * The run a new run of {@code period} measures its drift against: the period's current run (a rerun is compared
     * with the run it may replace), else the current run of the latest period before it (last night's for a new
     * night); without a period, the table's current run. Empty when there is none (a table's first run).
     */
    public Optional<String> previousDataPath(Optional<String> period) {
        if (period.isEmpty()) {
            return currentDataPath();
        }
        String p = period.get();
        return current().flatMap(pointer -> {
            CurrentPointer.Slot before = null;
            for (CurrentPointer.Slot slot : pointer.currentSlots()) { // in period order
                if (p.equals(slot.period())) {
                    return Optional.of(slot);
                }
                if (slot.period() != null && slot.period().compareTo(p) < 0) {
                    before = slot;
                }
            }
            return Optional.ofNullable(before);
        }).map(slot -> store.resolve(root, slot.dataPath()));
    }

    /** Points the run's period at a committed run; the run that was current in it goes to the top of its history. */
    public CurrentPointer promote(String reference, String reason) {
        return published(() -> changePointer(require(reference), reason, Optional.empty()));
    }

    private CurrentPointer changePointer(CommittedRun run, String reason, Optional<String> viewName) {
        CurrentPointer.Entry entry = new CurrentPointer.Entry(run.runId(), relative(run));
        String period = periodOf(run.manifest()).orElse(null);
        return update(p -> {
            CurrentPointer promoted = p.promote(period, entry, reason, Instant.now().toString());
            return viewName.map(promoted::withViewName).orElse(promoted);
        });
    }

    /** The SQL views of the current runs, as the last change of the pointer wrote them. */
    public CurrentViews views() {
        CurrentPointer pointer = current().filter(p -> !p.currentSlots().isEmpty()).orElseThrow(() ->
                new JobSpecException("Table " + root + " has no current run: no view to show (promote a run with"
                        + " 'coldpath runs promote')"));
        return CurrentViews.of(store, root, pointer);
    }

    /** As {@link #rollback(Optional)} for the latest period. */
    public CurrentPointer rollback() {
        return rollback(Optional.empty()).pointer();
    }

    /**
     * What a rollback did: in which period (null: runs without one), from which run, to which (empty: the period
     * was withdrawn), and the pointer after it.
     */
    public record RolledBack(String period, CurrentPointer.Entry from, Optional<CurrentPointer.Entry> to,
                             CurrentPointer pointer) {
    }

    /**
     * Points a period (default: the latest one with a current run) back at the run that was current in it before,
     * without recomputing anything. A period whose run has no earlier one is withdrawn: it has no current run
     * until one of its runs is promoted or committed (see {@link CurrentPointer#rollBack}). A rollback that would
     * leave the table with no current run at all is refused.
     *
     * @param period a period id ({@code 2026-11-28}, {@code 2026-11-28T13}); empty for the latest
     */
    public RolledBack rollback(Optional<String> period) {
        AtomicReference<CurrentPointer.Slot> rolled = new AtomicReference<>();
        CurrentPointer after = published(() -> update(p -> {
            CurrentPointer.Slot slot = period.isPresent()
                    ? p.slot(period.get()).filter(s -> s.runId() != null).orElseThrow(() -> new JobSpecException(
                            "Period " + period.get() + " of table " + root + " has no current run to roll back from"
                            + " (periods with one: " + p.currentSlots().stream().map(CurrentPointer.Slot::label)
                            .toList() + ")"))
                    : p.latest().orElseThrow(() -> new JobSpecException("Table " + root
                            + " has no current run to roll back from"));
            CurrentPointer next = p.rollBack(slot.period(), this::exists, Instant.now().toString()).orElseThrow();
            if (next.latest().isEmpty()) {
                throw new JobSpecException("Table " + root + " has no earlier run to roll back to (current: "
                        + slot.runId() + ")");
            }
            rolled.set(slot);
            return next;
        }));
        CurrentPointer.Slot from = rolled.get();
        return new RolledBack(from.period(), from.current().orElseThrow(),
                after.slot(from.period()).flatMap(CurrentPointer.Slot::current), after);
    }

    /** A pointer change whose claim was made but whose copy for readers could not be written: see {@link #update}. */
    private static final class NotPublished extends RuntimeException {
        NotPublished(RuntimeException cause) {
            super(cause);
        }
    }

    /** Runs a pointer change of a command, whose failure to rewrite current.json is reported as such. */
    private CurrentPointer published(Supplier<CurrentPointer> change) {
        try {
            return change.get();
        } catch (NotPublished e) {
            throw new StorageException("The current pointer of " + root + " was changed, but " + pointerPath()
                    + ", its copy for readers, could not be rewritten: " + e.getCause().getMessage()
                    + " (run the command again to rewrite it)", e.getCause());
        }
    }

    /** Whether a data path relative to the table holds a committed run. */
    private boolean exists(String dataPath) {
        return manifestAt(store.resolve(root, dataPath)).isPresent();
    }

    /** The logical period of a committed run, from its manifest; empty for a run without one. */
    private static Optional<String> periodOf(RunManifest manifest) {
        return manifest.period();
    }

    private CurrentPointer upgraded(CurrentPointer pointer) {
        return pointer.upgrade(dataPath -> manifestAt(store.resolve(root, dataPath)).map(RunTable::periodOf));
    }

    /** The latest pointer claim (or, in a table without claims, current.json of format 1) and its number. */
    private record Head(long sequence, List<ClaimSequence.Claim> claims, Optional<CurrentPointer> pointer) {
    }

    private Head head(ClaimSequence claims) {
        for (int attempt = 0; ; attempt++) {
            List<ClaimSequence.Claim> known = claims.list();
            if (known.isEmpty()) {
                String path = pointerPath();
                return new Head(0, known, store.read(path).map(bytes -> TableJson.read(bytes, CurrentPointer.class,
                        path)));
            }
            ClaimSequence.Claim latest = known.get(known.size() - 1);
            Optional<byte[]> bytes = claims.read(latest);
            if (bytes.isPresent()) {
                return new Head(latest.number(), known, Optional.of(TableJson.read(bytes.get(), CurrentPointer.class,
                        latest.path()).withSequence(latest.number())));
            }
            if (attempt == 3) { // only pruning deletes claims, and it never deletes the latest
                throw new StorageException("Cannot read the current pointer of " + root + ": its latest claim "
                        + latest.path() + " keeps disappearing (is another program deleting " + META_DIR + "/"
                        + POINTER_CLAIMS + "?)", null);
            }
        }
    }

    /**
     * Changes the pointer by compare-and-swap: {@code change} is applied to the latest pointer (claim number N),
     * and the result is claimed as number N + 1 with an exclusive create. A writer that loses (another change
     * claimed N + 1 first) applies its change again to the new latest pointer. The claim is the change; then
     * current.json is rewritten for readers (a failure to do that is thrown as {@link NotPublished}). {@code change}
     * may throw to refuse the change.
     */
    private CurrentPointer update(UnaryOperator<CurrentPointer> change) {
        ClaimSequence claims = pointerClaims();
        for (int attempt = 0; attempt < POINTER_ATTEMPTS; attempt++) {
            Head head = head(claims);
            CurrentPointer base = head.pointer().map(this::upgraded).orElseGet(CurrentPointer::empty);
            CurrentPointer next = change.apply(base).withSequence(head.sequence() + 1);
            if (claims.claim(next.sequence(), TableJson.write(next))) {
                try {
                    publish(claims, next);
                } catch (RuntimeException e) {
                    throw new NotPublished(e);
                }
                claims.pruneBelow(next.sequence() - POINTER_CLAIMS_KEPT, head.claims());
                return next;
            }
            pause(attempt);
        }
        throw new OutputCommitException(Fault.EXTERNAL, "Cannot move the current pointer of " + root + ": "
                + POINTER_ATTEMPTS + " other changes of it came first (retry)", null);
    }

    /**
     * Rewrites current.json, the copy of the latest claim that readers without coldpath read, and the SQL views of
     * its current runs ({@link CurrentViews}). Two writers can
     * finish in either order, so a writer that sees a newer claim after writing writes that one instead: the file
     * never stays behind the latest claim.
     */
    private void publish(ClaimSequence claims, CurrentPointer pointer) {
        CurrentPointer shown = pointer;
        for (int round = 0; round < POINTER_ATTEMPTS; round++) {
            store.writeAtomically(pointerPath(), TableJson.write(shown));
            if (!shown.currentSlots().isEmpty()) {
                CurrentViews views = CurrentViews.of(store, root, shown);
                for (CurrentViews.Engine engine : CurrentViews.Engine.values()) {
                    store.writeAtomically(store.resolve(store.resolve(root, META_DIR), engine.fileName()),
                            views.sql(engine).getBytes(StandardCharsets.UTF_8));
                }
            }
            Head head = head(claims);
            if (head.sequence() <= shown.sequence() || head.pointer().isEmpty()) {
                return;
            }
            shown = head.pointer().get();
        }
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * Math.min(attempt + 1, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutputCommitException(Fault.EXTERNAL, "Interrupted while moving the current pointer of "
                    + root, e);
        }
    }

    private ClaimSequence pointerClaims() {
        return new ClaimSequence(store, store.resolve(store.resolve(root, META_DIR), POINTER_CLAIMS));
    }

    /** What {@link #gc} deleted, or with a dry run would delete. */
    public record GcResult(List<CommittedRun> runs, List<String> staging) {
        public GcResult {
            runs = List.copyOf(runs);
            staging = List.copyOf(staging);
        }
    }

    /** As {@link #gc(int, boolean)}, for real; the ids of the runs deleted. */
    public List<String> gc(int keep) {
        return gc(keep, false).runs().stream().map(CommittedRun::runId).toList();
    }

    /**
     * Deletes old runs period by period, and staging directories older than a day (runs that died before
     * committing). In each period (runs without one form one more) it keeps the current run, and {@code keep} of
     * the others: first the run a rollback would go back to, then the newest. A period's current run is never
     * deleted, nor a run that became current while gc ran. With {@code dryRun} nothing is deleted.
     */
    public GcResult gc(int keep, boolean dryRun) {
        return gc(keep, dryRun, STAGING_AGE);
    }

    /**
     * As {@link #gc(int, boolean)}, deleting staging directories older than {@code stagingAge} instead of a day:
     * shorter only when no run of the table can still be writing (e.g. after a run that was killed).
     */
    public GcResult gc(int keep, boolean dryRun, Duration stagingAge) {
        if (stagingAge.isNegative()) {
            throw new JobSpecException("Invalid staging age: " + stagingAge + " (must be >= 0)");
        }
        if (keep < 1) {
            throw new JobSpecException("Invalid --keep: " + keep + " (must be >= 1)");
        }
        CurrentPointer pointer = current().orElseGet(CurrentPointer::empty);
        List<CommittedRun> all = runs();
        Map<Optional<String>, List<CommittedRun>> byPeriod = new LinkedHashMap<>();
        for (CommittedRun run : all) {
            byPeriod.computeIfAbsent(periodOf(run.manifest()), k -> new ArrayList<>()).add(run);
        }
        List<CommittedRun> doomed = new ArrayList<>();
        byPeriod.forEach((period, runs) -> {
            Optional<CurrentPointer.Slot> slot = pointer.slot(period.orElse(null));
            String current = slot.map(CurrentPointer.Slot::dataPath).orElse(null);
            List<CommittedRun> others = new ArrayList<>(runs.stream().filter(r -> !relative(r).equals(current))
                    .toList());
            Collections.reverse(others); // newest first
            List<String> history = slot.map(s -> s.history().stream().map(CurrentPointer.Entry::dataPath).toList())
                    .orElse(List.of());
            history.stream().flatMap(dataPath -> others.stream().filter(r -> relative(r).equals(dataPath)))
                    .findFirst().ifPresent(rollbackTarget -> {
                        others.remove(rollbackTarget);
                        others.add(0, rollbackTarget);
                    });
            doomed.addAll(others.subList(Math.min(keep, others.size()), others.size()));
        });
        doomed.sort(Comparator.comparingInt(all::indexOf)); // oldest first
        long before = System.currentTimeMillis() - stagingAge.toMillis();
        List<String> staging = store.list(store.resolve(root, STAGING_DIR)).stream()
                .filter(e -> stagedAt(e.name()) <= before).map(FileStore.Entry::path).toList();
        if (dryRun) {
            return new GcResult(doomed, staging);
        }
        List<CommittedRun> deleted = new ArrayList<>();
        for (CommittedRun run : doomed) {
            if (current().map(p -> p.isCurrent(relative(run))).orElse(false)) {
                continue; // promoted while gc ran
            }
            store.delete(run.path());
            store.delete(store.resolve(store.resolve(root, COMMITS_DIR),
                    legacyDataPath(run.modelVersion(), run.runId())));
            deleted.add(run);
        }
        staging.forEach(store::delete);
        return new GcResult(deleted, staging);
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
