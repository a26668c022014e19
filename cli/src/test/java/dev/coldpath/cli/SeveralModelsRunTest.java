package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.route.RouteKey;
import dev.coldpath.core.table.RunManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several models in one {@code coldpath run} over the sample breast-cancer data (docs/models.md): the published rows
 * are the champion's one-model predictions, bit for bit; each shadow's rows are committed inside the run
 * ({@code _shadow/<name>/}) and equal that model scored alone; the manifest's comparison equals DuckDB's over the
 * two outputs; a canary serves exactly the keys the documented hash routes to it.
 */
class SeveralModelsRunTest {
    @TempDir
    Path tmp;

    private Path job(String name, String models, Path table) throws IOException {
        Path job = tmp.resolve(name + ".yaml");
        Files.writeString(job, models.replace("LOGREG", CliHarness.model("breast_cancer_logreg"))
                .replace("TREES", CliHarness.model("breast_cancer_trees"))
                .replace("RETRAINED", retrainedTrees().toString())
                + "features: [" + CliHarness.BREAST_CANCER_FEATURES + "]\n"
                + "input: {path: " + CliHarness.data("breast_cancer") + "}\n"
                + "output: {path: " + table + ", keep-columns: [id, diagnosis]}\n");
        return job;
    }

    /** The one committed run directory of {@code table}. */
    private static Path runDirectory(Path table) throws IOException {
        try (Stream<Path> runs = Files.list(table)) {
            return runs.filter(p -> p.getFileName().toString().startsWith("run=")).reduce((a, b) -> {
                throw new AssertionError("two runs in " + table);
            }).orElseThrow(() -> new AssertionError("no run in " + table));
        }
    }

    private static String parquet(Path directory) {
        return "read_parquet('" + directory + "/*.parquet')";
    }

    private static long count(Statement sql, String query) throws Exception {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static CliHarness.Outcome ok(CliHarness.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        return outcome;
    }

    @Test
    void aChampionAndAShadowPublishTheChampionsRowsAndCommitTheShadowsInsideTheRun() throws Exception {
        Path alone = tmp.resolve("alone");
        Path aloneTrees = tmp.resolve("alone_trees");
        Path both = tmp.resolve("both");
        ok(CliHarness.run("run", job("a", "model: LOGREG\n", alone).toString()));
        ok(CliHarness.run("run", job("b", "model: TREES\n", aloneTrees).toString()));

        CliHarness.Outcome run = ok(CliHarness.run("run", job("c", """
                models:
                  - {name: current, model: LOGREG, role: champion}
                  - {name: forest, model: TREES, role: shadow}
                """, both).toString()));

        Path committed = runDirectory(both);
        assertThat(run.out()).contains("scored 569 rows").containsPattern("model +current +champion ")
                .containsPattern("model +forest +shadow .* -> _shadow/forest/")
                .contains("compare   forest vs champion over 569 rows: no output in common");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            String published = parquet(committed);
            String shadow = parquet(committed.resolve("_shadow/forest"));
            // bit-identical: the float columns compared exactly, every row paired
            assertThat(count(sql, "SELECT count(*) FROM " + published + " p JOIN " + parquet(runDirectory(alone))
                    + " a USING (id) WHERE p.probability = a.probability AND p.diagnosis = a.diagnosis"
                    + " AND p.served_by = 'current'")).isEqualTo(569);
            assertThat(count(sql, "SELECT count(*) FROM " + shadow + " s JOIN " + parquet(runDirectory(aloneTrees))
                    + " a USING (id) WHERE s.label = a.label AND CAST(s.probabilities AS VARCHAR)"
                    + " = CAST(a.probabilities AS VARCHAR)")).isEqualTo(569);
            assertThat(count(sql, "SELECT count(DISTINCT id) FROM " + shadow)).isEqualTo(569);
            // lineage: the run's id in both, each model's own version
            try (ResultSet rs = sql.executeQuery("SELECT DISTINCT p.run_id = s.run_id, p.model_version,"
                    + " s.model_version, p.scored_at = s.scored_at FROM " + published + " p JOIN " + shadow
                    + " s USING (id)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getString(2)).startsWith("sha256-");
                assertThat(rs.getString(3)).startsWith("sha256-").isNotEqualTo(rs.getString(2));
                assertThat(rs.getBoolean(4)).isTrue();
                assertThat(rs.next()).isFalse();
            }
        }
        try (Stream<Path> files = Files.walk(both)) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("_shadow")))
                    .as("the shadow's rows exist only inside the committed run").containsExactly(
                            committed.resolve("_shadow"));
        }
        RunManifest manifest = RunManifest.read(Files.readAllBytes(committed.resolve("_manifest.json")), "m");
        assertThat(manifest.models()).extracting(RunManifest.ModelRun::binding, RunManifest.ModelRun::role,
                RunManifest.ModelRun::dataPath).containsExactly(
                        tuple("current", "champion", null),
                        tuple("forest", "shadow", "_shadow/forest"));
        assertThat(manifest.comparisons()).singleElement().satisfies(c -> {
            assertThat(c.binding()).isEqualTo("forest");
            assertThat(c.rows()).isEqualTo(569);
        });
    }

    @Test
    void theManifestsAgreementAndPsiEqualDuckDbsOverThePublishedAndTheShadowsRows() throws Exception {
        Path table = tmp.resolve("trees");
        CliHarness.Outcome run = ok(CliHarness.run("run", job("t", TREES_AND_RETRAINED, table).toString()));

        Path committed = runDirectory(table);
        RunManifest manifest = RunManifest.read(Files.readAllBytes(committed.resolve("_manifest.json")), "m");
        ComparisonSummary.Labels labels = manifest.comparisons().get(0).labels().get(0);
        assertThat(labels.output()).isEqualTo("label");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE VIEW j AS SELECT p.id, p.label AS a, s.label AS b FROM " + parquet(committed)
                    + " p JOIN " + parquet(committed.resolve("_shadow/v2")) + " s USING (id)");
            try (ResultSet rs = sql.executeQuery("SELECT count(*), avg(CASE WHEN a = b THEN 1.0 ELSE 0.0 END)"
                    + " FROM j")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(569).isEqualTo(labels.rows());
                assertThat(labels.agreement()).isCloseTo(rs.getDouble(2), within(1e-12)).isBetween(0.5, 0.9999);
            }
            try (ResultSet rs = sql.executeQuery("""
                    WITH classes AS (SELECT a AS k FROM j UNION SELECT b FROM j),
                    shares AS (SELECT greatest((SELECT count(*) FROM j WHERE a = k) / 569.0, 1e-4) AS r,
                                      greatest((SELECT count(*) FROM j WHERE b = k) / 569.0, 1e-4) AS s FROM classes)
                    SELECT sum((s - r) * ln(s / r)) FROM shares""")) {
                rs.next();
                assertThat(labels.psi()).isCloseTo(rs.getDouble(1), within(1e-12));
            }
        }
        assertThat(run.out()).contains(String.format(Locale.ROOT,
                "compare   v2 vs champion over 569 rows: label agreement %.2f %%", labels.agreement() * 100));
    }

    private static final String TREES_AND_RETRAINED = """
            models:
              - {name: v1, model: TREES, role: champion}
              - {name: v2, model: RETRAINED, role: shadow}
            """;

    @Test
    void aComparisonBelowTheAgreementBudgetFailsTheRunAndLeavesNoShadowVisible() throws Exception {
        Path table = tmp.resolve("budget");
        CliHarness.Outcome run = CliHarness.run("run", job("f", TREES_AND_RETRAINED, table).toString(),
                "--set", "budget.min-agreement=0.99999");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
        assertThat(run.err().strip()).startsWith("coldpath: Budget breached: v2 agrees with the champion on label in")
                .contains("of rows, below budget.min-agreement 0.99999; nothing was committed").doesNotContain("\n");
        try (Stream<Path> files = Files.walk(table)) {
            assertThat(files.map(p -> table.relativize(p).toString()))
                    .noneMatch(p -> p.startsWith("run=") || p.contains("_shadow") || p.endsWith(".parquet"));
        }
    }

    @Test
    void withOnBreachWarnTheComparisonBudgetsAreReportedAndTheRunCommits() throws Exception {
        Path table = tmp.resolve("warned");
        CliHarness.Outcome run = ok(CliHarness.run("run", job("w", TREES_AND_RETRAINED, table).toString(),
                "--set", "budget.min-agreement=0.99999", "--set", "budget.max-psi=0.000000001",
                "--set", "budget.on-breach=warn"));

        Path committed = runDirectory(table);
        RunManifest manifest = RunManifest.read(Files.readAllBytes(committed.resolve("_manifest.json")), "m");
        ComparisonSummary.Labels labels = manifest.comparisons().get(0).labels().get(0);
        assertThat(manifest.metrics().budgetWarnings()).containsExactly(
                String.format(Locale.ROOT, "v2 agrees with the champion on label in %.4f of rows, below"
                        + " budget.min-agreement 0.99999", labels.agreement()),
                String.format(Locale.ROOT, "v2's labels of label have PSI %.4f against the champion's, above"
                        + " budget.max-psi 1.0E-9", labels.psi()));
        assertThat(run.out()).contains("WARNING   budget breached: v2 agrees with the champion on label");
        assertThat(committed.resolve("_shadow/v2")).isDirectory();
    }

    @Test
    void aCanaryServesExactlyTheIdsTheDocumentedHashRoutesToIt() throws Exception {
        Path table = tmp.resolve("canary");
        ok(CliHarness.run("run", job("k", """
                models:
                  - {name: current, model: LOGREG, role: champion}
                  - {name: next, model: LOGREG, role: canary}
                routing: {canary-percent: 10, key: [id]}
                """, table).toString()));

        Set<Long> routed = new TreeSet<>();
        Set<Long> served = new TreeSet<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SELECT id, served_by FROM " + parquet(runDirectory(table)))) {
            RouteKey key = new RouteKey();
            int rows = 0;
            while (rs.next()) {
                rows++;
                long id = rs.getLong(1);
                if (key.reset().appendLong(id).bucket() < 1000) {
                    routed.add(id);
                }
                if (rs.getString(2).equals("next")) {
                    served.add(id);
                } else {
                    assertThat(rs.getString(2)).isEqualTo("current");
                }
            }
            assertThat(rows).isEqualTo(569);
        }
        assertThat(served).isEqualTo(routed);
        assertThat(served.size() / 569.0).isCloseTo(0.10, within(0.03));
    }

    @Test
    void scoreTakesModelMoreThanOnceEachWithItsRole() throws Exception {
        Path table = tmp.resolve("scored");
        CliHarness.Outcome scored = ok(CliHarness.run("score", "--model", CliHarness.model("breast_cancer_logreg"),
                "--role", "champion", "--model", CliHarness.model("breast_cancer_trees"), "--role", "shadow",
                "--input", CliHarness.data("breast_cancer"), "--output", table.toString(),
                "--input-columns", CliHarness.BREAST_CANCER_FEATURES, "--keep-columns", "id"));
        CliHarness.Outcome unpaired = CliHarness.run("score", "--model", CliHarness.model("breast_cancer_logreg"),
                "--role", "champion", "--model", CliHarness.model("breast_cancer_trees"),
                "--input", CliHarness.data("breast_cancer"), "--output", tmp.resolve("unpaired").toString());

        Path committed = runDirectory(table);
        assertThat(scored.out()).containsPattern("model +shadow +shadow .* -> _shadow/shadow/");
        RunManifest manifest = RunManifest.read(Files.readAllBytes(committed.resolve("_manifest.json")), "m");
        assertThat(manifest.models()).extracting(RunManifest.ModelRun::binding, RunManifest.ModelRun::role)
                .containsExactly(tuple("champion", "champion"), tuple("shadow", "shadow"));
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            assertThat(count(sql, "SELECT count(*) FROM " + parquet(committed.resolve("_shadow/shadow"))))
                    .isEqualTo(569);
            assertThat(count(sql, "SELECT count(*) FROM " + parquet(committed) + " WHERE served_by = 'champion'"))
                    .isEqualTo(569);
        }
        assertThat(unpaired.exitCode()).isEqualTo(2);
        assertThat(unpaired.err().strip()).isEqualTo("coldpath: Invalid --role: 2 --model but 1 --role (give each"
                + " --model its --role, e.g. --model a.onnx --role champion --model b.onnx --role shadow)");
        assertThat(tmp.resolve("unpaired")).doesNotExist();
    }

    /**
     * docs/tables.md's promotion flow: two nights in shadow, compare, register the challenger as the champion,
     * score the last night with it without moving the pointer, then promote it.
     */
    @Test
    void shadowForTwoNightsCompareThenMakeTheChallengerTheChampionAndPromoteIt() throws Exception {
        String registry = tmp.resolve("registry").toString();
        Path table = tmp.resolve("promoted");
        ok(CliHarness.run("models", "register", CliHarness.model("breast_cancer_trees"), "--name", "cancer",
                "--version", "1.0.0", "--registry", registry));
        ok(CliHarness.run("models", "register", retrainedTrees().toString(), "--name", "cancer", "--version",
                "1.1.0", "--registry", registry));
        Path shadowJob = job("s", "registry: " + registry + "\n" + """
                models:
                  - {name: champion, model: cancer@1.0.0, role: champion}
                  - {name: challenger, model: cancer@1.1.0, role: shadow}
                """, table);
        ok(CliHarness.run("run", shadowJob.toString(), "--date", "2026-11-27"));
        ok(CliHarness.run("run", shadowJob.toString(), "--date", "2026-11-28"));

        // compare: each night's manifest holds the comparison, the same on the same data
        CliHarness.Outcome show = ok(CliHarness.run("runs", "show", table.toString(), "2026-11-28", "--json"));
        RunManifest night = RunManifest.read(show.out().getBytes(StandardCharsets.UTF_8), "show");
        double agreement = night.comparisons().get(0).labels().get(0).agreement();
        assertThat(agreement).isBetween(0.5, 0.9999);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SELECT avg((p.label = s.label)::INT) FROM read_parquet('" + table
                     + "/run=*/*.parquet') p JOIN read_parquet('" + table + "/run=*/_shadow/challenger/*.parquet')"
                     + " s USING (id, run_id)")) {
            rs.next();
            assertThat(rs.getDouble(1)).isCloseTo(agreement, within(1e-12));
        }

        // the challenger becomes the champion: score the last night with it, look, promote
        Path newJob = job("n", "registry: " + registry + "\nmodel: cancer@1.1.0\n", table);
        CliHarness.Outcome candidate = ok(CliHarness.run("run", newJob.toString(), "--date", "2026-11-28",
                "--set", "output.promote=manual"));
        assertThat(candidate.out()).contains("not promoted");
        assertThat(ok(CliHarness.run("runs", "path", table.toString())).out().strip()).endsWith("run=2026-11-28@1.0.0");
        ok(CliHarness.run("runs", "promote", table.toString(), "1.1.0/2026-11-28"));
        String current = ok(CliHarness.run("runs", "path", table.toString())).out().strip();
        assertThat(current).endsWith("run=2026-11-28@1.1.0");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            // the promoted run publishes what the challenger's shadow rows said the night before
            assertThat(count(sql, "SELECT count(*) FROM " + parquet(Path.of(current.replace("file:", ""))) + " p JOIN "
                    + parquet(table.resolve("run=2026-11-28@1.0.0/_shadow/challenger")) + " s USING (id)"
                    + " WHERE p.label = s.label AND p.model_version = s.model_version")).isEqualTo(569);
        }
    }

    /** The sample tree ensemble with every split threshold 10 % higher: a "retrained" version of the same model. */
    private Path retrainedTrees() throws IOException {
        return retrainedTrees(tmp);
    }

    /** {@link #retrainedTrees()} written in {@code directory}. */
    static Path retrainedTrees(Path directory) throws IOException {
        Path path = directory.resolve("trees_retrained.onnx");
        if (Files.exists(path)) {
            return path;
        }
        ModelProto.Builder model = ModelProto.parseFrom(Files.readAllBytes(Path.of(CliHarness.model(
                "breast_cancer_trees")))).toBuilder();
        for (NodeProto.Builder node : model.getGraphBuilder().getNodeBuilderList()) {
            for (AttributeProto.Builder attribute : node.getAttributeBuilderList()) {
                if (attribute.getName().equals("nodes_values")) {
                    for (int i = 0; i < attribute.getFloatsCount(); i++) {
                        attribute.setFloats(i, attribute.getFloats(i) * 1.1f);
                    }
                }
            }
        }
        Files.write(path, model.build().toByteArray());
        return path;
    }
}
