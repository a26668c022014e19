package dev.coldpath.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParquetFootersSampleTest {
    @Test
    void aLargeInputIsSampledEvenlyWithItsFirstAndLastFiles() {
        List<Integer> chosen = ParquetFooters.sample(1000);

        assertThat(chosen).hasSize(ParquetFooters.MAX_FOOTERS).startsWith(0).endsWith(999).doesNotHaveDuplicates();
        assertThat(ParquetFooters.sample(3)).containsExactly(0, 1, 2);
    }

    @Test
    void partitionColumnsAreTypedAsSparkInfersThemAndWidenAcrossDirectories() {
        List<InputFile> files = List.of(
                new InputFile("file:/in/day=2026-11-27/n=1/shard=a/part-0.parquet", 100, 0),
                new InputFile("file:/in/day=2026-11-28/n=3000000000/shard=1.5/part-0.parquet", 100, 0),
                new InputFile("file:/in/day=__HIVE_DEFAULT_PARTITION__/n=2/shard=b/part-0.parquet", 100, 0));

        assertThat(ParquetFooters.partitionColumns("file:/in", files)).containsExactly(
                new Column("day", ColumnType.other("date")), new Column("n", ColumnType.LONG),
                new Column("shard", ColumnType.STRING));
    }
}
