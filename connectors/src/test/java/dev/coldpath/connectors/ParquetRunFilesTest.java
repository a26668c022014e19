package dev.coldpath.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetRunFilesTest {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
            "message run { required int64 id; required double score; required binary note (UTF8); }");

    @Test
    void aSampleDrawsFromEveryFileInProportionToItsRows(@TempDir Path dir) throws IOException {
        write(dir.resolve("part-00000.parquet"), 0, 100);
        write(dir.resolve("part-00001.parquet"), 1_000, 300);
        write(dir.resolve("part-00002.parquet"), 2_000, 600);
        List<Long> ids = new ArrayList<>();

        long read = ParquetRunFiles.of(new Configuration(), dir.toString())
                .sample(List.of("id"), 100, g -> ids.add(g.getLong("id", 0)));

        assertThat(read).isEqualTo(ids.size()).isEqualTo(100);
        assertThat(ids.stream().filter(id -> id < 1_000)).hasSize(10);
        assertThat(ids.stream().filter(id -> id >= 1_000 && id < 2_000)).hasSize(30);
        assertThat(ids.stream().filter(id -> id >= 2_000)).hasSize(60);
    }

    @Test
    void aSampleOfARunNoLargerThanItIsEveryRow(@TempDir Path dir) throws IOException {
        write(dir.resolve("part-00000.parquet"), 0, 7);
        write(dir.resolve("part-00001.parquet"), 100, 5);
        List<Long> ids = new ArrayList<>();

        long read = ParquetRunFiles.of(new Configuration(), dir.toString())
                .sample(List.of("id"), 12, g -> ids.add(g.getLong("id", 0)));

        assertThat(read).isEqualTo(12);
        assertThat(ids).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 100L, 101L, 102L, 103L, 104L);
    }

    @Test
    void rowsHoldOnlyTheColumnsAsked(@TempDir Path dir) throws IOException {
        write(dir.resolve("part-00000.parquet"), 0, 3);
        List<Group> rows = new ArrayList<>();

        long read = ParquetRunFiles.of(new Configuration(), dir.toString())
                .read(List.of("score", "id", "score"), 2, rows::add);

        assertThat(read).isEqualTo(2);
        assertThat(rows.get(0).getType().getFields()).extracting(f -> f.getName()).containsExactly("score", "id");
        assertThat(rows.get(1).getDouble("score", 0)).isEqualTo(0.5);
        assertThat(ParquetRunFiles.text(rows.get(1), "id")).isEqualTo("1");
    }

    private static void write(Path file, long firstId, int rows) throws IOException {
        Files.createDirectories(file.getParent());
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter
                .builder(new org.apache.hadoop.fs.Path(file.toUri())).withType(SCHEMA).build()) {
            for (int i = 0; i < rows; i++) {
                writer.write(groups.newGroup().append("id", firstId + i).append("score", i * 0.5)
                        .append("note", "a note long enough to cost something " + i));
            }
        }
    }
}
