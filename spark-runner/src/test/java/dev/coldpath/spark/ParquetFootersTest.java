package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.connectors.ParquetFooters;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.error.InputDataException;
import dev.coldpath.core.schema.RowSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight's schema, from Parquet footers without Spark, is the schema Spark reads. */
class ParquetFootersTest {
    @TempDir
    Path tmp;

    private final Configuration conf = HadoopFileStore.hadoopConfiguration(Map.of());

    private RowSchema footerSchema(String path) {
        return ParquetFooters.read(conf, path, ParquetSource.list(conf, path, List.of())).schema();
    }

    @Test
    void everyColumnTypeReadsAsSparkReadsIt() {
        SparkSession spark = LocalSpark.get();
        String path = tmp.resolve("types").toString();
        spark.sql("SELECT CAST(id AS TINYINT) AS b, CAST(id AS SMALLINT) AS s, CAST(id AS INT) AS i, id AS l,"
                + " CAST(id AS FLOAT) AS f, CAST(id AS DOUBLE) AS d, CAST(id AS STRING) AS str, id % 2 = 0 AS flag,"
                + " array(CAST(id AS FLOAT), 1.5f) AS fa, array(array(CAST(id AS DOUBLE))) AS nested,"
                + " map('a', CAST(id AS FLOAT)) AS m, CAST(id AS DECIMAL(10,2)) AS dec, DATE'2026-11-27' AS day,"
                + " TIMESTAMP'2026-11-27 01:02:03' AS ts, CAST(CAST(id AS STRING) AS BINARY) AS bin,"
                + " named_struct('x', id, 'y', 'z') AS st, CAST(id AS INT) AS p, 'x y' AS q,"
                + " CAST(id AS STRING) AS v FROM range(4)")
                .write().partitionBy("p", "q").parquet(path);

        Dataset<Row> read = spark.read().parquet(path);

        assertThat(footerSchema(path)).isEqualTo(SparkTypes.toRowSchema(read.schema()));
    }

    @Test
    void legacyListsAndDatePartitionsReadAsSparkReadsThem() {
        SparkSession spark = LocalSpark.get();
        String path = tmp.resolve("legacy").toString();
        spark.conf().set("spark.sql.parquet.writeLegacyFormat", "true");
        try {
            spark.sql("SELECT array(CAST(id AS FLOAT)) AS fa, map(id, 'v') AS m, CAST(id AS DECIMAL(5,1)) AS dec,"
                    + " '2026-11-2' || CAST(id AS STRING) AS date, id * 1.5 AS score FROM range(3)")
                    .write().partitionBy("date", "score").parquet(path);
        } finally {
            spark.conf().unset("spark.sql.parquet.writeLegacyFormat");
        }

        assertThat(footerSchema(path)).isEqualTo(SparkTypes.toRowSchema(spark.read().parquet(path).schema()));
    }

    @Test
    void allFootersGiveTheRowCountAndATypeThatDiffersBetweenFilesIsAConflict() {
        SparkSession spark = LocalSpark.get();
        String path = tmp.resolve("mixed").toString();
        spark.sql("SELECT id, CAST(id AS FLOAT) AS x FROM range(5)").coalesce(1).write().parquet(path);
        spark.sql("SELECT id, CAST(id AS STRING) AS x FROM range(3)").coalesce(1).write().mode("append")
                .parquet(path);

        ParquetFooters.Footers footers = ParquetFooters.read(conf, path, ParquetSource.list(conf, path, List.of()));

        assertThat(footers.rows()).hasValue(8);
        assertThat(footers.footersRead()).isEqualTo(2);
        assertThat(footers.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.column()).isEqualTo("x");
            assertThat(c.error().getMessage()).contains("column 'x' is ").contains("remove the file");
        });
    }

    @Test
    void aFileThatIsNotParquetIsTheUsersErrorNamingTheFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("part-0.parquet"), "id,x\n1,2\n3,4\n");

        assertThatThrownBy(() -> footerSchema(dir.toString())).isInstanceOf(InputDataException.class)
                .hasMessageContaining("Cannot read input file file:" + dir.resolve("part-0.parquet"))
                .hasMessageContaining("is not a Parquet file");
    }
}
