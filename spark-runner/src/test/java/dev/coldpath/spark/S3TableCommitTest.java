package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.error.OutputCommitException;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Concurrent commits into one prediction table on s3a://, against a real S3 server (s3proxy in its own JVM, which
 * implements conditional PUTs), from threads of one JVM sharing its S3A file system, without Spark: the commit
 * claims and the pointer's compare-and-swap (docs/tables.md).
 */
@Tag("slow") // excluded by mvn -Pquick
class S3TableCommitTest {
    private static final String DATA_FILE = "part-00000.txt";

    private static S3ProxyServer server;
    private HadoopFileStore store;
    private RunTable table;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.shared();
    }

    @BeforeEach
    void setUp() {
        Configuration conf = new Configuration();
        server.configure(conf);
        store = new HadoopFileStore(conf);
        String bucket = server.createBucket("t-" + UUID.randomUUID().toString().substring(0, 8));
        table = new RunTable(store, bucket + "/predictions");
    }

    private StagedRun stage(String runId) {
        StagedRun staged = table.stage(runId, "1.0.0");
        store.writeAtomically(store.resolve(staged.path(), DATA_FILE), staged.path().getBytes(StandardCharsets.UTF_8));
        return staged;
    }

    private static RunManifest manifest(StagedRun staged, Instant started) {
        return new RunManifest(RunManifest.FORMAT_VERSION, staged.runId(), "test",
                staged.dataPath(), null,
                new RunManifest.Rows(1, 1, 0), started.toString(), Instant.now().toString(), 1, Map.of(), null, null,
                List.of(), null, null);
    }

    /** Runs the tasks at once, each in its own thread; returns what each returned or threw. */
    private static <T> List<Object> together(List<Callable<T>> tasks) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCommitsOfDifferentRunsAllLandAndEachMovesThePointerOnce() throws Exception {
        List<StagedRun> staged = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            staged.add(stage("run-" + i));
        }
        Instant started = Instant.now().minusSeconds(1);

        List<Object> outcomes = together(staged.stream().<Callable<CommittedRun>>map(s ->
                () -> table.commit(s, manifest(s, started), true)).toList());

        assertThat(outcomes).allMatch(o -> o instanceof CommittedRun);
        assertThat(table.runs()).extracting(CommittedRun::runId)
                .containsExactlyInAnyOrderElementsOf(staged.stream().map(StagedRun::runId).toList());
        CurrentPointer p = table.current().orElseThrow();
        assertThat(p.sequence()).isEqualTo(staged.size());
        List<String> everCurrent = new ArrayList<>(List.of(p.runId()));
        p.history().forEach(e -> everCurrent.add(e.runId()));
        assertThat(everCurrent).containsExactlyInAnyOrderElementsOf(staged.stream().map(StagedRun::runId).toList());
        ObjectMapper json = new ObjectMapper();
        JsonNode before = null;
        for (int n = 1; n <= staged.size(); n++) {
            JsonNode claim = json.readTree(store.read(String.format("%s/_coldpath/pointer/%020d.json", table.root(), n))
                    .orElseThrow());
            if (before != null) {
                assertThat(claim.path("history").path(0).path("data_path")).as("claim %d made on claim %d", n, n - 1)
                        .isEqualTo(before.path("data_path"));
            }
            before = claim;
        }
        assertThat(json.readTree(store.read(table.root() + "/_coldpath/current.json").orElseThrow()))
                .isEqualTo(before);
    }

    @Test
    void concurrentCommitsOfOneRunIdLandOnceAndEveryOtherFailsLoudly() throws Exception {
        List<StagedRun> staged = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            staged.add(stage("same-id"));
        }
        Instant started = Instant.now().minusSeconds(1);

        List<Object> outcomes = together(staged.stream().<Callable<CommittedRun>>map(s ->
                () -> table.commit(s, manifest(s, started), true)).toList());

        List<CommittedRun> landed = outcomes.stream().filter(CommittedRun.class::isInstance)
                .map(CommittedRun.class::cast).toList();
        assertThat(landed).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !(o instanceof CommittedRun)).hasSize(staged.size() - 1)
                .allSatisfy(o -> assertThat((Throwable) o).isInstanceOf(OutputCommitException.class)
                        .hasMessageContaining("a run with this id and model version"));
        String data = new String(store.read(landed.get(0).path() + "/" + DATA_FILE).orElseThrow(),
                StandardCharsets.UTF_8);
        assertThat(data).isIn(staged.stream().map(StagedRun::path).toList());
        assertThat(store.list(landed.get(0).path())).extracting(e -> e.name())
                .containsExactlyInAnyOrder(RunTable.MANIFEST, DATA_FILE);
        assertThat(table.current().orElseThrow().dataPath()).isEqualTo("run=same-id@1.0.0");
    }
}
