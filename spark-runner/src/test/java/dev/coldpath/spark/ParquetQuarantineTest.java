package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's quarantined rows become visible whole, once per partition, or not at all. */
class ParquetQuarantineTest {
    private static final StructType INPUT = new StructType().add("id", DataTypes.LongType);

    @TempDir
    Path tmp;

    private final SparkSession spark = LocalSpark.get();

    private RejectSink sink(Path dir) {
        ScoredRows rows = new ScoredRows(spark, rejects -> null, INPUT, INPUT);
        return new ParquetQuarantine(dir.toString(), SparkInternals.parquetFiles(spark, rows.rejectedSchema()));
    }

    private static void write(RejectSink.Writer writer, long... ids) {
        for (long id : ids) {
            writer.write(new RejectedRow(new GenericInternalRow(new Object[] {id}), "Column 'f' is null"));
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void committedRowsAreOneFilePerPartitionAndARetryReplacesIt() throws IOException {
        Path dir = tmp.resolve("_quarantine");
        RejectSink sink = sink(dir);

        RejectSink.Writer first = sink.open();
        write(first, 1, 2, 3);
        first.commit();
        RejectSink.Writer retry = sink.open();
        write(retry, 1, 2);
        retry.commit();

        assertThat(files(dir)).containsExactly("part-00000.parquet");
        List<Row> rows = spark.read().parquet(dir.toString()).collectAsList();
        assertThat(rows).extracting(r -> r.getLong(0)).containsExactlyInAnyOrder(1L, 2L);
        assertThat(rows).extracting(r -> r.getString(1)).containsOnly("Column 'f' is null");
    }

    @Test
    void anAbortedAttemptLeavesNothing() throws IOException {
        Path dir = tmp.resolve("_quarantine");
        RejectSink.Writer failed = sink(dir).open();
        write(failed, 7);

        failed.abort();

        assertThat(files(dir)).isEmpty();
    }
}
