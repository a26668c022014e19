package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the reports of two real runs in headless Chromium — Debian's {@code chromium} package, installed by
 * scripts/install-chromium.sh when it is missing — and checks that the plots render: the DOM Chromium built
 * has one SVG chart per stage, one for throughput and one per scalar output, and the screenshot shows them.
 * The runs: the wine MLP in 8-row batches (its {@code label} output gives class counts) and the breast-cancer
 * logistic regression (its {@code probability} output gives a histogram). The wine report's screenshot stays
 * in cli/target/report-screenshot.png.
 * <p>
 * Without chromium the test installs it; if that fails the test fails. It is skipped only outside CI ({@code CI}
 * unset) on a machine that has neither chromium nor apt-get.
 */
@Tag("slow") // excluded by mvn -Pquick
class ReportChromiumTest {
    static final Path SCREENSHOT = Path.of("target", "report-screenshot.png").toAbsolutePath();
    static final List<String> STAGES = List.of("read", "tensor", "inference", "decode", "write");
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    static Path tmp;
    static Rendered wine;
    static Rendered logreg;
    static BufferedImage screenshot;

    /** A run's manifest metrics and the DOM Chromium built from its report. */
    record Rendered(Map<String, Object> metrics, String dom) {
    }

    @BeforeAll
    static void renderTwoRealRunsInChromium() throws Exception {
        Path chromium = chromium();
        Path wineReport = scoreAndReport("wine", "--model", CliHarness.model("wine_mlp"), "--input",
                CliHarness.data("wine"), "--batch-size", "8");
        Path logregReport = scoreAndReport("breast-cancer", "--model", CliHarness.model("breast_cancer_logreg"),
                "--input", CliHarness.data("breast_cancer"), "--input-columns", CliHarness.BREAST_CANCER_FEATURES,
                "--keep-columns", "id", "--batch-size", "64");
        wine = new Rendered(metrics(wineReport), runChromium(chromium, "--dump-dom", wineReport, tmp));
        logreg = new Rendered(metrics(logregReport), runChromium(chromium, "--dump-dom", logregReport, tmp));
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        runChromium(chromium, "--screenshot=" + SCREENSHOT, wineReport, tmp);
        screenshot = ImageIO.read(SCREENSHOT.toFile());
    }

    private static Path scoreAndReport(String table, String... scoreArgs) {
        List<String> args = new ArrayList<>(List.of("score", "--output", tmp.resolve(table).toString(), "--run-id",
                "2026-11-28"));
        args.addAll(List.of(scoreArgs));
        CliHarness.Outcome scored = CliHarness.run(args.toArray(String[]::new));
        assertThat(scored.exitCode()).as(scored.err()).isZero();
        CliHarness.Outcome reported = CliHarness.run("report", tmp.resolve(table).toString());
        assertThat(reported.exitCode()).as(reported.err()).isZero();
        return Path.of(URI.create(reported.out().strip()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metrics(Path report) throws IOException {
        Map<String, Object> manifest = new ObjectMapper().readValue(
                report.resolveSibling("_manifest.json").toFile(), Map.class);
        return (Map<String, Object>) manifest.get("metrics");
    }

    @Test
    @SuppressWarnings("unchecked")
    void realRunsRecordedEveryStageThroughputAndTheirScalarOutputs() {
        for (Rendered r : List.of(wine, logreg)) {
            assertThat((Map<String, Object>) r.metrics().get("stages")).containsOnlyKeys(STAGES);
            assertThat((List<Object>) r.metrics().get("throughput")).isNotEmpty();
        }
        assertThat((Map<String, Object>) wine.metrics().get("outputs")).containsOnlyKeys("label");
        assertThat((Map<String, Object>) logreg.metrics().get("outputs")).containsOnlyKeys("probability");
    }

    @Test
    void chromiumBuildsAChartPerStagePlusThroughputAndClassCounts() {
        List<String> charts = charts(wine, "Output label: rows per class");
        assertThat(count(charts.get(6), "<rect class=\"bar\"")).isEqualTo(3); // three wine cultivars
        assertThat(wine.dom()).contains("<th scope=\"row\">inference</th>", "2026-11-28", "wine_mlp",
                "178 / 178 / 0");
    }

    @Test
    void chromiumBuildsAHistogramForANumericOutput() {
        List<String> charts = charts(logreg, "Output probability: distribution");
        assertThat(count(charts.get(6), "<rect class=\"bar\"")).isGreaterThanOrEqualTo(5);
        assertThat(charts.get(6)).contains("mean 0.");
        assertThat(logreg.dom()).contains("breast_cancer_logreg", "569 / 569 / 0");
    }

    /** Checks the charts every run has (stages, throughput) and the one output chart; returns the SVGs. */
    private static List<String> charts(Rendered r, String outputTitle) {
        List<String> expected = new ArrayList<>();
        STAGES.forEach(s -> expected.add("Stage " + s + ": time per batch"));
        expected.add("Rows finished per second");
        expected.add(outputTitle);
        assertThat(matches(r.dom(), "<svg[^>]*>\\s*<title[^>]*>([^<]*)</title>")).containsExactlyElementsOf(expected);
        List<String> charts = matches(r.dom(), "(?s)(<svg.*?</svg>)");
        assertThat(charts).hasSize(expected.size());
        for (int i = 0; i < STAGES.size(); i++) {
            assertThat(count(charts.get(i), "<rect class=\"bar\"")).as(expected.get(i)).isPositive();
            assertThat(count(charts.get(i), "<line class=\"marker\"")).as(expected.get(i)).isEqualTo(3);
        }
        assertThat(count(charts.get(5), "<path class=\"line\"")).isEqualTo(1);
        assertThat(r.dom()).doesNotContain("<script", "not in the shape this report reads");
        return charts;
    }

    @Test
    void screenshotShowsThePlots() throws IOException {
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(30_000);
        assertThat(screenshot).isNotNull();
        assertThat(screenshot.getWidth()).isEqualTo(1280);
        assertThat(screenshot.getHeight()).isEqualTo(2000);
        Set<Integer> colours = new HashSet<>();
        long barPixels = 0;
        for (int y = 0; y < screenshot.getHeight(); y++) {
            for (int x = 0; x < screenshot.getWidth(); x++) {
                int rgb = screenshot.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (near(rgb, 0x4C78A8)) {
                    barPixels++;
                }
            }
        }
        assertThat(colours.size()).as("distinct colours").isGreaterThan(50);
        assertThat(barPixels).as("pixels in the bars' colour").isGreaterThan(5_000);
    }

    static boolean near(int rgb, int target) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xFF) - ((target >> shift) & 0xFF)) > 6) {
                return false;
            }
        }
        return true;
    }

    /** Runs headless Chromium on a page with a fresh profile and no network; returns what it printed. */
    static String runChromium(Path chromium, String action, Path page, Path workDir) throws Exception {
        return runChromium(chromium, action, page, workDir, "1280,2000");
    }

    /** {@link #runChromium(Path, String, Path, Path)} in a window of {@code size} ("width,height") pixels. */
    static String runChromium(Path chromium, String action, Path page, Path workDir, String size) throws Exception {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        Path stdout = workDir.resolve("chromium-" + System.nanoTime() + ".out");
        Path stderr = workDir.resolve("chromium-" + System.nanoTime() + ".err");
        List<String> command = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--window-size=" + size, action, page.toUri().toString());
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium " + action + " did not finish in " + TIMEOUT_SECONDS + " s: " + tail(stderr));
        }
        assertThat(p.exitValue()).as("chromium " + action + " exit code; stderr: " + tail(stderr)).isZero();
        return Files.readString(stdout);
    }

    /** Chromium from the PATH, installed with scripts/install-chromium.sh when missing. */
    static Path chromium() throws Exception {
        Path found = CliHarness.onPath("chromium");
        if (found != null) {
            return found;
        }
        if (System.getenv("CI") == null && CliHarness.onPath("apt-get") == null) {
            Assumptions.abort("chromium is not installed and apt-get is not here to install it: skipping outside CI"
                    + " (install Debian's chromium package to run this test; in CI it fails instead)");
        }
        Path script = CliHarness.projectDir().resolve("scripts/install-chromium.sh");
        Path log = Path.of("target", "install-chromium.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("scripts/install-chromium.sh did not finish in 20 minutes; its output is in " + log);
        }
        found = CliHarness.onPath("chromium");
        if (p.exitValue() != 0 || found == null) {
            fail("chromium is missing and scripts/install-chromium.sh could not install it (exit " + p.exitValue()
                    + "; run it as root with an apt mirror reachable). Its output (" + log + "):\n" + tail(log));
        }
        return found;
    }


    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    static List<String> matches(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
