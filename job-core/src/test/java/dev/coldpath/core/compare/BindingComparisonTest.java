package dev.coldpath.core.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.coldpath.core.testing.SampleModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The comparison of two real models' outputs on the same 569 rows (the sample logistic regression as champion, the
 * tree ensemble as the other: their trainers' own predictions in sample-data/expected), against DuckDB computing
 * each statistic from the documented definitions over the same CSV files, and against itself fed in 8 shuffled
 * partitions that travel serialized and merge.
 */
class BindingComparisonTest {
    private static final List<String> KEY = List.of("id");

    private record Pair(long id, double champion, double other, long otherLabel) {
        String championLabel() {
            return champion >= 0.5 ? "1" : "0"; // the logistic regression's label: P(benign) >= 0.5
        }
    }

    private static Path logreg;
    private static Path trees;
    private static List<Pair> rows;

    @BeforeAll
    static void read() throws IOException {
        Path expected = SampleModels.dir().getParent().resolve("expected");
        logreg = expected.resolve("breast_cancer_logreg.csv");
        trees = expected.resolve("breast_cancer_trees.csv");
        Map<Long, Double> probability = new HashMap<>();
        for (String line : Files.readAllLines(logreg).subList(1, 570)) {
            String[] f = line.split(",");
            probability.put(Long.parseLong(f[0]), Double.parseDouble(f[1]));
        }
        rows = new ArrayList<>();
        for (String line : Files.readAllLines(trees).subList(1, 570)) {
            String[] f = line.split(",");
            long id = Long.parseLong(f[0]);
            rows.add(new Pair(id, probability.get(id), Double.parseDouble(f[2]), Long.parseLong(f[1])));
        }
    }

    private static BindingComparison compare(List<Pair> pairs) {
        BindingComparison comparison = new BindingComparison("forest", List.of("label"), List.of("probability"));
        String[] championLabel = new String[1];
        String[] otherLabel = new String[1];
        double[] championScore = new double[1];
        double[] otherScore = new double[1];
        for (Pair p : pairs) {
            championLabel[0] = p.championLabel();
            otherLabel[0] = Long.toString(p.otherLabel());
            championScore[0] = p.champion();
            otherScore[0] = p.other();
            comparison.row(() -> BindingComparison.key(KEY, p.id()), championLabel, otherLabel, championScore,
                    otherScore);
        }
        return comparison;
    }

    /** The rows shuffled into 8 tasks, each comparison serialized as a task result is, merged in reverse. */
    private static ComparisonSummary inEightTasks() {
        List<Pair> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(15));
        List<BindingComparison> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tasks.add(roundTrip(compare(shuffled.subList(t * shuffled.size() / 8, (t + 1) * shuffled.size() / 8))));
        }
        BindingComparison merged = new BindingComparison("forest", List.of("label"), List.of("probability"));
        for (int t = 7; t >= 0; t--) {
            merged.merge(tasks.get(t));
        }
        return merged.summary();
    }

    private static BindingComparison roundTrip(BindingComparison comparison) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(comparison);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (BindingComparison) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void statisticsEqualDuckDbsOverTheTwoModelsOutputs() throws SQLException {
        ComparisonSummary summary = compare(rows).summary();

        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE j AS SELECT lr.id, lr.probability::DOUBLE AS c, tr.p1::DOUBLE AS o,"
                    + " CASE WHEN lr.probability >= 0.5 THEN 1 ELSE 0 END AS cl, tr.label AS ol"
                    + " FROM read_csv('" + logreg + "') lr JOIN read_csv('" + trees + "') tr USING (id)");
            ComparisonSummary.Labels labels = summary.labels().get(0);
            ComparisonSummary.Scores scores = summary.scores().get(0);

            assertThat(summary.rows()).isEqualTo(569).isEqualTo(number(sql, "SELECT count(*) FROM j").longValue());
            assertThat(labels.agreement()).isCloseTo(number(sql, "SELECT avg(CASE WHEN cl = ol THEN 1.0 ELSE 0.0"
                    + " END) FROM j"), within(1e-12));
            Map<String, Long> confusion = new HashMap<>();
            try (ResultSet rs = sql.executeQuery("SELECT cl, ol, count(*) FROM j GROUP BY ALL")) {
                while (rs.next()) {
                    confusion.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getLong(3));
                }
            }
            assertThat(labels.classes()).containsExactlyInAnyOrder("0", "1");
            for (int i = 0; i < labels.classes().size(); i++) {
                for (int k = 0; k < labels.classes().size(); k++) {
                    assertThat(labels.confusion().get(i).get(k)).isEqualTo(confusion.getOrDefault(
                            labels.classes().get(i) + "/" + labels.classes().get(k), 0L));
                }
            }
            assertThat(labels.psi()).isCloseTo(number(sql, """
                    WITH classes AS (SELECT cl AS k FROM j UNION SELECT ol FROM j),
                    shares AS (SELECT greatest((SELECT count(*) FROM j WHERE cl = k) / 569.0, 1e-4) AS r,
                                      greatest((SELECT count(*) FROM j WHERE ol = k) / 569.0, 1e-4) AS a FROM classes)
                    SELECT sum((a - r) * ln(a / r)) FROM shares"""), within(1e-12));

            assertThat(scores.meanAbsDiff()).isCloseTo(number(sql, "SELECT avg(abs(o - c)) FROM j"), within(1e-12));
            assertThat(scores.p99AbsDiff()).isEqualTo(number(sql, """
                    SELECT d FROM (SELECT abs(o - c) AS d, row_number() OVER (ORDER BY abs(o - c)) AS rn,
                                          count(*) OVER () AS n FROM j)
                    WHERE rn = ceil(0.99 * n)"""));
            assertThat(scores.pearson()).isCloseTo(number(sql, "SELECT corr(c, o) FROM j"), within(1e-12));
            assertThat(scores.psi()).isCloseTo(number(sql, """
                    WITH ranked AS (SELECT c, row_number() OVER (ORDER BY c) AS rn, count(*) OVER () AS n FROM j),
                    edges AS (SELECT k, max(c) FILTER (WHERE rn = ceil(k * n / 10.0)) AS edge
                              FROM ranked, range(1, 10) t(k) GROUP BY k),
                    binned AS (SELECT (SELECT count(*) FROM edges WHERE edge < j.c) AS rb,
                                      (SELECT count(*) FROM edges WHERE edge < j.o) AS ab FROM j),
                    shares AS (SELECT greatest((SELECT count(*) FROM binned WHERE rb = b) / 569.0, 1e-4) AS r,
                                      greatest((SELECT count(*) FROM binned WHERE ab = b) / 569.0, 1e-4) AS a
                               FROM range(0, 10) t(b))
                    SELECT sum((a - r) * ln(a / r)) FROM shares"""), within(1e-12));
            assertThat(scores.exact()).isTrue();
            assertThat(scores.histogram()).hasSize(ScoreComparison.HISTOGRAM_BINS);
            assertThat(scores.histogram().get(0).lower()).isEqualTo(number(sql, "SELECT least(min(c), min(o)) FROM j"));
            assertThat(scores.histogram().get(19).upper()).isEqualTo(number(sql, "SELECT greatest(max(c), max(o))"
                    + " FROM j"));
            for (ComparisonSummary.PairBin b : scores.histogram()) {
                String in = " > " + b.lower() + " AND %s <= " + b.upper() + (b == scores.histogram().get(0)
                        ? " OR %1$s = " + b.lower() : "");
                assertThat(b.champion()).isEqualTo(number(sql, "SELECT count(*) FROM j WHERE c" + in.formatted("c"))
                        .longValue());
                assertThat(b.other()).isEqualTo(number(sql, "SELECT count(*) FROM j WHERE o" + in.formatted("o"))
                        .longValue());
            }
            double m = number(sql, "SELECT max(abs(o - c)) FROM j");
            assertThat(scores.differenceHistogram()).hasSize(ScoreComparison.DIFFERENCE_BINS);
            assertThat(scores.differenceHistogram().get(20).upper()).isEqualTo(m);
            for (ComparisonSummary.Bin b : scores.differenceHistogram()) {
                String first = b == scores.differenceHistogram().get(0) ? " OR o - c = " + b.lower() : "";
                assertThat(b.count()).as("differences from %s to %s", b.lower(), b.upper()).isEqualTo(number(sql,
                        "SELECT count(*) FROM j WHERE o - c > " + b.lower() + " AND o - c <= " + b.upper() + first)
                        .longValue());
            }

            List<String> worst = new ArrayList<>();
            try (ResultSet rs = sql.executeQuery("SELECT 'id=' || id FROM j WHERE cl <> ol OR o <> c ORDER BY"
                    + " (cl <> ol)::INT DESC, abs(o - c) DESC, 'id=' || id LIMIT 20")) {
                while (rs.next()) {
                    worst.add(rs.getString(1));
                }
            }
            assertThat(summary.disagreements()).extracting(ComparisonSummary.Disagreement::key)
                    .containsExactlyElementsOf(worst);
        }
        // what the two models are: they mostly agree, and their scores are far from identical
        assertThat(summary.labels().get(0).agreement()).isBetween(0.9, 0.999);
        assertThat(summary.scores().get(0).pearson()).isBetween(0.5, 0.999);
    }

    private static Double number(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getDouble(1);
        }
    }

    @Test
    void eightMergedTasksGiveTheOnePassResult() {
        ComparisonSummary one = compare(rows).summary();
        ComparisonSummary eight = inEightTasks();

        assertThat(eight.rows()).isEqualTo(one.rows());
        assertThat(eight.labels()).isEqualTo(one.labels());
        assertThat(eight.disagreements()).isEqualTo(one.disagreements());
        ComparisonSummary.Scores a = one.scores().get(0);
        ComparisonSummary.Scores b = eight.scores().get(0);
        assertThat(b.p99AbsDiff()).isEqualTo(a.p99AbsDiff());
        assertThat(b.psi()).isEqualTo(a.psi());
        assertThat(b.histogram()).isEqualTo(a.histogram());
        assertThat(b.differenceHistogram()).isEqualTo(a.differenceHistogram());
        assertThat(b.meanAbsDiff()).isCloseTo(a.meanAbsDiff(), within(1e-12));
        assertThat(b.pearson()).isCloseTo(a.pearson(), within(1e-12));
        assertThat(b.meanChampion()).isCloseTo(a.meanChampion(), within(1e-12));
    }
}
