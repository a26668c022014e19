package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A job on s3a:// with a recognisable secret key: the value is in neither the run's manifest, nor its pointer,
 * nor the result, nor the log output (everything logged at INFO and coldpath at DEBUG while the job runs), nor
 * any message or stack trace of a job that fails on a wrong secret.
 */
@Tag("slow") // excluded by mvn -Pquick
class S3SecretRedactionTest {
    private final SparkSession spark = LocalSpark.get();
    private final StringWriter log = new StringWriter();
    private S3ProxyServer server;
    private String secret;
    private WriterAppender appender;
    private Level rootLevel;

    @BeforeEach
    void setUp() {
        server = S3ProxyServer.shared();
        secret = server.secretKey();
        assertThat(secret).as("a recognisable secret").startsWith("coldpath-S3CR3T-");
        S3Testing.configure(spark, server);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%p %c: %m%n%ex").build(),
                null, log, "capture", false, true);
        appender.start();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        root.setLevel(Level.INFO);
        root.addAppender(appender, Level.ALL, null);
        config.getLoggerConfig("dev.coldpath").addAppender(appender, Level.ALL, null);
        context.updateLoggers();
    }

    @AfterEach
    void tearDown() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender("capture");
        config.getLoggerConfig("dev.coldpath").removeAppender("capture");
        config.getRootLogger().setLevel(rootLevel);
        context.updateLoggers();
        appender.stop();
    }

    private JobSpec job(String input, String output, String... more) {
        Map<String, Object> flat = new LinkedHashMap<>(server.sparkConf());
        flat.put("model", SampleData.model("wine_mlp").toString());
        flat.put("input.path", input);
        flat.put("output.path", output);
        for (int i = 0; i < more.length; i += 2) {
            flat.put(more[i], more[i + 1]);
        }
        return JobSpec.from(JobConfig.of(flat, "test"));
    }

    @Test
    void theSecretKeyAppearsInNoManifestPointerResultLogOrError() throws Exception {
        String bucket = server.createBucket("secrets-" + UUID.randomUUID().toString().substring(0, 8));
        String input = bucket + "/in/wine.parquet";
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        try (FileSystem fs = FileSystem.newInstance(new org.apache.hadoop.fs.Path(bucket).toUri(), conf)) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(SampleData.data("wine").toUri()),
                    new org.apache.hadoop.fs.Path(input));
        }

        RunResult result = new SparkScoringJob(spark).run(job(input, bucket + "/out", "run.id", "r1"));
        JobSpec inProcess = job(input, bucket + "/out-local", "run.id", "r1");
        RunResult local = new LocalScoringJob(inProcess, Progress.Listener.NONE, Duration.ofSeconds(1))
                .run(inProcess, RunnerChoice.choose(JobPreflight.check(inProcess)).reason());

        HadoopFileStore store = new HadoopFileStore(conf);
        RunTable table = new RunTable(store, bucket + "/out");
        String manifest = new String(store.read(result.dataPath() + "/" + RunTable.MANIFEST).orElseThrow(),
                StandardCharsets.UTF_8);
        String pointer = new String(store.read(bucket + "/out/_coldpath/current.json").orElseThrow(),
                StandardCharsets.UTF_8);
        assertThat(table.runs()).hasSize(1);
        assertThat(manifest).contains("\"spark.hadoop.fs.s3a.secret.key\" : \"<redacted>\"").doesNotContain(secret);
        assertThat(pointer).doesNotContain(secret);
        assertThat(result.toString()).doesNotContain(secret);
        String localManifest = new String(store.read(local.dataPath() + "/" + RunTable.MANIFEST).orElseThrow(),
                StandardCharsets.UTF_8);
        assertThat(localManifest).contains("\"name\" : \"local\"")
                .contains("\"spark.hadoop.fs.s3a.secret.key\" : \"<redacted>\"").doesNotContain(secret);
        assertThat(local.toString()).doesNotContain(secret);

        // Another bucket, whose file system is created with the wrong per-bucket secret (Hadoop caches one per bucket).
        String other = server.createBucket("secrets-" + UUID.randomUUID().toString().substring(0, 8));
        String wrong = "coldpath-WRONG-" + UUID.randomUUID();
        String name = other.substring("s3a://".length());
        conf.set("fs.s3a.bucket." + name + ".secret.key", wrong);
        assertThatThrownBy(() -> new SparkScoringJob(spark).run(job(other + "/in", other + "/out", "run.id", "r2",
                "spark.hadoop.fs.s3a.bucket." + name + ".secret.key", wrong)))
                .satisfies(e -> assertThat(stackTrace(e)).contains("access denied")
                        .doesNotContain(secret).doesNotContain(wrong));

        assertThat(log.toString()).as("captured log").contains("INFO").doesNotContain(secret).doesNotContain(wrong);
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
