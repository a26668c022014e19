package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coldpath compare} over two committed runs of one table: its figures equal DuckDB's over the two runs'
 * files, joined by key; a run that is not there, a key that is not a column and runs with no output in common
 * are one-line errors with exit 2.
 */
class CompareCommandTest {
    @TempDir
    Path tmp;

    private Path job(String name, String model, String input, Path table) throws IOException {
        Path job = tmp.resolve(name + ".yaml");
        Files.writeString(job, "model: " + model + "\n"
                + "features: [" + CliHarness.BREAST_CANCER_FEATURES + "]\n"
                + "input: {path: " + input + "}\n"
                + "output: {path: " + table + ", keep-columns: [id, diagnosis]}\n");
        return job;
    }

    private static CliHarness.Outcome ok(CliHarness.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        return outcome;
    }

    private Path shiftedData() throws Exception {
        return ShiftedData.write(tmp);
    }

    private static String files(Path table, String run) throws IOException {
        try (var dirs = Files.list(table)) {
            Path dir = dirs.filter(p -> p.getFileName().toString().startsWith("run=" + run + "@")).findFirst()
                    .orElseThrow();
            return "read_parquet('" + dir + "/*.parquet')";
        }
    }

    @Test
    void twoRunsOfTheLogisticRegressionOnDifferentDataCompareAsDuckDbComputesIt() throws Exception {
        Path table = tmp.resolve("logreg");
        String logreg = CliHarness.model("breast_cancer_logreg");
        ok(CliHarness.run("run", job("a", logreg, CliHarness.data("breast_cancer"), table).toString(),
                "--date", "2026-11-27"));
        ok(CliHarness.run("run", job("b", logreg, shiftedData().toString(), table).toString(),
                "--date", "2026-11-28"));

        CliHarness.Outcome text = ok(CliHarness.run("compare", table.toString(), "2026-11-27", "2026-11-28"));
        CliHarness.Outcome json = ok(CliHarness.run("compare", table.toString(), "2026-11-27", "2026-11-28",
                "--key", "id", "--json", "--output", tmp.resolve("c.json").toString()));
        JsonNode result = new ObjectMapper().readTree(json.out());
        assertThat(new ObjectMapper().readTree(tmp.resolve("c.json").toFile())).isEqualTo(result);
        assertThat(result.get("key").toString()).isEqualTo("[\"id\"]");
        JsonNode c = result.get("comparison");
        assertThat(c.get("rows").asLong()).isEqualTo(569);
        assertThat(result.get("only_a").asLong()).isZero();
        JsonNode score = c.get("scores").get(0);
        assertThat(score.get("output").asText()).isEqualTo("probability");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE VIEW j AS SELECT a.id, a.probability::DOUBLE AS x, b.probability::DOUBLE AS y"
                    + " FROM " + files(table, "2026-11-27") + " a JOIN " + files(table, "2026-11-28") + " b USING (id)");
            try (ResultSet rs = sql.executeQuery("SELECT count(*), avg(abs(y - x)), corr(x, y) FROM j")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(569);
                assertThat(score.get("mean_abs_diff").asDouble()).isCloseTo(rs.getDouble(2), within(1e-12))
                        .isGreaterThan(0.001);
                assertThat(score.get("pearson").asDouble()).isCloseTo(rs.getDouble(3), within(1e-9));
            }
            try (ResultSet rs = sql.executeQuery("SELECT d FROM (SELECT abs(y - x) AS d, row_number() OVER"
                    + " (ORDER BY abs(y - x)) AS k FROM j) WHERE k = ceil(0.99 * 569)")) {
                rs.next();
                assertThat(score.get("p99_abs_diff").asDouble()).isCloseTo(rs.getDouble(1), within(1e-12));
            }
            try (ResultSet rs = sql.executeQuery("SELECT id FROM j ORDER BY abs(y - x) DESC, id LIMIT 1")) {
                rs.next();
                assertThat(c.get("disagreements").get(0).get("key").asText()).isEqualTo("id=" + rs.getLong(1));
            }
        }
        assertThat(c.get("disagreements")).hasSize(20);
        // without --key: the kept columns both runs have
        assertThat(text.out()).contains("on id, diagnosis: 569 rows joined").contains(String.format(Locale.ROOT,
                "probability: mean abs diff %.4g", score.get("mean_abs_diff").asDouble()));
    }

    @Test
    void theTreesAgainstARetrainedVersionAgreeAsDuckDbCountsIt() throws Exception {
        Path table = tmp.resolve("trees");
        String data = CliHarness.data("breast_cancer");
        ok(CliHarness.run("run", job("a", CliHarness.model("breast_cancer_trees"), data, table).toString(),
                "--date", "2026-11-27"));
        ok(CliHarness.run("run", job("b", SeveralModelsRunTest.retrainedTrees(tmp).toString(), data, table)
                .toString(), "--date", "2026-11-28"));

        JsonNode result = new ObjectMapper().readTree(ok(CliHarness.run("compare", table.toString(), "2026-11-27",
                "2026-11-28", "--key", "id", "--json")).out());
        JsonNode c = result.get("comparison");
        JsonNode labels = c.get("labels").get(0);
        assertThat(labels.get("output").asText()).isEqualTo("label");
        assertThat(result.get("skipped").toString()).isEqualTo("[\"probabilities\"]");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE VIEW j AS SELECT a.id, a.label::VARCHAR AS x, b.label::VARCHAR AS y FROM "
                    + files(table, "2026-11-27") + " a JOIN " + files(table, "2026-11-28") + " b USING (id)");
            try (ResultSet rs = sql.executeQuery("SELECT avg((x = y)::INT), count(*) FILTER (WHERE x = 'malignant' AND y = 'benign')"
                    + " FROM j")) {
                rs.next();
                assertThat(labels.get("agreement").asDouble()).isCloseTo(rs.getDouble(1), within(1e-12))
                        .isBetween(0.5, 0.9999);
                int malignant = indexOf(labels.get("classes"), "malignant");
                int benign = indexOf(labels.get("classes"), "benign");
                assertThat(labels.get("confusion").get(malignant).get(benign).asLong()).isEqualTo(rs.getLong(2));
            }
            try (ResultSet rs = sql.executeQuery("""
                    WITH classes AS (SELECT x AS k FROM j UNION SELECT y FROM j),
                    shares AS (SELECT greatest((SELECT count(*) FROM j WHERE x = k) / 569.0, 1e-4) AS r,
                                      greatest((SELECT count(*) FROM j WHERE y = k) / 569.0, 1e-4) AS s FROM classes)
                    SELECT sum((s - r) * ln(s / r)) FROM shares""")) {
                rs.next();
                assertThat(labels.get("psi").asDouble()).isCloseTo(rs.getDouble(1), within(1e-12));
            }
        }
    }

    private static int indexOf(JsonNode array, String value) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).asText().equals(value)) {
                return i;
            }
        }
        throw new AssertionError(value + " not in " + array);
    }

    @Test
    void anUnknownRunABadKeyAndNoSharedOutputAreOneLineErrors() throws Exception {
        Path table = tmp.resolve("mixed");
        String data = CliHarness.data("breast_cancer");
        ok(CliHarness.run("run", job("a", CliHarness.model("breast_cancer_logreg"), data, table).toString(),
                "--date", "2026-11-27"));
        ok(CliHarness.run("run", job("b", CliHarness.model("breast_cancer_trees"), data, table).toString(),
                "--date", "2026-11-28"));

        CliHarness.Outcome unknown = CliHarness.run("compare", table.toString(), "2026-11-27", "2026-01-01");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip()).startsWith("coldpath: ").contains("no committed run '2026-01-01'")
                .doesNotContain("\n");
        CliHarness.Outcome key = CliHarness.run("compare", table.toString(), "2026-11-27", "2026-11-27",
                "--key", "id,customer");
        assertThat(key.exitCode()).isEqualTo(2);
        assertThat(key.err().strip()).contains("has no column customer").doesNotContain("\n");
        CliHarness.Outcome none = CliHarness.run("compare", table.toString(), "2026-11-27", "2026-11-28");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err().strip()).contains("publish no output in common").doesNotContain("\n");
    }
}
