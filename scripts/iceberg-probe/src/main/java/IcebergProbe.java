import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Runs, on the Spark version it was built against, each Iceberg operation that coldpath's Iceberg sink and `runs`
 * commands need, through the `coldpath` Hadoop catalog in a temporary warehouse; prints one OK or FAILED line each
 * and goes on after a failure. Exit code: the number of failed steps.
 */
public final class IcebergProbe {
    private static final ProbeSteps STEPS = new ProbeSteps();

    public static void main(String[] args) throws Exception {
        Path warehouse = Files.createTempDirectory("iceberg-probe");
        SparkSession spark = ProbeSteps.localSession("iceberg-probe")
                .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
                .config("spark.sql.catalog.coldpath", "org.apache.iceberg.spark.SparkCatalog")
                .config("spark.sql.catalog.coldpath.type", "hadoop")
                .config("spark.sql.catalog.coldpath.warehouse", warehouse.toUri().toString())
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        System.out.println("Spark " + spark.version() + ", Iceberg " + org.apache.iceberg.IcebergBuild.version());
        String t = "coldpath.nightly.wine";
        sql(spark, "CREATE TABLE " + t + " (id BIGINT, score DOUBLE, run_id STRING, scored_at TIMESTAMP)"
                + " USING iceberg PARTITIONED BY (days(scored_at))");
        sql(spark, "INSERT INTO " + t + " VALUES (1, 0.5, 'r1', current_timestamp()), (2, 0.6, 'r1', current_timestamp())");
        step("DataFrameWriterV2 overwritePartitions with a snapshot property", () -> {
            row(spark, 3, "r2").writeTo(t).option("snapshot-property.coldpath.run-id", "r2").overwritePartitions();
            return "";
        });
        step("DataFrameWriterV2 overwrite(true) with a snapshot property", () -> {
            row(spark, 4, "r3").writeTo(t).option("snapshot-property.coldpath.run-id", "r3")
                    .overwrite(functions.lit(true));
            return "";
        });
        step("DataFrameWriterV2 append", () -> {
            row(spark, 5, "r4").writeTo(t).append();
            return "";
        });
        sql(spark, "SELECT snapshot_id, operation, summary['coldpath.run-id'] FROM " + t + ".snapshots");
        sql(spark, "ALTER TABLE " + t + " CREATE TAG `run-r3`");
        sql(spark, "SELECT * FROM " + t + " VERSION AS OF 'run-r3'");
        long[] ids = new long[4];
        step("snapshot ids", () -> {
            List<Row> rows = spark.sql("SELECT snapshot_id FROM " + t + ".snapshots ORDER BY committed_at")
                    .collectAsList();
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rows.get(i).getLong(0);
            }
            return rows.size() + " snapshots";
        });
        sql(spark, "SELECT count(*) FROM " + t + " VERSION AS OF " + ids[0]);
        sql(spark, "CALL coldpath.system.rollback_to_snapshot('nightly.wine', " + ids[1] + ")");
        sql(spark, "CALL coldpath.system.set_current_snapshot('nightly.wine', " + ids[2] + ")");
        sql(spark, "ALTER TABLE " + t + " CREATE BRANCH `coldpath-staging`");
        step("append to a branch", () -> {
            row(spark, 6, "r5").writeTo(t + ".`branch_coldpath-staging`").append();
            return "";
        });
        sql(spark, "CALL coldpath.system.fast_forward('nightly.wine', 'main', 'coldpath-staging')");
        sql(spark, "CALL coldpath.system.expire_snapshots(table => 'nightly.wine',"
                + " older_than => TIMESTAMP '2999-01-01 00:00:00', retain_last => 2)");
        step("path-based DataFrameReader format(iceberg)", () -> String.valueOf(spark.read().format("iceberg")
                .load(warehouse.resolve("nightly/wine").toUri().toString()).count()));
        step("Iceberg generic reader (no Spark) on HadoopCatalog", () -> {
            HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse.toUri().toString());
            Table table = catalog.loadTable(TableIdentifier.of("nightly", "wine"));
            StringBuilder out = new StringBuilder();
            for (Snapshot s : table.snapshots()) {
                out.append(s.snapshotId()).append(' ').append(s.operation()).append("; ");
            }
            try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
                int n = 0;
                for (Record ignored : rows) {
                    n++;
                }
                out.append(n).append(" rows, refs ").append(table.refs().keySet());
            }
            return out.toString();
        });
        STEPS.finish(spark);
    }

    private static org.apache.spark.sql.Dataset<Row> row(SparkSession spark, long id, String run) {
        return spark.sql("SELECT " + id + "L AS id, 0.7D AS score, '" + run + "' AS run_id,"
                + " current_timestamp() AS scored_at");
    }

    private static void sql(SparkSession spark, String sql) {
        step(sql, () -> spark.sql(sql).collectAsList().toString());
    }

    private static void step(String what, Callable<String> action) {
        STEPS.step(what, action, false);
    }
}
