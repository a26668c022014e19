package dev.coldpath.connectors;

import static dev.coldpath.connectors.TableFixture.allTogether;
import static dev.coldpath.connectors.TableFixture.manifest;
import static dev.coldpath.connectors.TableFixture.origin;
import static dev.coldpath.connectors.TableFixture.stage;
import static dev.coldpath.connectors.TableFixture.together;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coldpath.core.error.ColdpathException;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.OutputCommitException;
import dev.coldpath.core.io.FileStore;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits of runs into a prediction table on local disk: reruns, run-id collisions, concurrent committers. */
class TableCommitTest {
    @TempDir
    Path tmp;

    private final HadoopFileStore store = new HadoopFileStore(new Configuration());

    private RunTable table() {
        return new RunTable(store, store.qualify(tmp.resolve("table").toString()));
    }

    @Test
    void aRerunOfARunCommittedBeforeItStartedReplacesIt() {
        RunTable t = table();
        StagedRun first = stage(store, t, "2026-11-28", "1.0.0");
        Instant start = Instant.now().minusSeconds(60);
        t.commit(first, manifest(first, start, start.plusSeconds(1)), true);
        Instant restart = Instant.now();
        StagedRun rerun = stage(store, t, "2026-11-28", "1.0.0");

        CommittedRun committed = t.commit(rerun, manifest(rerun, restart, Instant.now()), true);

        assertThat(t.runs()).extracting(CommittedRun::path).containsExactly(committed.path());
        assertThat(origin(store, committed.path())).isEqualTo(rerun.path());
        assertThat(t.current().orElseThrow().runId()).isEqualTo("2026-11-28");
    }

    @Test
    void aRunCommittedAfterThisRunStartedIsNotReplacedAndTheCommitFailsAsTheUsersError() {
        RunTable t = table();
        Instant start = Instant.now().minusSeconds(5);
        StagedRun slow = stage(store, t, "nightly", "1.0.0");
        StagedRun fast = stage(store, t, "nightly", "1.0.0");
        CommittedRun landed = t.commit(fast, manifest(fast, start.plusMillis(1), Instant.now()), true);

        assertThatThrownBy(() -> t.commit(slow, manifest(slow, start, Instant.now()), true))
                .isInstanceOf(OutputCommitException.class)
                .hasMessageContaining("Cannot commit run nightly (model version 1.0.0) to " + t.root())
                .hasMessageContaining("was committed by another run at")
                .hasMessageContaining("after this run started at " + start)
                .hasMessageContaining("--replace")
                .satisfies(e -> assertThat(((ColdpathException) e).fault()).isEqualTo(Fault.USER));

        assertThat(t.runs()).extracting(CommittedRun::path).containsExactly(landed.path());
        assertThat(origin(store, landed.path())).isEqualTo(fast.path());
        assertThat(store.exists(slow.path())).as("the refused run's staging, for its caller to abort").isTrue();
    }

    @Test
    void withReplaceARunReplacesOneCommittedAfterItStarted() {
        RunTable t = table();
        Instant start = Instant.now().minusSeconds(5);
        StagedRun slow = stage(store, t, "nightly", "1.0.0");
        StagedRun fast = stage(store, t, "nightly", "1.0.0");
        t.commit(fast, manifest(fast, start.plusMillis(1), Instant.now()), true);

        CommittedRun replaced = t.commit(slow, manifest(slow, start, Instant.now()), true, true);

        assertThat(t.runs()).extracting(CommittedRun::path).containsExactly(replaced.path());
        assertThat(origin(store, replaced.path())).isEqualTo(slow.path());
    }

    @Test
    void concurrentCommitsOfOneRunIdLandOnceAndEveryOtherFailsLoudly() throws Exception {
        RunTable t = table();
        int committers = 6;
        List<StagedRun> staged = new ArrayList<>();
        for (int i = 0; i < committers; i++) {
            staged.add(stage(store, t, "same-id", "1.0.0"));
        }
        Instant start = Instant.now().minusSeconds(1);
        List<Callable<CommittedRun>> commits = new ArrayList<>();
        for (StagedRun s : staged) {
            commits.add(() -> t.commit(s, manifest(s, start, Instant.now()), true));
        }
        List<Object> outcomes = together(commits);
        List<CommittedRun> landed = outcomes.stream().filter(CommittedRun.class::isInstance)
                .map(CommittedRun.class::cast).toList();
        List<Throwable> failed = outcomes.stream().filter(Throwable.class::isInstance).map(Throwable.class::cast)
                .toList();

        assertThat(landed).hasSize(1);
        assertThat(failed).hasSize(committers - 1).allSatisfy(e -> assertThat(e)
                .isInstanceOf(OutputCommitException.class).hasMessageContaining("a run with this id"));
        assertThat(t.runs()).hasSize(1);
        assertThat(origin(store, landed.get(0).path())).isIn(staged.stream().map(StagedRun::path).toList());
        assertThat(store.list(landed.get(0).path())).extracting(FileStore.Entry::name)
                .containsExactlyInAnyOrder("_manifest.json", TableFixture.DATA_FILE);
    }

    @Test
    void concurrentCommitsOfDifferentRunsAllLandAndEachMovesThePointerOnce() throws Exception {
        RunTable t = table();
        int committers = 8;
        List<StagedRun> staged = new ArrayList<>();
        for (int i = 0; i < committers; i++) {
            staged.add(stage(store, t, "run-" + i, "1.0.0"));
        }
        List<Callable<?>> commits = new ArrayList<>();
        for (StagedRun s : staged) {
            commits.add(() -> t.commit(s, manifest(s), true));
        }
        allTogether(commits);

        assertThat(t.runs()).hasSize(committers);
        CurrentPointer p = t.current().orElseThrow();
        assertThat(p.sequence()).isEqualTo(committers);
        List<String> everCurrent = new ArrayList<>();
        everCurrent.add(p.runId());
        p.history().forEach(e -> everCurrent.add(e.runId()));
        assertThat(everCurrent).containsExactlyInAnyOrderElementsOf(staged.stream().map(StagedRun::runId).toList());
        assertEveryPointerChangeWasMadeOnThePreviousOne(t, committers);
    }

    @Test
    void concurrentPromotionsAreEachAppliedOnTheOneBeforeAndNoneIsLost() throws Exception {
        RunTable t = table();
        List<String> ids = List.of("a", "b", "c", "d");
        for (String id : ids) {
            StagedRun s = stage(store, t, id, "1.0.0");
            t.commit(s, manifest(s), true);
        }
        int threads = 4;
        int each = 10;
        List<Callable<?>> promoters = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            promoters.add(() -> {
                for (int n = 0; n < each; n++) {
                    t.promote(ids.get((thread + n) % ids.size()), "thread " + thread);
                }
                return null;
            });
        }
        allTogether(promoters);

        assertThat(t.current().orElseThrow().sequence()).isEqualTo(ids.size() + threads * each);
        assertEveryPointerChangeWasMadeOnThePreviousOne(t, ids.size() + threads * each);
    }

    /**
     * Every claim 1..last exists and was made on the one before: when it moved the pointer, the run the claim
     * before named is the first of its history (a lost update would have the history of an older claim). And
     * current.json, what readers read, is the last claim.
     */
    private void assertEveryPointerChangeWasMadeOnThePreviousOne(RunTable t, int last) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String claims = t.root() + "/_coldpath/pointer";
        assertThat(store.list(claims)).extracting(FileStore.Entry::name).filteredOn(n -> !n.startsWith("."))
                .hasSize(last);
        JsonNode before = null;
        for (int n = 1; n <= last; n++) {
            JsonNode claim = json.readTree(store.read(String.format("%s/%020d.json", claims, n)).orElseThrow());
            assertThat(claim.path("sequence").asLong()).isEqualTo(n);
            if (before != null && !before.path("data_path").equals(claim.path("data_path"))) {
                assertThat(claim.path("history").path(0).path("data_path")).as("claim %d's history", n)
                        .isEqualTo(before.path("data_path"));
            }
            before = claim;
        }
        assertThat(json.readTree(store.read(t.root() + "/_coldpath/current.json").orElseThrow())).isEqualTo(before);
    }

    @Test
    void theViewsNameTheFilesOfTheCurrentRunsAndFollowARunReplacedInPlaceWithoutPromotion() throws Exception {
        RunTable t = table();
        Instant start = Instant.now().minusSeconds(60);
        StagedRun first = stage(store, t, "nightly", "1.0.0");
        t.commit(first, manifest(first, start, start.plusSeconds(1)), true);
        String views = t.root() + "/_coldpath/current.duckdb.sql";
        assertThat(new String(store.read(views).orElseThrow(), StandardCharsets.UTF_8))
                .contains("run=nightly@1.0.0/" + TableFixture.DATA_FILE)
                .contains("CREATE OR REPLACE VIEW \"table\" AS");
        Instant restart = Instant.now();
        StagedRun rerun = stage(store, t, "nightly", "1.0.0");
        store.writeAtomically(rerun.path() + "/part-00001-rerun.txt", new byte[] {1});

        t.commit(rerun, manifest(rerun, restart, Instant.now()), false);

        assertThat(new String(store.read(views).orElseThrow(), StandardCharsets.UTF_8))
                .contains("run=nightly@1.0.0/part-00001-rerun.txt");
        assertThat(new String(store.read(t.root() + "/_coldpath/current.spark.sql").orElseThrow(),
                StandardCharsets.UTF_8)).contains("part-00001-rerun.txt")
                .contains("CREATE OR REPLACE TEMPORARY VIEW `table` AS");
    }

    @Test
    void aRunIdCommittedByAnotherModelVersionIsKeptBesideItAndNamedWithItsVersion() {
        RunTable t = table();
        StagedRun v1 = stage(store, t, "2026-11-28", "1.0.0");
        Instant start = Instant.now().minusSeconds(60);
        CommittedRun old = t.commit(v1, manifest(v1, start, start.plusSeconds(1)), true);
        StagedRun v2 = stage(store, t, "2026-11-28", "1.1.0");
        CommittedRun rerun = t.commit(v2, manifest(v2), true);

        assertThat(t.runs()).extracting(CommittedRun::path).containsExactly(old.path(), rerun.path());
        assertThat(t.run("2026-11-28")).map(CommittedRun::path).contains(rerun.path());
        assertThat(t.run("1.0.0/2026-11-28")).map(CommittedRun::path).contains(old.path());
        assertThat(t.run("model_version=1.0.0/run_id=2026-11-28")).map(CommittedRun::path).contains(old.path());
        assertThat(t.run("run=2026-11-28@1.0.0")).map(CommittedRun::path).contains(old.path());
        assertThat(t.referenceOf(old)).isEqualTo("1.0.0/2026-11-28");
        assertThatThrownBy(() -> t.promote("2026-11-28", "test")).isInstanceOf(JobSpecException.class)
                .hasMessageContaining("was committed by model versions [1.0.0, 1.1.0]: name one as VERSION/RUN");

        t.promote("1.0.0/2026-11-28", "test");

        assertThat(t.currentDataPath()).contains(old.path());
    }
}
