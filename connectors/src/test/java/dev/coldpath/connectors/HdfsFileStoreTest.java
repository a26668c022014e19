package dev.coldpath.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.io.FileStore;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.table.CommittedRun;
import dev.coldpath.core.table.CurrentPointer;
import dev.coldpath.core.table.RunTable;
import dev.coldpath.core.table.StagedRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HadoopFileStore} on a real HDFS (a NameNode and a DataNode in this JVM): the branch for file systems
 * that are neither local nor object stores, whose atomic renames the prediction table's commit relies on
 * (docs/tables.md), and concurrent commits into a table there.
 */
@Tag("slow") // excluded by mvn -Pquick
class HdfsFileStoreTest {
    @TempDir
    static Path base;
    private static MiniDFSCluster cluster;
    private static HadoopFileStore store;
    private static String root;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        cluster = new MiniDFSCluster.Builder(conf, base.toFile()).numDataNodes(1).build();
        cluster.waitActive();
        store = new HadoopFileStore(cluster.getConfiguration(0));
        root = cluster.getURI() + "/tables";
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Test
    void theInputsFootersAreReadFromHdfsWithoutSpark() throws IOException {
        Path wine = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && wine == null; p = p.getParent()) {
            Path candidate = p.resolve("sample-data/data/wine.parquet");
            wine = Files.isRegularFile(candidate) ? candidate : null;
        }
        String input = cluster.getURI() + "/landing/wine";
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(input + "/date=2026-11-27/part-0.parquet");
        target.getFileSystem(cluster.getConfiguration(0))
                .copyFromLocalFile(new org.apache.hadoop.fs.Path(wine.toUri()), target);

        ParquetFooters.Footers footers = ParquetFooters.read(cluster.getConfiguration(0), input,
                ParquetSource.list(cluster.getConfiguration(0), input, List.of()));

        assertThat(footers.rows()).hasValue(178);
        assertThat(footers.schema().find("features").orElseThrow().type())
                .isEqualTo(ColumnType.arrayOf(ColumnType.FLOAT));
        assertThat(footers.schema().find("date").orElseThrow().type()).isEqualTo(ColumnType.other("date"));
    }

    @Test
    void hdfsIsAFileSystemWithAtomicRenamesNotAnObjectStore() {
        assertThat(root).startsWith("hdfs://");
        assertThat(store.isObjectStore(root)).isFalse();
        assertThat(store.hasAtomicDirectoryRename(root)).isTrue();
        assertThat(store.qualify("/tables/t")).isEqualTo(cluster.getURI() + "/tables/t");
    }

    @Test
    void writeAtomicallyReplacesAFileWholeAndLeavesNoTemporaryFile() {
        String dir = root + "/pointer";
        String file = dir + "/current.json";
        store.writeAtomically(file, bytes("first"));
        store.writeAtomically(file, bytes("second, longer"));

        assertThat(store.read(file)).map(HdfsFileStoreTest::text).contains("second, longer");
        assertThat(store.list(dir)).extracting(FileStore.Entry::name).containsExactly("current.json");
    }

    @Test
    void createExclusivelyWinsOnceAndKeepsTheFirstContent() {
        String file = root + "/exclusive/lock";

        assertThat(store.createExclusively(file, bytes("one"))).isTrue();
        assertThat(store.createExclusively(file, bytes("two"))).isFalse();
        assertThat(store.read(file)).map(HdfsFileStoreTest::text).contains("one");
    }

    @Test
    void aDirectoryRenameMovesEveryFileAndRefusesAnExistingTarget() {
        String staged = root + "/rename/_staging/run-1";
        store.writeAtomically(staged + "/part-0.parquet", bytes("a"));
        store.writeAtomically(staged + "/_manifest.json", bytes("{}"));
        String committed = root + "/rename/model_version=1/run_id=1";

        store.rename(staged, committed);

        assertThat(store.exists(staged)).isFalse();
        assertThat(store.list(committed)).extracting(FileStore.Entry::name)
                .containsExactly("_manifest.json", "part-0.parquet");
        store.writeAtomically(root + "/rename/other/x", bytes("x"));
        assertThatThrownBy(() -> store.rename(root + "/rename/other", committed))
                .isInstanceOf(StorageException.class).hasMessageContaining("Cannot rename");
        assertThat(store.read(committed + "/part-0.parquet")).map(HdfsFileStoreTest::text).contains("a");
    }

    @Test
    void listReadMkdirsAndDeleteBehaveAsOnOtherStores() {
        String dir = root + "/misc";
        assertThat(store.list(dir)).isEmpty();
        assertThat(store.read(dir + "/missing")).isEmpty();

        store.mkdirs(dir + "/b");
        store.writeAtomically(dir + "/a", bytes("12345"));
        assertThat(store.list(dir)).extracting(FileStore.Entry::name, FileStore.Entry::directory)
                .containsExactly(tuple("a", false),
                        tuple("b", true));
        assertThat(store.list(dir).get(0).size()).isEqualTo(5);

        store.delete(dir);
        store.delete(dir); // already gone: no error
        assertThat(store.exists(dir)).isFalse();
    }

    @Test
    void concurrentCommitsIntoOneTableAllLandAndEachMovesThePointerOnce() throws Exception {
        RunTable table = new RunTable(store, root + "/table");
        int committers = 6;
        List<StagedRun> staged = new ArrayList<>();
        for (int i = 0; i < committers; i++) {
            staged.add(TableFixture.stage(store, table, "run-" + i, "1.0.0"));
        }
        List<Callable<?>> commits = new ArrayList<>();
        for (StagedRun s : staged) {
            commits.add(() -> table.commit(s, TableFixture.manifest(s), true));
        }
        TableFixture.allTogether(commits);

        assertThat(table.runs()).hasSize(committers);
        CurrentPointer p = table.current().orElseThrow();
        assertThat(p.sequence()).isEqualTo(committers);
        List<String> everCurrent = new ArrayList<>(List.of(p.runId()));
        p.history().forEach(e -> everCurrent.add(e.runId()));
        assertThat(everCurrent).containsExactlyInAnyOrderElementsOf(staged.stream().map(StagedRun::runId).toList());
        assertThat(store.list(table.root() + "/_coldpath/pointer")).extracting(FileStore.Entry::name)
                .as("claims, and no temporary file left").hasSize(committers).allMatch(n -> n.matches("\\d{20}\\.json"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
