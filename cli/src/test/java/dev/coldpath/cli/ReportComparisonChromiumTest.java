package dev.coldpath.cli;

import static dev.coldpath.cli.ReportChromiumTest.count;
import static dev.coldpath.cli.ReportChromiumTest.matches;
import static dev.coldpath.cli.ReportChromiumTest.near;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.table.RunManifest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real run of two models opened in headless Chromium (docs/models.md, "The report"): the sample
 * logistic regression as champion and the tree ensemble as shadow over the breast-cancer data, each given the other's
 * output ({@link ComparedModels}) so that a label and a score are compared, after a run of the same job over the data
 * with two features 30 % larger, so that the report also has a drift. The DOM Chromium built shows the manifest's
 * figures, the budgets' verdicts and the three comparison plots; the screenshot of the comparison section stays in
 * cli/target/report-comparison.png, and with {@code -Dcoldpath.regenerate=true} replaces
 * docs/images/report-comparison.png.
 */
@Tag("slow") // excluded by mvn -Pquick
class ReportComparisonChromiumTest {
    static final Path SCREENSHOT = Path.of("target", "report-comparison.png").toAbsolutePath();
    static final String WINDOW = "1280,2400";

    @TempDir
    static Path tmp;
    static RunManifest manifest;
    static String dom;
    static BufferedImage screenshot;

    @BeforeAll
    static void runTwoModelsTwiceAndRenderTheSecondRunsReport() throws Exception {
        Path chromium = ReportChromiumTest.chromium();
        Path table = tmp.resolve("cancer");
        String models = "models:\n"
                + "  - {name: champion, model: " + ComparedModels.logregWithLabel(tmp) + ", role: champion}\n"
                + "  - {name: trees, model: " + ComparedModels.treesWithProbability(tmp) + ", role: shadow}\n"
                + "features: [" + CliHarness.BREAST_CANCER_FEATURES + "]\n"
                + "output: {path: " + table + ", keep-columns: [id, diagnosis]}\n"
                + "budget: {min-agreement: 0.98, max-psi: 0.25, max-drift-psi: 0.05, on-breach: warn}\n";
        Path shifted = tmp.resolve("shifted.yaml");
        Files.writeString(shifted, models + "input: {path: " + ShiftedData.write(tmp) + "}\n");
        Path sample = tmp.resolve("sample.yaml");
        Files.writeString(sample, models + "input: {path: " + CliHarness.data("breast_cancer") + "}\n");
        ok(CliHarness.run("run", shifted.toString(), "--run-id", "2026-11-27"));
        ok(CliHarness.run("run", sample.toString(), "--run-id", "2026-11-28"));

        Path report = Path.of(URI.create(ok(CliHarness.run("report", table.toString())).out().strip()));
        manifest = RunManifest.read(Files.readAllBytes(report.resolveSibling("_manifest.json")), "manifest");
        dom = ReportChromiumTest.runChromium(chromium, "--dump-dom", report, tmp);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        ReportChromiumTest.runChromium(chromium, "--screenshot=" + SCREENSHOT, report, tmp, WINDOW);
        screenshot = ImageIO.read(SCREENSHOT.toFile());
        if (Boolean.getBoolean("coldpath.regenerate")) {
            Files.copy(SCREENSHOT, CliHarness.projectDir().resolve("docs/images/report-comparison.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static CliHarness.Outcome ok(CliHarness.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        return outcome;
    }

    @Test
    void theRunComparedALabelAndAScoreAndMeasuredItsDrift() {
        assertThat(manifest.comparisons()).singleElement().satisfies(c -> {
            assertThat(c.binding()).isEqualTo("trees");
            assertThat(c.rows()).isEqualTo(569);
            assertThat(c.labels()).extracting(ComparisonSummary.Labels::output).containsExactly("label");
            assertThat(c.scores()).extracting(ComparisonSummary.Scores::output).containsExactly("probability");
        });
        // the two models' figures on the sample data (docs/models.md, "Comparison")
        ComparisonSummary.Labels label = manifest.comparisons().get(0).labels().get(0);
        assertThat(label.agreement()).isEqualTo(564 / 569.0);
        assertThat(label.classes()).containsExactly("benign", "malignant"); // the models name their classes
        assertThat(label.confusion()).isEqualTo(List.of(List.of(357L, 3L), List.of(2L, 207L)));
        assertThat(manifest.drift()).isNotNull();
        assertThat(manifest.drift().outputs()).extracting(RunDrift.Output::output)
                .containsExactlyInAnyOrder("probability", "label");
    }

    @Test
    void chromiumBuildsTheComparisonPlotsFirstThenTheDrifts() {
        List<String> titles = matches(dom, "<svg[^>]*>\\s*<title[^>]*>([^<]*)</title>");
        assertThat(titles).startsWith("label: champion (rows) against trees (columns)", "probability: both models' distributions",
                "probability: trees minus champion");
        assertThat(titles.get(3)).isEqualTo("probability: previous run and this run"); // the drift's
        List<String> charts = matches(dom, "(?s)(<svg.*?</svg>)");
        assertThat(count(charts.get(3), "<rect class=\"bar\"")).isEqualTo(2 * 20);
        assertThat(count(charts.get(0), "class=\"cell\"")).isEqualTo(4);
        assertThat(matches(charts.get(0), "<text class=\"count\"[^>]*>([0-9]+)</text>"))
                .containsExactly("357", "3", "2", "207");
        assertThat(count(charts.get(1), "<rect class=\"bar\"")).isEqualTo(2 * 20);
        assertThat(count(charts.get(2), "<rect class=\"bar\"")).isEqualTo(21);
        assertThat(dom).doesNotContain("<script");
    }

    @Test
    void theFiguresAndVerdictsAreTheManifests() {
        ComparisonSummary c = manifest.comparisons().get(0);
        ComparisonSummary.Scores probability = c.scores().get(0);
        String text = dom.replaceAll("<[^>]+>", "");
        assertThat(text).contains("99.12 %", String.format(Locale.ROOT, "trees's scores of probability have PSI %.4f"
                + " against the champion's, above budget.max-psi 0.25", probability.psi()));
        assertThat(text).contains("Safe to promote trees? No: ");
        assertThat(text).doesNotContain("below budget.min-agreement"); // 99.12 % is above 98 %
        RunDrift.Output drifted = manifest.drift().outputs().stream().filter(o -> o.output().equals("probability"))
                .findFirst().orElseThrow();
        assertThat(text).contains("Within budget? ");
        if (drifted.psi() > 0.05) {
            assertThat(text).contains(String.format(Locale.ROOT, "probability has PSI %.4f against the previous run %s",
                    drifted.psi(), manifest.drift().previousRun()));
        }
        assertThat(text).contains("The 20 rows that disagree most", c.disagreements().get(0).key());
        assertThat(manifest.metrics().budgetWarnings()).anyMatch(w -> w.startsWith("trees's scores of probability"));
    }

    @Test
    void theScreenshotShowsTheComparisonSection() throws IOException {
        assertThat(screenshot.getWidth()).isEqualTo(1280);
        long champion = 0;
        long other = 0;
        long verdictRed = 0;
        for (int y = 0; y < screenshot.getHeight(); y++) {
            for (int x = 0; x < screenshot.getWidth(); x++) {
                int rgb = screenshot.getRGB(x, y) & 0xFFFFFF;
                champion += near(rgb, 0x4C78A8) ? 1 : 0;
                other += near(rgb, 0xF8D6C0) || near(rgb, 0xE8772E) ? 1 : 0; // the orange, over white or alone
                verdictRed += near(rgb, 0xFFEBE9) ? 1 : 0;
            }
        }
        assertThat(champion).as("pixels in the champion's colour (heatmap, bars)").isGreaterThan(3_000);
        assertThat(other).as("pixels in the shadow's colour (more than its legend swatch)").isGreaterThan(300);
        assertThat(verdictRed).as("pixels of the 'not safe' verdict's background").isGreaterThan(10_000);
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(50_000);
    }
}
