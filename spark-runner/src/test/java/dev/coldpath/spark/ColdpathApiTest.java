package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.spec.JobConfig;
import dev.coldpath.core.spec.JobSpec;
import dev.coldpath.core.table.RunLineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Coldpath.score} inside a user's own Spark job: the rows coldpath run writes, lazily, with its counts. */
class ColdpathApiTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = LocalSpark.get();

    private static List<String> sorted(Dataset<Row> rows) {
        return rows.orderBy("id").collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void scoreInsideAUsersJobGivesTheRowsOfColdpathRunLazilyWithOneSessionPerExecutor() {
        LocalSpark.resetSessionsWhenIdle();
        String model = SampleData.model("wine_mlp").toString();
        RunResult run = new SparkScoringJob(spark).run(JobSpec.from(JobConfig.of(Map.of("model", model,
                "input.path", SampleData.data("wine").toString(), "output.path", tmp.resolve("run").toString(),
                "output.keep-columns", "id"), "test")));
        List<String> written = sorted(spark.read().parquet(run.dataPath())
                .drop(RunLineage.COLUMNS.toArray(String[]::new)));
        LocalSpark.resetSessionsWhenIdle();

        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString());
        Coldpath.Scored scored = Coldpath.scored(wine.filter("id >= 0"), ScoringOptions.model(model)
                .keepColumns("id"));
        long before = scored.counts().rowsScored();
        Dataset<Row> cached = scored.rows().cache(); // scored once: sorting samples its input, a second computation
        cached.count();
        List<String> rows = sorted(cached);

        assertThat(before).as("lazy: nothing scored before an action").isZero();
        assertThat(rows).hasSize(178).isEqualTo(written);
        assertThat(scored.counts().rowsScored()).isEqualTo(178);
        assertThat(scored.counts().sessionsOpened()).as("one session per executor JVM").isEqualTo(1);
    }

    @Test
    void badRowsAreSkippedAndCountedOrFailTheActionAndQuarantineIsRefused() {
        String model = SampleData.model("wine_mlp").toString();
        Dataset<Row> wine = spark.read().parquet(SampleData.data("wine").toString());
        Dataset<Row> withNull = wine.filter("id < 10").select("id", "features").union(wine.filter("id = 10")
                .selectExpr("id", "CAST(NULL AS array<float>) AS features"));

        Coldpath.Scored skipped = Coldpath.scored(withNull, ScoringOptions.model(model).keepColumns("id")
                .set("bad-rows.policy", "skip"));

        assertThat(skipped.rows().count()).isEqualTo(10);
        assertThat(skipped.counts().rowsRejected()).isEqualTo(1);
        assertThatThrownBy(() -> Coldpath.score(withNull, ScoringOptions.model(model)).count())
                .hasStackTraceContaining("features");
        assertThatThrownBy(() -> Coldpath.score(wine, ScoringOptions.model(model)
                .set("bad-rows.policy", "quarantine"))).isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Invalid bad-rows.policy: quarantine");
        assertThatThrownBy(() -> ScoringOptions.model(model).set("input.path", "/x"))
                .isInstanceOf(JobSpecException.class).hasMessageContaining("Invalid ScoringOptions key input.path");
    }

    @Test
    void everyJavaExampleOfDocsApiMdIsCompiledInApiExamples() throws Exception {
        Path root = SampleData.dir().getParent();
        String page = Files.readString(root.resolve("docs/api.md"));
        String examples = Files.readString(root.resolve(
                "spark-runner/src/test/java/dev/coldpath/spark/ApiExamples.java"));
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(page);
        while (m.find()) {
            blocks.add(m.group(1));
        }

        assertThat(blocks).isNotEmpty();
        for (String block : blocks) {
            assertThat(examples.replaceAll("(?m)^    ", "")).as("docs/api.md's example is in ApiExamples.java")
                    .contains(block.strip());
        }
    }
}
