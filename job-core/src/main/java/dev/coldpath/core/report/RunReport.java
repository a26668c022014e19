package dev.coldpath.core.report;

import static dev.coldpath.core.report.ReportHtml.count;
import static dev.coldpath.core.report.ReportHtml.escape;
import static dev.coldpath.core.report.ReportHtml.millis;
import static dev.coldpath.core.report.ReportHtml.number;
import static java.util.Objects.requireNonNull;

import dev.coldpath.core.ColdpathVersion;
import dev.coldpath.core.io.FileStore;
import dev.coldpath.core.metrics.LatencyBin;
import dev.coldpath.core.metrics.OutputSummary;
import dev.coldpath.core.metrics.ThroughputPoint;
import dev.coldpath.core.report.ReportMetrics.ClassOutput;
import dev.coldpath.core.report.ReportMetrics.NumericOutput;
import dev.coldpath.core.report.ReportMetrics.OutputDistribution;
import dev.coldpath.core.report.ReportMetrics.StageLatency;
import dev.coldpath.core.report.ReportMetrics.UnknownOutput;
import dev.coldpath.core.report.ReportSvg.Bar;
import dev.coldpath.core.report.ReportSvg.Frame;
import dev.coldpath.core.report.ReportSvg.Marker;
import dev.coldpath.core.report.ReportSvg.Tick;
import dev.coldpath.core.table.RunManifest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's HTML report, {@code _report.html} beside its {@code _manifest.json}: the manifest's facts, and
 * plots of its metrics (latency per stage, throughput, prediction distributions); for a run of several models, each
 * model compared with the champion, and for every run its drift against the previous run ({@link
 * ReportComparisons}). Self-contained: inline CSS
 * and SVG, no scripts, no fonts or images to fetch, and a Content-Security-Policy that forbids any fetch, so
 * it opens offline and from any storage. Made only from the manifest, so {@code coldpath report} can
 * regenerate it at any time. Stateless and thread safe.
 */
public final class RunReport {
    public static final String FILE_NAME = "_report.html";
    private static final int MAX_CLASSES = 30;
    private static final int MAX_FILES = 200;

    private RunReport() {
    }

    /** Writes the report into {@code runDirectory} (replacing one there) and returns its path. */
    public static String write(FileStore store, String runDirectory, RunManifest manifest) {
        requireNonNull(store, "store is null");
        requireNonNull(runDirectory, "runDirectory is null");
        String path = store.resolve(runDirectory, FILE_NAME);
        store.writeAtomically(path, render(manifest).getBytes(StandardCharsets.UTF_8));
        return path;
    }

    /** The report's HTML. */
    public static String render(RunManifest manifest) {
        requireNonNull(manifest, "manifest is null");
        return new Document(manifest).render();
    }

    /** One rendering: the manifest, its parsed metrics and the output being built. */
    private static final class Document {
        private final RunManifest m;
        private final ReportMetrics metrics;
        private final StringBuilder html = new StringBuilder(64 * 1024);
        private int charts;

        Document(RunManifest manifest) {
            this.m = manifest;
            this.metrics = ReportMetrics.of(manifest);
        }

        String render() {
            String title = "coldpath run " + orDash(m.runId());
            html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                    .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
                    .append(" style-src 'unsafe-inline'; img-src data:\"/>")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                    .append("<meta name=\"generator\" content=\"coldpath ").append(escape(ColdpathVersion.get()))
                    .append("\"/><title>").append(escape(title)).append("</title><style>").append(CSS)
                    .append("</style></head><body><main>");
            header();
            html.append("<nav aria-label=\"Sections\"><ul>");
            if (!m.comparisons().isEmpty()) {
                html.append("<li><a href=\"#comparison\">Comparison</a></li>");
            }
            for (String[] s : new String[][] {{"drift", "Drift"}, {"latency", "Latency"}, {"throughput", "Throughput"},
                {"predictions", "Predictions"}, {"run", "Run"}, {"model", "Model"}, {"input", "Input"},
                {"job", "Job"}}) {
                html.append("<li><a href=\"#").append(s[0]).append("\">").append(s[1]).append("</a></li>");
            }
            html.append("</ul></nav>");
            if (!metrics.budgetWarnings().isEmpty()) {
                html.append("<div class=\"warning\" role=\"note\"><strong>Budget warnings</strong> (the run went on,"
                        + " as the job's budget policy is to warn):<ul>");
                metrics.budgetWarnings().forEach(w -> html.append("<li>").append(escape(w)).append("</li>"));
                html.append("</ul></div>");
            }
            if (!metrics.unreadable().isEmpty()) {
                html.append("<p class=\"warning\" role=\"note\">Some metrics in this run's manifest are not in the"
                        + " shape this report reads and are left out: ")
                        .append(escape(String.join("; ", metrics.unreadable()))).append("</p>");
            }
            ReportComparisons comparisons = new ReportComparisons(m, html, () -> ++charts);
            comparisons.comparisons();
            comparisons.drift();
            latency();
            throughput();
            predictions();
            run();
            model();
            input();
            job();
            others();
            html.append("<footer><p>Generated by coldpath ").append(escape(ColdpathVersion.get()))
                    .append(" from the run's <code>_manifest.json</code> (format ").append(m.formatVersion())
                    .append("). This page is self-contained: no scripts, nothing fetched from the network.")
                    .append(" Regenerate it with <code>coldpath report TABLE ")
                    .append(escape(orDash(m.runId()))).append("</code>.</p></footer>");
            return html.append("</main></body></html>\n").toString();
        }

        private void header() {
            Object name = m.job().get("name");
            RunManifest.ModelRun model = m.model();
            html.append("<header><h1>Run <code>").append(escape(orDash(m.runId()))).append("</code></h1>")
                    .append("<p class=\"subtitle\">");
            if (name != null) {
                html.append("Job <strong>").append(escape(name)).append("</strong> · ");
            }
            if (model != null) {
                html.append("model <strong>").append(escape(orDash(model.name()))).append("</strong>");
                if (model.version() != null && !model.version().isEmpty()) {
                    html.append(" version ").append(escape(model.version()));
                }
                html.append(" · ");
            }
            html.append(escape(orDash(m.startedAt()))).append(" → ").append(escape(orDash(m.endedAt())))
                    .append("</p></header>");
            html.append("<section class=\"cards\" aria-label=\"Summary\">");
            RunManifest.Rows rows = m.rows();
            if (rows != null) {
                card("rows written", count(rows.written()));
                card("rows read", count(rows.read()));
                card("rows rejected", count(rows.rejected()) + (rows.read() > 0 && rows.rejected() > 0
                        ? String.format(java.util.Locale.ROOT, " (%.2f %%)", 100.0 * rows.rejected() / rows.read()) : ""));
            }
            card("wall time", millis(m.wallMs()));
            double rate = rowsPerSecond();
            if (!Double.isNaN(rate)) {
                card("rows per second", number(Math.round(rate)));
            }
            metrics.batches().ifPresent(b -> card("batches", count(b)));
            if (m.sessions() != null) {
                card("ONNX sessions opened", count(m.sessions().created()));
            }
            html.append("</section>");
        }

        private double rowsPerSecond() {
            if (!Double.isNaN(metrics.rowsPerSecond())) {
                return metrics.rowsPerSecond();
            }
            if (m.rows() != null && m.wallMs() > 0) {
                return m.rows().written() * 1000.0 / m.wallMs();
            }
            return Double.NaN;
        }

        private void card(String label, String value) {
            html.append("<div class=\"card\"><div class=\"value\">").append(escape(value))
                    .append("</div><div class=\"label\">").append(escape(label)).append("</div></div>");
        }

        private void latency() {
            section("latency", "Latency per stage");
            List<StageLatency> stages = metrics.stages();
            if (stages.isEmpty()) {
                note("This run's manifest has no per-stage latencies (runs made before coldpath recorded them have"
                        + " only a batch count).");
                return;
            }
            html.append("<table><caption>Time per batch in each stage, over all executors</caption><thead><tr>")
                    .append("<th scope=\"col\">stage</th>");
            for (String h : new String[] {"batches", "p50", "p95", "p99", "max", "total"}) {
                html.append("<th scope=\"col\" class=\"num\">").append(h).append("</th>");
            }
            html.append("</tr></thead><tbody>");
            for (StageLatency s : stages) {
                html.append("<tr><th scope=\"row\">").append(escape(s.name())).append("</th>");
                for (String v : new String[] {count(s.count()), millis(s.p50()), millis(s.p95()), millis(s.p99()),
                    millis(s.max()), millis(s.total())}) {
                    html.append("<td class=\"num\">").append(escape(v)).append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</tbody></table><div class=\"charts\">");
            for (StageLatency s : stages) {
                latencyChart(s);
            }
            html.append("</div>");
        }

        private void latencyChart(StageLatency s) {
            List<LatencyBin> all = s.histogram();
            int from = 0;
            int to = all.size();
            while (from < to && all.get(from).count() == 0) {
                from++;
            }
            while (to > from && all.get(to - 1).count() == 0) {
                to--;
            }
            String summary = "p50 " + millis(s.p50()) + ", p95 " + millis(s.p95()) + ", p99 " + millis(s.p99())
                    + ", max " + millis(s.max());
            if (from == to) {
                figureNote("Stage " + s.name(), "No latency histogram for this stage (" + summary + ").");
                return;
            }
            List<Bar> bars = new ArrayList<>();
            List<Tick> ticks = new ArrayList<>();
            int n = to - from;
            int every = (int) Math.ceil(n / 10.0);
            for (int i = from; i < to; i++) {
                LatencyBin b = all.get(i);
                double lower = b.lowerMs();
                String range = Double.isInfinite(b.upperMs()) ? "over " + bound(lower) + " ms"
                        : bound(lower) + "–" + bound(b.upperMs()) + " ms";
                bars.add(new Bar(i - from, i - from + 1, b.count(), range + ": " + count(b.count()) + " batches"));
                if (i == from) {
                    ticks.add(new Tick(0, tickLabel(lower)));
                }
                if ((i - from + 1) % every == 0 || i == to - 1) {
                    ticks.add(new Tick(i - from + 1, Double.isInfinite(b.upperMs()) ? "∞" : tickLabel(b.upperMs())));
                }
            }
            List<Marker> markers = new ArrayList<>();
            addMarker(markers, all, from, s.p50(), "p50", "#2e7d32", "6 3");
            addMarker(markers, all, from, s.p95(), "p95", "#b35c00", "3 3");
            addMarker(markers, all, from, s.p99(), "p99", "#c62828", "1 2");
            String id = chartId("latency");
            String title = "Stage " + s.name() + ": time per batch";
            String desc = "Histogram of the time " + count(s.count()) + " batches spent in the " + s.name()
                    + " stage, in milliseconds; " + summary + ".";
            figure(title, ReportSvg.bars(new Frame(id, title, desc, "milliseconds per batch", "batches"),
                    0, n, bars, ticks, markers), desc);
        }

        private static void addMarker(List<Marker> markers, List<LatencyBin> bins, int from, double value,
                                      String name, String colour, String dash) {
            if (!Double.isNaN(value)) {
                markers.add(new Marker(position(bins, value) - from, name + " " + millis(value), colour, dash));
            }
        }

        private static String bound(double ms) {
            return number(ms);
        }

        private static String tickLabel(double ms) {
            return ReportHtml.tick(ms);
        }

        private void throughput() {
            section("throughput", "Throughput");
            List<ThroughputPoint> points = metrics.throughput();
            double rate = rowsPerSecond();
            if (!Double.isNaN(rate)) {
                html.append("<p>").append(escape(number(Math.round(rate)))).append(" rows per second over the whole"
                        + " run");
                if (m.rows() != null) {
                    html.append(" (").append(escape(count(m.rows().written()))).append(" rows in ")
                            .append(escape(millis(m.wallMs()))).append(")");
                }
                html.append(".</p>");
            }
            if (points.isEmpty()) {
                note("This run's manifest has no throughput samples.");
                return;
            }
            List<double[]> xy = points.stream().map(p -> new double[] {p.second(), p.rows()}).toList();
            double x0 = xy.get(0)[0];
            double x1 = xy.get(xy.size() - 1)[0];
            List<Tick> ticks = ReportSvg.niceTicks(x0, Math.max(x1, x0 + 1), 8).stream()
                    .filter(t -> t >= x0 - 1e-9 && t <= Math.max(x1, x0 + 1) + 1e-9)
                    .map(t -> new Tick(t, number(t))).toList();
            long peak = points.stream().mapToLong(ThroughputPoint::rows).max().orElse(0);
            String title = "Rows finished per second";
            String desc = "Rows finished in each second of the run, " + points.size() + " samples from second "
                    + number(x0) + " to " + number(x1) + "; peak " + count(peak) + " rows in one second.";
            html.append("<div class=\"charts\">");
            figure(title, ReportSvg.line(new Frame(chartId("throughput"), title, desc, "seconds since the run started",
                    "rows per second"), xy, ticks), desc);
            html.append("</div>");
        }

        private void predictions() {
            section("predictions", "Predictions");
            if (!m.outputColumns().isEmpty()) {
                html.append("<table><caption>Prediction columns written</caption><thead><tr><th scope=\"col\">column"
                        + "</th><th scope=\"col\">type</th></tr></thead><tbody>");
                for (RunManifest.OutputColumn c : m.outputColumns()) {
                    html.append("<tr><td><code>").append(escape(c.name())).append("</code></td><td><code>")
                            .append(escape(c.type())).append("</code></td></tr>");
                }
                html.append("</tbody></table>");
            }
            if (metrics.outputs().isEmpty()) {
                note("This run's manifest has no prediction distributions.");
                return;
            }
            html.append("<div class=\"charts\">");
            for (OutputDistribution o : metrics.outputs()) {
                if (o instanceof NumericOutput n) {
                    numericChart(n);
                } else if (o instanceof ClassOutput c) {
                    classChart(c);
                } else if (o instanceof UnknownOutput u) {
                    figureNote("Output " + u.name(), "Summarised as " + flat(u.summary()) + ".");
                }
            }
            html.append("</div>");
        }

        private void numericChart(NumericOutput o) {
            String stats = (o.count() >= 0 ? count(o.count()) + " values" : "values") + ", min " + number(o.min())
                    + ", mean " + number(o.mean()) + ", max " + number(o.max());
            if (o.histogram().isEmpty()) {
                figureNote("Output " + o.name(), "No histogram (" + stats + ").");
                return;
            }
            double x0 = o.histogram().get(0).lower();
            double x1 = o.histogram().stream().mapToDouble(OutputSummary.Bin::upper).max().orElse(x0 + 1);
            if (!(x1 > x0)) {
                x1 = x0 + 1;
            }
            List<Bar> bars = new ArrayList<>();
            for (OutputSummary.Bin b : o.histogram()) {
                bars.add(new Bar(b.lower(), b.upper(), b.count(), number(b.lower()) + " to " + number(b.upper()) + ": "
                        + count(b.count()) + " rows"));
            }
            double lo = x0;
            double hi = x1;
            List<Tick> ticks = ReportSvg.niceTicks(x0, x1, 6).stream().filter(t -> t >= lo - 1e-9 * Math.abs(hi - lo)
                    && t <= hi + 1e-9 * Math.abs(hi - lo)).map(t -> new Tick(t, number(t))).toList();
            List<Marker> markers = Double.isNaN(o.mean()) ? List.of()
                    : List.of(new Marker(o.mean(), "mean " + number(o.mean()), "#6a1b9a", "6 3"));
            String title = "Output " + o.name() + ": distribution";
            String desc = "Histogram of the predicted " + o.name() + " values: " + stats + ".";
            figure(title, ReportSvg.bars(new Frame(chartId("output"), title, desc, o.name(), "rows"), x0, x1, bars,
                    ticks, markers), desc);
        }

        private void classChart(ClassOutput o) {
            List<Map.Entry<String, Long>> classes = new ArrayList<>(o.counts().entrySet());
            boolean numericKeys = classes.stream().allMatch(e -> e.getKey().matches("-?\\d{1,18}"));
            classes.sort(numericKeys ? Comparator.comparingLong(e -> Long.parseLong(e.getKey()))
                    : Map.Entry.comparingByKey());
            long total = classes.stream().mapToLong(Map.Entry::getValue).sum();
            if (classes.size() > MAX_CLASSES) {
                List<Map.Entry<String, Long>> byCount = new ArrayList<>(classes);
                byCount.sort(Map.Entry.<String, Long>comparingByValue().reversed());
                List<Map.Entry<String, Long>> top = new ArrayList<>(byCount.subList(0, MAX_CLASSES - 1));
                long rest = byCount.subList(MAX_CLASSES - 1, byCount.size()).stream().mapToLong(Map.Entry::getValue)
                        .sum();
                top.add(Map.entry("other " + (byCount.size() - MAX_CLASSES + 1) + " classes", rest));
                classes = top;
            }
            List<Bar> bars = new ArrayList<>();
            List<Tick> ticks = new ArrayList<>();
            int labelEvery = (int) Math.ceil(classes.size() / 15.0);
            for (int i = 0; i < classes.size(); i++) {
                Map.Entry<String, Long> c = classes.get(i);
                String share = total > 0 ? " (" + number(Math.round(1000.0 * c.getValue() / total) / 10.0) + " %)" : "";
                bars.add(new Bar(i, i + 1, c.getValue(), o.name() + " " + c.getKey() + ": " + count(c.getValue())
                        + " rows" + share));
                if (i % labelEvery == 0) {
                    ticks.add(new Tick(i + 0.5, shorten(c.getKey(), 12)));
                }
            }
            String title = "Output " + o.name() + ": rows per class";
            String desc = "Count of rows predicted as each " + o.name() + " value, " + o.counts().size()
                    + (o.truncated() ? " most frequent" : "") + " classes, "
                    + count(total) + " rows: " + classes.stream().limit(10)
                    .map(e -> e.getKey() + " " + count(e.getValue())).reduce((a, b) -> a + ", " + b).orElse("none")
                    + (classes.size() > 10 ? ", …" : "") + ".";
            figure(title, ReportSvg.bars(new Frame(chartId("output"), title, desc, o.name(), "rows"), 0,
                    Math.max(1, classes.size()), bars, ticks, List.of()), desc);
        }

        private void run() {
            section("run", "Run");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"run id", code(m.runId())});
            rows.add(new String[] {"data directory", code(m.dataPath())});
            rows.add(new String[] {"started", text(m.startedAt())});
            rows.add(new String[] {"ended", text(m.endedAt())});
            rows.add(new String[] {"wall time", text(millis(m.wallMs()))});
            if (m.rows() != null) {
                rows.add(new String[] {"rows read / written / rejected", text(count(m.rows().read()) + " / "
                        + count(m.rows().written()) + " / " + count(m.rows().rejected()))});
            }
            if (metrics.quarantinePath() != null) {
                rows.add(new String[] {"rejected rows quarantined in", code(metrics.quarantinePath())});
            }
            if (m.runner() != null) {
                rows.add(new String[] {"runner", code(m.runner().name()) + " " + text("(" + m.runner().reason() + ")")});
            }
            boolean ranOnSpark = m.runner() == null || !"local".equals(m.runner().name());
            if (m.spark() != null && ranOnSpark) {
                rows.add(new String[] {"Spark application", code(m.spark().applicationId())});
                rows.add(new String[] {"Spark master", code(m.spark().master())});
            }
            if (m.sessions() != null) {
                rows.add(new String[] {"ONNX sessions opened", text(count(m.sessions().created()) + " in "
                        + millis(m.sessions().loadMs()) + " in total")});
                rows.add(new String[] {"opened by", list(m.sessions().owners())});
            }
            if (!metrics.sessionLoadMs().isEmpty()) {
                rows.add(new String[] {"session load times", text(metrics.sessionLoadMs().stream()
                        .map(ReportHtml::millis).reduce((a, b) -> a + ", " + b).orElse(""))});
            }
            if (!metrics.deviceFallbacks().isEmpty()) {
                rows.add(new String[] {"ran on the CPU although inference.device is auto",
                    list(metrics.deviceFallbacks())});
            }
            rows.add(new String[] {"coldpath version", text(m.coldpathVersion())});
            facts(rows);
        }

        private void model() {
            section("model", m.models().size() > 1 ? "Models" : "Model");
            if (m.models().isEmpty()) {
                note("The manifest does not describe the model.");
                return;
            }
            for (RunManifest.ModelRun model : m.models()) {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"name", text(model.name())});
                rows.add(new String[] {"version", text(model.version() == null || model.version().isEmpty()
                        ? "(a plain file, not from the registry)" : model.version())});
                if (m.models().size() > 1) {
                    rows.add(new String[] {"role", text(model.role())});
                }
                rows.add(new String[] {"sha256", code(model.sha256())});
                rows.add(new String[] {"location", code(model.location())});
                rows.add(new String[] {"size", text(ReportHtml.bytes(model.sizeBytes()))});
                new TreeMap<>(model.metadata()).forEach((k, v) -> rows.add(new String[] {"metadata: " + escape(k),
                        text(v)}));
                factsRaw(rows);
            }
        }

        private void input() {
            section("input", "Input");
            RunManifest.Input in = m.input();
            if (in == null) {
                note("The manifest does not describe the input.");
                return;
            }
            List<String> files = in.files() == null ? List.of()
                    : in.files().stream().map(RunManifest.InputFile::path).toList();
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"path", code(in.path())});
            rows.add(new String[] {"data files", text(count(files.size()) + " (" + ReportHtml.bytes(in.totalBytes())
                    + ")")});
            if (in.partitions() != null && !in.partitions().isEmpty()) {
                rows.add(new String[] {"partitions", list(in.partitions())});
            }
            facts(rows);
            if (!files.isEmpty()) {
                html.append("<details><summary>The ").append(count(files.size())).append(" data files</summary><ol>");
                for (RunManifest.InputFile f : in.files().subList(0, Math.min(MAX_FILES, files.size()))) {
                    html.append("<li><code>").append(escape(f.path())).append("</code> · ")
                            .append(escape(ReportHtml.bytes(f.sizeBytes()))).append(" · ")
                            .append(escape(orDash(f.modifiedAt()))).append("</li>");
                }
                html.append("</ol>");
                if (files.size() > MAX_FILES) {
                    html.append("<p class=\"note\">and ").append(count(files.size() - MAX_FILES))
                            .append(" more (all are in the manifest).</p>");
                }
                html.append("</details>");
            }
        }

        private void job() {
            section("job", "Job");
            if (m.job().isEmpty()) {
                note("The manifest holds no job settings.");
                return;
            }
            html.append("<p>The job's settings as the run used them, secrets redacted.</p>");
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", m.job(), flat);
            List<String[]> rows = new ArrayList<>();
            flat.forEach((k, v) -> rows.add(new String[] {escape(k), code(v)}));
            factsRaw(rows);
        }

        private void others() {
            Map<String, Object> others = new LinkedHashMap<>(metrics.others());
            if (others.isEmpty()) {
                return;
            }
            section("other-metrics", "Other metrics");
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", others, flat);
            List<String[]> rows = new ArrayList<>();
            flat.forEach((k, v) -> rows.add(new String[] {escape(k), code(v)}));
            factsRaw(rows);
        }

        private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
                if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                    flatten(key, nested, out);
                } else {
                    out.put(key, flat(e.getValue()));
                }
            }
        }

        private static String flat(Object value) {
            if (value instanceof Collection<?> c) {
                return c.stream().map(RunReport.Document::flat).reduce((a, b) -> a + ", " + b).orElse("[]");
            }
            if (value instanceof Number n) {
                return n instanceof Double || n instanceof Float ? number(n.doubleValue()) : String.valueOf(n);
            }
            return String.valueOf(value);
        }

        private void section(String id, String title) {
            html.append("<h2 id=\"").append(id).append("\">").append(escape(title))
                    .append("</h2>");
        }

        private void note(String text) {
            html.append(ReportHtml.note(text));
        }

        private void figure(String caption, String svg, String description) {
            html.append(ReportHtml.figure(caption, svg, description));
        }

        private void figureNote(String caption, String text) {
            html.append(ReportHtml.figureNote(caption, text));
        }

        private String chartId(String kind) {
            return kind + "-" + (++charts);
        }

        private void facts(List<String[]> rows) {
            factsRaw(rows.stream().map(r -> new String[] {escape(r[0]), r[1]}).toList());
        }

        /** A two-column table; both cells are already-escaped HTML. */
        private void factsRaw(List<String[]> rows) {
            html.append("<table class=\"facts\"><tbody>");
            for (String[] r : rows) {
                html.append("<tr><th scope=\"row\">").append(r[0]).append("</th><td>").append(r[1]).append("</td></tr>");
            }
            html.append("</tbody></table>");
        }

        private static String text(Object value) {
            return escape(orDash(value));
        }

        private static String code(Object value) {
            return value == null ? "–" : "<code>" + escape(value) + "</code>";
        }

        private static String list(List<String> values) {
            if (values == null || values.isEmpty()) {
                return "–";
            }
            return values.stream().map(Document::code).reduce((a, b) -> a + ", " + b).orElse("");
        }

        private static String orDash(Object value) {
            return value == null || String.valueOf(value).isEmpty() ? "–" : String.valueOf(value);
        }

        private static String shorten(String s, int max) {
            return s.length() <= max ? s : s.substring(0, max - 1) + "…";
        }
    }

    /** Where a latency falls on the bucket-index axis: bucket i spans [i, i+1], linear inside it. */
    static double position(List<LatencyBin> bins, double value) {
        for (int i = 0; i < bins.size(); i++) {
            double upper = bins.get(i).upperMs();
            if (value <= upper) {
                double lower = bins.get(i).lowerMs();
                if (Double.isInfinite(upper) || upper <= lower) {
                    return i + 0.5;
                }
                return i + Math.max(0, Math.min(1, (value - lower) / (upper - lower)));
            }
        }
        return bins.size();
    }

    private static final String CSS = """
            :root{color-scheme:light}
            body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",\
            "DejaVu Sans",sans-serif;color:#1f2328;background:#f3f4f6}
            main{max-width:1180px;margin:0 auto;padding:24px 32px 40px;background:#fff}
            h1{font-size:1.6rem;margin:0 0 4px;font-weight:650}
            h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:4px;border-bottom:1px solid #d0d7de}
            .subtitle{margin:0;color:#57606a}
            nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:6px 18px;padding:0;margin:14px 0 0}
            a{color:#0b57d0}
            .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:18px 0 4px}
            .card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px}
            .card .value{font-size:1.3rem;font-weight:600;font-variant-numeric:tabular-nums}
            .card .label{font-size:.85rem;color:#57606a}
            .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:14px;margin-top:10px}
            figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:6px;break-inside:avoid;page-break-inside:avoid}
            figure.empty{padding:12px}
            figcaption{font-size:.85rem;color:#57606a;padding:4px 6px 2px}
            svg.chart{display:block;width:100%;height:auto}
            table{border-collapse:collapse;width:100%;font-size:.92rem;margin:6px 0}
            caption{text-align:left;color:#57606a;font-size:.85rem;padding-bottom:4px}
            th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #eaeef2;vertical-align:top;overflow-wrap:anywhere}
            thead th{border-bottom:2px solid #d0d7de}
            table.facts th[scope=row]{width:28%;font-weight:600;color:#424a53}
            .num{text-align:right;font-variant-numeric:tabular-nums}
            code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.86em;\
            background:#f6f8fa;padding:1px 4px;border-radius:3px}
            .note{color:#57606a;font-style:italic}
            .warning{border-left:4px solid #bf8700;background:#fff8c5;padding:8px 12px}
            h3{font-size:1.05rem;margin:1.6rem 0 .2rem}
            .verdict{border-left:4px solid #8c959f;background:#f6f8fa;padding:8px 12px;margin:8px 0}
            .verdict.ok{border-color:#1a7f37;background:#dafbe1}
            .verdict.bad{border-color:#cf222e;background:#ffebe9}
            table.figures{width:auto;min-width:60%}
            table.figures td.num{white-space:nowrap}
            .breached{color:#cf222e;font-weight:600}
            .kept{color:#1a7f37;font-weight:600}
            .muted{color:#57606a}
            details{margin:6px 0}
            footer{margin-top:2.5rem;font-size:.85rem;color:#57606a;border-top:1px solid #d0d7de}
            @media print{body{background:#fff;font-size:10pt}main{max-width:none;padding:0}nav{display:none}\
            .charts{grid-template-columns:1fr 1fr}h2{break-after:avoid}table,.card,figure{break-inside:avoid}\
            a{color:inherit;text-decoration:none}code{background:none}}
            """;
}
