import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.SparkSession;

/**
 * The Iceberg core API without Iceberg's Spark catalog: Spark writes plain Parquet files, the driver commits them to
 * a Hadoop-catalog table as one snapshot per run, tags it, rolls back, and the generic reader reads each run. Prints
 * one OK or FAILED line per step; exit code: the number of failed steps.
 */
public final class IcebergCoreProbe {
    private static final ProbeSteps STEPS = new ProbeSteps();

    public static void main(String[] args) throws Exception {
        Path warehouse = Files.createTempDirectory("iceberg-core-probe");
        SparkSession spark = ProbeSteps.localSession("iceberg-core-probe")
                .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        System.out.println("Spark " + spark.version() + ", Iceberg " + org.apache.iceberg.IcebergBuild.version());
        HadoopCatalog catalog = new HadoopCatalog(conf, warehouse.toUri().toString());
        Table[] table = new Table[1];
        step("create table from a Spark schema (SparkSchemaUtil) with a name mapping", () -> {
            Schema schema = SparkSchemaUtil.convert(run(spark, "r1", 3).schema());
            table[0] = catalog.createTable(TableIdentifier.of("nightly", "wine"), schema,
                    PartitionSpec.unpartitioned());
            table[0].updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING,
                    NameMappingParser.toJson(MappingUtil.create(table[0].schema()))).commit();
            return table[0].schema().toString().replace('\n', ' ');
        });
        for (String[] r : new String[][] {{"r1", "3"}, {"r2", "5"}, {"r2", "5"}}) {
            step("run " + r[0] + ": Spark writes Parquet, one overwrite snapshot, tag run-" + r[0], () -> {
                Table t = table[0];
                String dir = t.location() + "/data/run=" + r[0] + "-" + System.nanoTime();
                run(spark, r[0], Integer.parseInt(r[1])).write().parquet(dir);
                OverwriteFiles overwrite = t.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue())
                        .set("coldpath.run-id", r[0]);
                FileSystem fs = new org.apache.hadoop.fs.Path(dir).getFileSystem(conf);
                for (FileStatus f : fs.listStatus(new org.apache.hadoop.fs.Path(dir),
                        p -> p.getName().endsWith(".parquet"))) {
                    String location = f.getPath().toString();
                    Metrics metrics = ParquetUtil.fileMetrics(HadoopInputFile.fromLocation(location, conf),
                            MetricsConfig.forTable(t));
                    DataFile file = DataFiles.builder(t.spec()).withPath(location).withFileSizeInBytes(f.getLen())
                            .withFormat(FileFormat.PARQUET).withMetrics(metrics).build();
                    overwrite.addFile(file);
                }
                overwrite.commit();
                long id = t.currentSnapshot().snapshotId();
                if (t.refs().containsKey("run-" + r[0])) {
                    t.manageSnapshots().replaceTag("run-" + r[0], id).commit();
                } else {
                    t.manageSnapshots().createTag("run-" + r[0], id).commit();
                }
                return "snapshot " + id + " " + t.currentSnapshot().summary();
            });
        }
        step("generic reader: current table and tag run-r1", () -> {
            Table t = catalog.loadTable(TableIdentifier.of("nightly", "wine"));
            return count(t, t.currentSnapshot().snapshotId()) + " rows now, "
                    + count(t, t.refs().get("run-r1").snapshotId()) + " rows at run-r1";
        });
        step("rollback to run-r1's snapshot", () -> {
            Table t = catalog.loadTable(TableIdentifier.of("nightly", "wine"));
            t.manageSnapshots().rollbackTo(t.refs().get("run-r1").snapshotId()).commit();
            t.refresh();
            return count(t, t.currentSnapshot().snapshotId()) + " rows now";
        });
        step("expire snapshots, keeping the last two", () -> {
            Table t = catalog.loadTable(TableIdentifier.of("nightly", "wine"));
            t.expireSnapshots().expireOlderThan(System.currentTimeMillis()).retainLast(2).commit();
            List<Long> ids = new ArrayList<>();
            for (Snapshot s : t.snapshots()) {
                ids.add(s.snapshotId());
            }
            return ids.toString();
        });
        STEPS.finish(spark);
    }

    private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> run(SparkSession spark, String run, int n) {
        return spark.range(n).selectExpr("id", "id * 0.1D AS score", "'" + run + "' AS run_id",
                "current_timestamp() AS scored_at");
    }

    private static int count(Table t, long snapshot) throws Exception {
        int n = 0;
        try (CloseableIterable<Record> rows = IcebergGenerics.read(t).useSnapshot(snapshot).build()) {
            for (Record ignored : rows) {
                n++;
            }
        }
        return n;
    }

    private static void step(String what, Callable<String> action) {
        STEPS.step(what, action, true);
    }
}
