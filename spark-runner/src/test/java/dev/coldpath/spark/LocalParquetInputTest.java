package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.core.schema.RowSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LocalParquetInputTest {
    /**
     * A file larger than a split is cut by the row groups its footer lists: taken from the footers the preflight
     * read, the file is not opened again (here there is no file to open).
     */
    @Test
    void aFileCutIntoSplitsIsCutByTheRowGroupsOfTheFootersReadAlready() {
        String file = "file:/nonexistent/coldpath/one.parquet";
        // row groups whose middles fall at 154, 454 and 799: in the first and the second 400-byte range, none in the last
        ParquetFooters.Footers footers = new ParquetFooters.Footers(new RowSchema(List.of()), 1, 1,
                OptionalLong.of(30), List.of(), Map.of(), Map.of(file, List.of(new ParquetFooters.RowGroup(4, 300),
                new ParquetFooters.RowGroup(304, 300), new ParquetFooters.RowGroup(604, 390))));

        List<LocalParquetInput.Split> splits = LocalParquetInput.splits(HadoopFileStore.hadoopConfiguration(Map.of()),
                List.of(file), List.of(1000L), 2, 400, 0, Optional.of(footers));

        assertThat(splits).extracting(LocalParquetInput.Split::ranges).containsExactly(
                List.of(new LocalParquetInput.Range(file, 0, 400)), List.of(new LocalParquetInput.Range(file, 400, 400)));
    }
}
