package dev.coldpath.core.report;

import static dev.coldpath.core.report.RunReportTest.elements;
import static dev.coldpath.core.report.RunReportTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coldpath.core.compare.BindingComparison;
import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.TableJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The report's comparison and drift sections for a comparison worked out by hand: ten rows, the champion's
 * probability 0.05 to 0.95 and its label {@code p >= 0.5}; the challenger moves row 3 from 0.35 to 0.65 (its label
 * flips) and row 7 from 0.75 to 0.55. The figures, the budget verdicts, every plot's bars and cells and the rows
 * that disagree are read back from the parsed page.
 */
class ReportComparisonsTest {
    private static ComparisonSummary challenger;
    private static Document doc;
    private static String html;

    @BeforeAll
    static void render() throws Exception {
        BindingComparison c = new BindingComparison("challenger", List.of("label"), List.of("probability"));
        for (int i = 0; i < 10; i++) {
            double champion = (i + 0.5) / 10;
            double other = i == 3 ? 0.65 : i == 7 ? 0.55 : champion;
            long id = i;
            c.row(() -> BindingComparison.key(List.of("id"), id), new String[] {champion >= 0.5 ? "1" : "0"},
                    new String[] {other >= 0.5 ? "1" : "0"}, new double[] {champion}, new double[] {other});
        }
        challenger = c.summary();
        ComparisonSummary apart = new ComparisonSummary("wide", 10, List.of(), List.of(), List.of());
        Map<String, Double> shares = new LinkedHashMap<>();
        shares.put("0", 0.0211);
        shares.put("1", -0.0211);
        RunDrift drift = new RunDrift("r-prev", "run=r-prev@1.4.0", 12, 10, RunDrift.SAMPLE_ROWS, List.of(
                new RunDrift.Output("probability", "score", 0.07927, null, 0.628, 0.5874, List.of(
                        new RunDrift.Bin(0, 0.5, 4, 7), new RunDrift.Bin(0.5, 1, 8, 3))),
                new RunDrift.Output("label", "label", 0.0123, shares, null, null)));
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("budget.min-agreement", 0.95);
        job.put("budget.max-psi", "10");
        job.put("budget.max-drift-psi", 0.05);
        RunManifest manifest = new RunManifest(RunManifest.FORMAT_VERSION, "r-now", "0.1.0-test", "run=r-now@1.4.0",
                null, new RunManifest.Rows(10, 10, 0), "2026-11-28T02:00:00Z", "2026-11-28T02:00:05Z", 5000, job,
                null, null, List.of(model("champion", "churn", "1.4.0", null),
                        model("shadow", "churn", "1.5.0", "challenger"), model("shadow", "churn_wide", "2.0.0", "wide")),
                RunManifest.Metrics.NONE, null, List.of(challenger, apart), drift);
        html = RunReport.render(manifest);
        Files.writeString(Path.of("target", "report-comparison-sample.html"), html); // to look at in a browser
        doc = parse(html);
    }

    private static RunManifest.ModelRun model(String role, String name, String version, String binding) {
        return new RunManifest.ModelRun(role, name, version, "6d0d3bf69b8f0011223344556677889900aabbccddeeff00112233",
                "/models/" + name + ".onnx", 1234, Map.of(), "", List.of(new RunManifest.OutputColumn("label", "bigint"),
                new RunManifest.OutputColumn("probability", "float")), null, binding == null ? "champion" : binding,
                binding == null ? null : "_shadow/" + binding);
    }

    private static Element section(String id) {
        return elements(doc, "section").stream().filter(s -> s.getAttribute("id").equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no section " + id));
    }

    /** The table of {@code root} whose caption starts with {@code caption}, as rows of cell texts (header row first). */
    private static List<List<String>> table(Element root, String caption) {
        Element table = elements(root, "table").stream().filter(t -> elements(t, "caption").get(0).getTextContent()
                .startsWith(caption)).findFirst().orElseThrow(() -> new AssertionError("no table " + caption));
        return elements(table, "tr").stream().map(tr -> {
            List<Element> cells = new ArrayList<>();
            NodeList children = tr.getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                cells.add((Element) children.item(i));
            }
            return cells.stream().map(Element::getTextContent).toList();
        }).toList();
    }

    private static Element chart(Element root, String title) {
        return elements(root, "svg").stream().filter(s -> elements(s, "title").get(0).getTextContent().equals(title))
                .findFirst().orElseThrow(() -> new AssertionError("no chart " + title));
    }

    private static List<String> tooltips(Element svg, String tag, String cssClass) {
        return elements(svg, tag).stream().filter(e -> e.getAttribute("class").equals(cssClass))
                .map(e -> elements(e, "title").get(0).getTextContent()).toList();
    }

    private static long rowsIn(String tooltip) {
        Matcher m = Pattern.compile(": ([0-9,]+) rows?").matcher(tooltip);
        assertThat(m.find()).as(tooltip).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void theFiguresAreTheComparisonsWorkedOutByHand() {
        Element s = section("compare-1");
        assertThat(elements(s, "h3").get(0).getTextContent()).isEqualTo("challenger (shadow) vs the champion");
        assertThat(table(s, "Label outputs")).containsExactly(
                List.of("output", "rows", "agreement", "rows that differ", "PSI of the label shares", "classes"),
                // label shares 0.5/0.5 against 0.4/0.6: PSI = 0.1 ln 1.5 = 0.04055
                List.of("label", "10", "90.00 %", "1", "0.0405", "2"));
        assertThat(table(s, "Numeric outputs")).containsExactly(
                List.of("output", "rows", "mean |difference|", "p99 |difference|", "Pearson", "PSI",
                        "mean: champion → challenger"),
                // |differences| 0.3 and 0.2 over ten rows; the p99 is the largest; means 0.5 and 0.51
                List.of("probability", "10", "0.05", "0.3", ReportHtml.number(challenger.scores().get(0).pearson()),
                        ReportHtml.number(challenger.scores().get(0).psi()), "0.5 → 0.51"));
        assertThat(challenger.scores().get(0).pearson()).isBetween(0.9, 0.99);
    }

    @Test
    void eachBudgetHasItsVerdictAndTheBindingItsOneLineAnswer() {
        Element s = section("compare-1");
        assertThat(table(s, "Budgets on this comparison")).containsExactly(
                List.of("budget", "figure", "limit", "value", "verdict"),
                List.of("budget.min-agreement", "agreement on label", "at least 95.00 %", "90.00 %", "breached"),
                List.of("budget.max-psi", "PSI of the labels of label", "at most 10", "0.0405", "kept"),
                List.of("budget.max-psi", "PSI of the scores of probability", "at most 10",
                        ReportHtml.number(challenger.scores().get(0).psi()), "kept"));
        Element verdict = elements(s, "p").stream().filter(p -> p.getAttribute("class").startsWith("verdict"))
                .findFirst().orElseThrow();
        assertThat(verdict.getAttribute("class")).isEqualTo("verdict bad");
        assertThat(verdict.getTextContent()).isEqualTo("Safe to promote challenger? No: challenger agrees with the"
                + " champion on label in 0.9000 of rows, below budget.min-agreement 0.95.");

        Element wide = section("compare-2");
        assertThat(elements(wide, "p").stream().map(Element::getTextContent))
                .contains("Safe to promote wide? Not judged: no output in common with the champion.");
        assertThat(elements(wide, "svg")).isEmpty();
    }

    @Test
    void theConfusionHeatmapHasACellPerPairOfClassesWithItsCount() {
        Element heatmap = chart(section("compare-1"), "label: champion (rows) against challenger (columns)");
        // classes by rows in either model: 1 (5 + 6), then 0 (5 + 4); champion by row
        assertThat(tooltips(heatmap, "rect", "cell")).containsExactly(
                "champion 1, challenger 1: 5 rows (50.00 %)", "champion 1, challenger 0: 0 rows (0.00 %)",
                "champion 0, challenger 1: 1 row (10.00 %)", "champion 0, challenger 0: 4 rows (40.00 %)");
        assertThat(elements(heatmap, "text").stream().filter(t -> t.getAttribute("class").equals("count"))
                .map(Element::getTextContent)).containsExactly("5", "0", "1", "4");
        List<Element> cells = elements(heatmap, "rect").stream().filter(r -> r.getAttribute("class").equals("cell"))
                .toList();
        assertThat(cells.get(0).getAttribute("fill")).isEqualTo(ReportSvg.BAR_FILL); // the largest count
        assertThat(cells.get(1).getAttribute("fill")).isEqualTo("#ffffff");
        assertThat(cells.get(0).getAttribute("stroke")).isEqualTo("#222"); // the diagonal is outlined
        assertThat(cells.get(1).getAttribute("stroke")).isEqualTo("#fff");
    }

    @Test
    void bothDistributionsAreOverlaidOverTheSameBins() {
        Element svg = chart(section("compare-1"), "probability: both models' distributions");
        List<Element> groups = elements(svg, "g");
        Element champion = groups.stream().filter(g -> g.getAttribute("class").equals("series-a")).findFirst()
                .orElseThrow();
        Element other = groups.stream().filter(g -> g.getAttribute("class").equals("series-b")).findFirst()
                .orElseThrow();
        List<String> a = tooltips(champion, "rect", "bar");
        List<String> b = tooltips(other, "rect", "bar");
        assertThat(a).hasSize(20);
        assertThat(b).hasSize(20);
        // 20 bins of 0.045 from 0.05 to 0.95; the first holds 0.05, the last 0.95; 0.65 is in (0.635, 0.68]
        assertThat(a.get(0)).isEqualTo("champion, 0.05 to 0.095: 1 row");
        assertThat(a.get(19)).isEqualTo("champion, 0.905 to 0.95: 1 row");
        assertThat(b.get(13)).isEqualTo("challenger, 0.635 to 0.68: 2 rows"); // row 6's 0.65 and row 3's
        assertThat(a.stream().mapToLong(ReportComparisonsTest::rowsIn).sum()).isEqualTo(10);
        assertThat(b.stream().mapToLong(ReportComparisonsTest::rowsIn).sum()).isEqualTo(10);
        assertThat(elements(svg, "text").stream().map(Element::getTextContent)).contains("champion", "challenger");
    }

    @Test
    void theDifferenceHistogramIsCentredOnZeroWithTheMeanDifferenceMarked() {
        Element svg = chart(section("compare-1"), "probability: challenger minus champion");
        List<String> bars = tooltips(svg, "rect", "bar");
        assertThat(bars).hasSize(21);
        // from -0.3 to +0.3 in bins of 0.6 / 21: eight zeros in the middle one, -0.2 in bin 3, +0.3 in the last
        assertThat(bars.stream().mapToLong(ReportComparisonsTest::rowsIn).toArray())
                .containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(bars.get(10)).endsWith(": 8 rows (80.00 %)");
        assertThat(elements(svg, "text").stream().map(Element::getTextContent)).contains("mean +0.01");
    }

    @Test
    void theRowsThatDisagreeMostAreListedByKeyMostFirst() {
        assertThat(table(section("compare-1"), "The 2 rows that disagree most")).containsExactly(
                List.of("key", "champion", "challenger", "labels that differ", "largest |difference|"),
                List.of("id=3", "label 0, probability 0.35", "label 1, probability 0.65", "1", "0.3"),
                List.of("id=7", "label 1, probability 0.75", "label 1, probability 0.55", "0", "0.2"));
    }

    @Test
    void theDriftSectionShowsEachOutputsPsiMeansAndShareChangeAndItsBudget() {
        String text = doc.getDocumentElement().getTextContent();
        assertThat(text).contains("Within budget? No: probability has PSI 0.0793 against the previous run r-prev,"
                + " above budget.max-drift-psi 0.05.");
        Element body = elements(doc, "main").get(0);
        assertThat(table(body, "Each published output against the previous run")).containsExactly(
                List.of("output", "kind", "PSI", "mean: previous → this run", "largest change of a class's share"),
                List.of("probability", "score", "0.0793", "0.628 → 0.5874", "–"),
                List.of("label", "label", "0.0123", "–", "0: +2.11 points"));
        Element chart = chart(body, "probability: previous run and this run");
        assertThat(tooltips(chart, "rect", "bar")).containsExactly("previous run, 0 to 0.5: 4 rows",
                "previous run, 0.5 to 1: 8 rows", "this run, 0 to 0.5: 7 rows", "this run, 0.5 to 1: 3 rows");
        assertThat(elements(chart, "desc").get(0).getTextContent()).isEqualTo("Histogram of the published probability"
                + " of the previous run and of this run, 2 bins from 0 to 1; means 0.628 and 0.5874, PSI 0.0793.");
        assertThat(table(body, "Change of each class's share of label")).containsExactly(
                List.of("class", "change"), List.of("0", "+2.11 points"), List.of("1", "-2.11 points"));
    }

    @Test
    void theNavigationLeadsToTheComparisonAndTheDrift() {
        List<String> links = elements(doc, "a").stream().map(a -> a.getAttribute("href")).toList();
        assertThat(links).startsWith("#comparison", "#drift", "#latency");
        assertThat(html.indexOf("id=\"comparison\"")).isLessThan(html.indexOf("id=\"drift\""))
                .isLessThan(html.indexOf("id=\"latency\""));
    }

    @Test
    void aRunOfOneModelWithoutDriftSaysSoAndHasNoComparison() {
        String one = RunReport.render(ReportManifests.full());
        assertThat(one).doesNotContain("id=\"comparison\"", "#comparison").contains("This run records no drift");
    }

    private static RunManifest withComparison(ComparisonSummary c) {
        return new RunManifest(RunManifest.FORMAT_VERSION, "r", "0.1.0-test", "run=r@1", null, null, null, null, 0,
                Map.of(), null, null, List.of(model("champion", "m", "1", null), model("shadow", "m", "2",
                c.binding())), RunManifest.Metrics.NONE, null, List.of(c), null);
    }

    @Test
    void labelsAndKeysFromTheDataCanOnlyBeText() {
        String hostile = "</td><script>alert(1)</script>&amp;\u0007";
        BindingComparison c = new BindingComparison("v2", List.of("label"), List.of());
        c.row(() -> BindingComparison.key(List.of("id"), hostile), new String[] {hostile}, new String[] {"b"},
                new double[0], new double[0]);
        String page = RunReport.render(withComparison(c.summary()));
        Document parsed = parse(page); // well-formed: nothing broke out of its element
        assertThat(page).doesNotContain("<script");
        String text = parsed.getDocumentElement().getTextContent();
        assertThat(text).contains("id=</td><script>alert(1)</script>&amp;\uFFFD", "label </td><script>alert(1)</script>");
    }

    @Test
    void aConfusionOfManyClassesShowsTheTopTwentyAndOtherWithSmallerCellsAndSlantedLabels() {
        BindingComparison c = new BindingComparison("v2", List.of("label"), List.of());
        for (int k = 0; k < 30; k++) {
            for (int i = 0; i < 40 - k; i++) {
                String label = "class-" + k;
                c.row(() -> "id", new String[] {label}, new String[] {i % 5 == 0 ? "class-" + (k + 1) : label},
                        new double[0], new double[0]);
            }
        }
        ComparisonSummary summary = c.summary();
        Element heatmap = chart(parse(RunReport.render(withComparison(summary))).getDocumentElement(),
                "label: champion (rows) against v2 (columns)");
        List<Element> cells = elements(heatmap, "rect").stream().filter(r -> r.getAttribute("class").equals("cell"))
                .toList();
        assertThat(cells).hasSize(21 * 21);
        assertThat(cells.stream().filter(r -> r.getAttribute("stroke").equals("#222"))).hasSize(21);
        assertThat(Integer.parseInt(cells.get(0).getAttribute("width"))).isEqualTo(18);
        assertThat(tooltips(heatmap, "rect", "cell").get(21 * 21 - 1)).startsWith("champion (other), v2 (other): ");
        long shown = tooltips(heatmap, "rect", "cell").stream().mapToLong(ReportComparisonsTest::rowsIn).sum();
        assertThat(shown).isEqualTo(summary.rows());
        assertThat(elements(heatmap, "text").stream().filter(t -> t.getAttribute("transform").contains("rotate(-45)")))
                .hasSize(21);
    }

    @Test
    void theHistogramsSurviveTheManifestAndAnOlderManifestWithoutThemGetsANote() throws Exception {
        RunManifest written = withComparison(challenger);
        RunManifest read = RunManifest.read(TableJson.write(written), "m");
        assertThat(read.comparisons()).containsExactly(challenger);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode tree = mapper.readTree(TableJson.write(written));
        ObjectNode scores = (ObjectNode) tree
                .get("comparisons").get(0).get("scores").get(0);
        assertThat(scores.get("histogram").get(0).get("lower").asDouble()).isEqualTo(0.05);
        assertThat(scores.get("histogram").get(0).get("champion").asLong()).isEqualTo(1);
        assertThat(scores.get("difference_histogram").get(10).get("count").asLong()).isEqualTo(8);

        scores.remove(List.of("histogram", "difference_histogram")); // as a manifest written before them
        ComparisonSummary.Scores s = challenger.scores().get(0);
        ComparisonSummary older = new ComparisonSummary("challenger", 10, challenger.labels(), List.of(
                new ComparisonSummary.Scores(s.output(), s.rows(), s.meanAbsDiff(), s.p99AbsDiff(), s.pearson(),
                        s.psi(), s.meanChampion(), s.meanOther(), s.exact())), challenger.disagreements());
        assertThat(RunManifest.read(mapper.writeValueAsBytes(tree), "m").comparisons()).containsExactly(older);
        Document page = parse(RunReport.render(withComparison(older)));
        assertThat(elements(page, "figcaption").stream().map(Element::getTextContent)).contains(
                "probability: both models' distributions: this run's manifest has no histograms (runs made before"
                        + " coldpath kept them).");
    }
}
