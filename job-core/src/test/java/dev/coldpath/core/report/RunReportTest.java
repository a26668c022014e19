package dev.coldpath.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.io.FileStore;
import dev.coldpath.core.metrics.LatencyBin;
import dev.coldpath.core.table.RunManifest;
import dev.coldpath.core.table.RunManifestV1;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

class RunReportTest {
    @Test
    void fullManifestGetsAHistogramPerStageAThroughputLineAndAPlotPerOutput() throws Exception {
        String html = RunReport.render(ReportManifests.full());
        Files.writeString(Path.of("target", "report-sample.html"), html); // to look at in a browser
        Document doc = parse(html);

        List<Element> svgs = elements(doc, "svg");
        assertThat(svgs).hasSize(5 + 1 + 2);
        for (Element svg : svgs) {
            assertThat(svg.getAttribute("role")).isEqualTo("img");
            assertThat(child(svg, "title").getTextContent()).isNotBlank();
            assertThat(child(svg, "desc").getTextContent()).isNotBlank();
            assertThat(svg.getAttribute("aria-labelledby")).isEqualTo(svg.getAttribute("id") + "-title "
                    + svg.getAttribute("id") + "-desc");
        }
        List<String> titles = svgs.stream().map(s -> child(s, "title").getTextContent()).toList();
        assertThat(titles).containsExactly(
                "Stage read: time per batch", "Stage tensor: time per batch", "Stage inference: time per batch",
                "Stage decode: time per batch", "Stage write: time per batch", "Rows finished per second",
                "Output probability: distribution", "Output label: rows per class");
        Element read = svgs.get(0);
        assertThat(withClass(read, "rect", "bar")).hasSize(6); // the 10 buckets less the empty ones at each end
        assertThat(withClass(read, "line", "marker")).hasSize(3);
        assertThat(read.getTextContent()).contains("p50 1.2 ms", "p95 3.4 ms", "p99 5.0 ms");
        assertThat(withClass(svgs.get(5), "path", "line")).hasSize(1);
        assertThat(elements(svgs.get(5), "circle")).hasSize(20);
        assertThat(withClass(svgs.get(6), "rect", "bar")).hasSize(20);
        assertThat(withClass(svgs.get(7), "rect", "bar")).hasSize(2);
        assertThat(svgs.get(7).getTextContent()).contains("label 0: 212 rows (37.3 %)", "label 1: 357 rows (62.7 %)");
    }

    @Test
    void stageTableListsPercentilesInPipelineOrder() {
        Document doc = parse(RunReport.render(ReportManifests.full()));
        Element table = elements(doc, "table").get(0);
        assertThat(child(table, "caption").getTextContent()).contains("Time per batch in each stage");
        List<String> stages = elements(table, "tr").stream().skip(1)
                .map(tr -> elements(tr, "th").get(0).getTextContent()).toList();
        assertThat(stages).containsExactlyElementsOf(ReportManifests.STAGES);
        assertThat(elements(table, "tr").get(1).getTextContent()).contains("12", "1.2 ms", "3.4 ms", "5.0 ms", "7.1 ms",
                "30.2 ms");
    }

    @Test
    void factsFromTheManifestAreShown() {
        String html = RunReport.render(ReportManifests.full());
        String text = parse(html).getDocumentElement().getTextContent();
        assertThat(text).contains("2026-11-28", "wine_mlp", "1.2.0",
                "8bb0ef29e42a4f0c9e7d0b8a1f2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e", "s3a://models/wine_mlp.onnx",
                "s3a://bucket/features/day=2026-11-28", "2 (80.0 KiB)", "569 / 566 / 3", "2026-11-28T02:15:00.120Z",
                "2026-11-28T02:15:06.990Z", "6.9 s", "local-1795879656365", "local[2]", "executor-1@host-a",
                "45.2 ms, 51.0 ms", "wine-nightly", "inference.batch-size", "1024", "spark.hadoop.fs.s3a.secret.key",
                "<redacted>", "5,231", "model_version=1.2.0/run_id=2026-11-28", "metadata: producer");
    }

    @Test
    void manifestWithOnlyABatchCountShowsTheFactsAndSaysWhichPlotsAreMissing() {
        String html = RunReport.render(ReportManifests.withMetrics(Map.of("batches", 7)));
        Document doc = parse(html);
        assertThat(elements(doc, "svg")).isEmpty();
        String text = doc.getDocumentElement().getTextContent();
        assertThat(text).contains("has no per-stage latencies", "has no throughput samples",
                "has no prediction distributions", "wine_mlp", "569 / 566 / 3")
                .doesNotContain("not in the shape");
        assertThat(cardValue(doc, "batches")).isEqualTo("7");
        assertThat(cardValue(doc, "rows per second")).isEqualTo("82"); // 566 rows in 6.87 s
    }

    @Test
    void localRunShowsItsRunnerAndWhyInsteadOfASparkApplication() {
        Document local = parse(RunReport.render(ReportManifests.full()
                .withRunner(new RunManifest.Runner("local", "runner: auto, and the input is 80.0 KiB on local disk"))));
        assertThat(fact(local, "runner")).isEqualTo("local (runner: auto, and the input is 80.0 KiB on local disk)");
        assertThat(fact(local, "Spark application")).isNull();
        assertThat(fact(local, "Spark master")).isNull();

        Document spark = parse(RunReport.render(ReportManifests.full()
                .withRunner(new RunManifest.Runner("spark", "runner: spark"))));
        assertThat(fact(spark, "runner")).isEqualTo("spark (runner: spark)");
        assertThat(fact(spark, "Spark application")).isEqualTo("local-1795879656365");

        Document older = parse(RunReport.render(ReportManifests.full())); // no runner field: ran on Spark
        assertThat(fact(older, "runner")).isNull();
        assertThat(fact(older, "Spark application")).isEqualTo("local-1795879656365");
    }

    /** The value cell of the facts row labelled {@code label}, or null if there is none. */
    private static String fact(Document doc, String label) {
        return elements(doc, "tr").stream()
                .filter(tr -> !elements(tr, "th").isEmpty() && !elements(tr, "td").isEmpty()
                        && elements(tr, "th").get(0).getTextContent().equals(label))
                .map(tr -> elements(tr, "td").get(0).getTextContent()).findFirst().orElse(null);
    }

    @Test
    void emptyMetricsAndMissingManifestPartsStillRender() {
        RunManifest bare = new RunManifestV1(1, "r1", null, null, null, null, null, null, null, 0, null, null, null,
                null, null).upgrade();
        Document doc = parse(RunReport.render(bare));
        assertThat(doc.getDocumentElement().getTextContent()).contains("r1", "does not describe the model",
                "does not describe the input", "holds no job settings");
    }

    @Test
    void metricsInAnUnexpectedShapeAreLeftOutWithAWarningAndTheRestIsPlotted() {
        Map<String, Object> metrics = new LinkedHashMap<>(ReportManifests.fullMetrics());
        metrics.put("stages", "fast");
        metrics.put("throughput", List.of(Map.of("second", 0, "rows", "many")));
        Document doc = parse(RunReport.render(ReportManifests.withMetrics(metrics)));
        Element warning = withClass(doc.getDocumentElement(), "p", "warning").get(0);
        assertThat(warning.getTextContent()).contains("stages (stages is not an object)",
                "throughput (not a number: many)");
        assertThat(elements(doc, "svg")).hasSize(2); // the two outputs
    }

    @Test
    void stageWithoutHistogramGetsANoteInsteadOfAPlot() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("stages", Map.of("inference", Map.of("count", 3, "p50_ms", 2.0, "histogram",
                List.of(Map.of("upper_ms", 1.0, "count", 0)))));
        Document doc = parse(RunReport.render(ReportManifests.withMetrics(metrics)));
        assertThat(elements(doc, "svg")).isEmpty();
        assertThat(doc.getDocumentElement().getTextContent()).contains("Stage inference: No latency histogram for"
                + " this stage (p50 2.0 ms, p95 –");
    }

    @Test
    void overflowBucketWithoutUpperBoundIsDrawnLast() {
        Map<String, Object> metrics = Map.of("stages", Map.of("inference", Map.of("count", 4, "p50_ms", 0.7,
                "p99_ms", 400.0, "histogram", java.util.Arrays.asList(
                        histogramBin(null, 1), histogramBin(1.0, 3)))));
        Element svg = elements(parse(RunReport.render(ReportManifests.withMetrics(metrics))), "svg").get(0);
        List<Element> bars = withClass(svg, "rect", "bar");
        assertThat(bars).hasSize(2);
        assertThat(child(bars.get(1), "title").getTextContent()).isEqualTo("over 1 ms: 1 batches");
        assertThat(svg.getTextContent()).contains("∞", "p99 400 ms");
    }

    private static Map<String, Object> histogramBin(Double upper, int count) {
        Map<String, Object> bin = new LinkedHashMap<>();
        bin.put("upper_ms", upper);
        bin.put("count", count);
        return bin;
    }

    @Test
    void firstLatencyBinStartsWhereTheBinsSpacingSaysOrAtAGivenLowerBound() {
        assertThat(RunManifestV1.firstLower(List.of(new double[] {0, 1, 0}, new double[] {0, 2, 0},
                new double[] {0, 4, 0}))).isEqualTo(0.5); // log-spaced, as RunMetrics writes them
        assertThat(RunManifestV1.firstLower(List.of(new double[] {0, 15, 0}, new double[] {0, 20, 0},
                new double[] {0, 25, 0}))).isEqualTo(10.0); // evenly spaced
        assertThat(RunManifestV1.firstLower(List.of(new double[] {0, 1, 0}, new double[] {0, 2, 0},
                new double[] {0, 10, 0}))).isEqualTo(0.0);
        List<double[]> rounded = new ArrayList<>(); // 0.011 ms × 1.25^i, rounded to the microsecond
        for (int i = 1; i <= 20; i++) {
            rounded.add(new double[] {0, Math.round(0.011 * Math.pow(1.25, i) * 1000) / 1000.0, 0});
        }
        assertThat(RunManifestV1.firstLower(rounded)).isCloseTo(0.011, org.assertj.core.data.Offset.offset(0.001));
        Map<String, Object> metrics = Map.of("stages", Map.of("read", Map.of("count", 2, "histogram", List.of(
                Map.of("lower_ms", 0.3, "upper_ms", 0.6, "count", 1), Map.of("upper_ms", 1.2, "count", 1)))));
        Element svg = elements(parse(RunReport.render(ReportManifests.withMetrics(metrics))), "svg").get(0);
        assertThat(withClass(svg, "rect", "bar")).extracting(b -> child(b, "title").getTextContent())
                .containsExactly("0.3–0.6 ms: 1 batches", "0.6–1.2 ms: 1 batches");
    }

    @Test
    void budgetWarningsAndTheQuarantineAreShown() {
        Map<String, Object> metrics = new LinkedHashMap<>(ReportManifests.fullMetrics());
        metrics.put("budget_warnings", List.of("budget.p99-batch-ms: p99 812 ms > 500 ms"));
        metrics.put("quarantine_path", "s3a://b/table/_quarantine/run_id=2026-11-28");
        Document doc = parse(RunReport.render(ReportManifests.withMetrics(metrics)));
        assertThat(withClass(doc.getDocumentElement(), "div", "warning").get(0).getTextContent())
                .contains("Budget warnings", "budget.p99-batch-ms: p99 812 ms > 500 ms");
        assertThat(doc.getDocumentElement().getTextContent())
                .contains("rejected rows quarantined ins3a://b/table/_quarantine/run_id=2026-11-28")
                .doesNotContain("Other metrics");
    }

    @Test
    void manyClassesAreFoldedIntoOther() {
        Map<String, Object> counts = new LinkedHashMap<>();
        IntStream.range(0, 100).forEach(i -> counts.put("class-" + i, i + 1));
        Map<String, Object> metrics = Map.of("outputs", Map.of("label", Map.of("kind", "classes", "counts", counts)));
        Element svg = elements(parse(RunReport.render(ReportManifests.withMetrics(metrics))), "svg").get(0);
        List<Element> bars = withClass(svg, "rect", "bar");
        assertThat(bars).hasSize(30);
        assertThat(bars.stream().map(b -> child(b, "title").getTextContent()))
                .anyMatch(t -> t.startsWith("label class-99: 100 rows"))
                .anyMatch(t -> t.startsWith("label other 71 classes: " + String.format("%,d", 71 * 72 / 2) + " rows"))
                .noneMatch(t -> t.startsWith("label class-0:"));
    }

    static Stream<String> hostileStrings() {
        return Stream.of(
                "<script>alert(1)</script>",
                "\"><img src=x onerror=alert(1)>",
                "' onmouseover='alert(1)",
                "</title><script>alert(1)</script>",
                "]]><svg onload=alert(1)>",
                "<!-- x --><iframe src=\"https://example.com\"></iframe>",
                "&lt;b&gt; & &amp; &#60;",
                "a\u0000b\u0007c\uD800d </style><style>body{display:none}</style>");
    }

    @ParameterizedTest
    @MethodSource("hostileStrings")
    void stringsFromTheManifestCanOnlyBeText(String hostile) {
        String html = RunReport.render(ReportManifests.hostile(hostile));
        Document doc = parse(html);

        List<Element> all = elements(doc, "*");
        assertThat(all).extracting(Element::getTagName).doesNotContain("script", "img", "iframe", "object", "embed",
                "link", "base", "foreignObject");
        assertThat(elements(doc, "style")).hasSize(1);
        for (Element e : all) {
            NamedNodeMap attributes = e.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                assertThat(attributes.item(i).getNodeName()).doesNotStartWithIgnoringCase("on");
                assertThat(attributes.item(i).getNodeValue()).doesNotContain(hostile);
            }
        }
        String shown = hostile.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uD800-\\uDFFF]", "\uFFFD");
        String text = doc.getDocumentElement().getTextContent();
        assertThat(text).contains("Run " + shown, "Job " + shown, "metadata: producer", "Stage " + shown + ": time per"
                + " batch", "Output " + shown + ": rows per class", "Output " + shown + "-n: distribution",
                shown + " " + shown + ": 3 rows (42.9 %)");
        assertThat(countOf(text, shown)).isGreaterThan(15);
        assertThat(elements(doc, "svg")).hasSize(4); // one stage, throughput, a class and a numeric output
    }

    @Test
    void reportFetchesNothing() {
        String html = RunReport.render(ReportManifests.full());
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                + " style-src 'unsafe-inline'; img-src data:\"/>");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
                .doesNotContain("http://", "https://", "src=", "<link", "@import", "url(", "<script", "@font-face");
    }

    @Test
    void renderingIsDeterministic() {
        assertThat(RunReport.render(ReportManifests.full())).isEqualTo(RunReport.render(ReportManifests.full()));
    }

    @Test
    void writePutsTheReportBesideTheManifest() {
        RecordingStore store = new RecordingStore();
        String path = RunReport.write(store, "s3a://b/table/_staging/2026-11-28-abc", ReportManifests.full());
        assertThat(path).isEqualTo("s3a://b/table/_staging/2026-11-28-abc/_report.html");
        assertThat(store.written).containsOnlyKeys(path);
        assertThat(new String(store.written.get(path), StandardCharsets.UTF_8))
                .isEqualTo(RunReport.render(ReportManifests.full()));
    }

    @Test
    void percentileIsPlacedInsideItsBucketLinearly() {
        List<LatencyBin> bins = List.of(new LatencyBin(0, 0.5, 1), new LatencyBin(0.5, 1, 1), new LatencyBin(1, 2, 1),
                new LatencyBin(2, Double.POSITIVE_INFINITY, 1));
        assertThat(RunReport.position(bins, 0.25)).isEqualTo(0.5);
        assertThat(RunReport.position(bins, 1.0)).isEqualTo(2.0);
        assertThat(RunReport.position(bins, 1.5)).isEqualTo(2.5);
        assertThat(RunReport.position(bins, 9.0)).isEqualTo(3.5);
        assertThat(RunReport.position(bins.subList(0, 3), 9.0)).isEqualTo(3.0);
    }

    private static String cardValue(Document doc, String label) {
        for (Element card : withClass(doc.getDocumentElement(), "div", "card")) {
            List<Element> divs = elements(card, "div");
            if (divs.get(1).getTextContent().equals(label)) {
                return divs.get(0).getTextContent();
            }
        }
        throw new AssertionError("no card " + label);
    }

    private static int countOf(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    /** Parses the report as XML: it must be well formed, which also shows no string broke out of its element. */
    static Document parse(String html) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("report is not well-formed: " + e.getMessage(), e);
        }
    }

    static List<Element> elements(Document doc, String tag) {
        return elements(doc.getDocumentElement(), tag);
    }

    static List<Element> elements(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static List<Element> withClass(Element root, String tag, String cssClass) {
        return elements(root, tag).stream()
                .filter(e -> List.of(e.getAttribute("class").split(" ")).contains(cssClass)).toList();
    }

    private static Element child(Element parent, String tag) {
        return elements(parent, tag).stream().filter(e -> e.getParentNode() == parent).findFirst()
                .orElseThrow(() -> new AssertionError("no <" + tag + "> in <" + parent.getTagName() + ">"));
    }

    /** A store that only records what is written. */
    private static final class RecordingStore implements FileStore {
        final Map<String, byte[]> written = new LinkedHashMap<>();

        @Override
        public boolean exists(String path) {
            return written.containsKey(path);
        }

        @Override
        public Optional<byte[]> read(String path) {
            return Optional.ofNullable(written.get(path));
        }

        @Override
        public void writeAtomically(String path, byte[] bytes) {
            written.put(path, bytes);
        }

        @Override
        public boolean createExclusively(String path, byte[] bytes) {
            return written.putIfAbsent(path, bytes) == null;
        }

        @Override
        public List<Entry> list(String directory) {
            return List.of();
        }

        @Override
        public void rename(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String path) {
            written.remove(path);
        }

        @Override
        public void mkdirs(String path) {
        }

        @Override
        public boolean hasAtomicDirectoryRename(String path) {
            return true;
        }
    }
}
