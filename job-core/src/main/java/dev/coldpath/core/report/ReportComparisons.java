package dev.coldpath.core.report;

import static dev.coldpath.core.report.ReportHtml.count;
import static dev.coldpath.core.report.ReportHtml.escape;
import static dev.coldpath.core.report.ReportHtml.number;

import dev.coldpath.core.compare.ComparisonBudget;
import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.report.ReportSvg.Bar;
import dev.coldpath.core.report.ReportSvg.Frame;
import dev.coldpath.core.report.ReportSvg.Marker;
import dev.coldpath.core.report.ReportSvg.PairBar;
import dev.coldpath.core.report.ReportSvg.Tick;
import dev.coldpath.core.table.RunManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * The report's sections on how the run's models compare: each model that is not the champion against it (the
 * figures, the budgets' verdicts and a one-line "safe to promote?", plots, the rows that disagree most), and the
 * published predictions against the table's previous run (drift). Made only from the manifest's {@code comparisons},
 * {@code drift} and job settings; appends to one rendering's page. Not thread safe.
 */
final class ReportComparisons {
    /** The usual reading of a PSI: below this, stable. */
    static final double PSI_STABLE = 0.1;
    /** The usual reading of a PSI: above this, a major shift. */
    static final double PSI_MAJOR = 0.25;

    private final RunManifest m;
    private final StringBuilder html;
    private final IntSupplier nextChart;
    private final ComparisonBudget budget;

    ReportComparisons(RunManifest manifest, StringBuilder html, IntSupplier nextChart) {
        this.m = manifest;
        this.html = html;
        this.nextChart = nextChart;
        this.budget = budget(manifest.job());
    }

    /** The comparison budgets as the run's job set them (the manifest's flat job keys); unset ones empty. */
    static ComparisonBudget budget(Map<String, Object> job) {
        return new ComparisonBudget(limit(job.get("budget.min-agreement")), limit(job.get("budget.max-psi")),
                limit(job.get("budget.max-drift-psi")));
    }

    private static OptionalDouble limit(Object value) {
        if (value instanceof Number n) {
            return OptionalDouble.of(n.doubleValue());
        }
        if (value != null) {
            try {
                return OptionalDouble.of(Double.parseDouble(value.toString()));
            } catch (NumberFormatException e) {
                return OptionalDouble.empty(); // shown as set in the job section, not judged here
            }
        }
        return OptionalDouble.empty();
    }

    void comparisons() {
        if (m.comparisons().isEmpty()) {
            return;
        }
        RunManifest.ModelRun champion = m.model();
        html.append("<h2 id=\"comparison\">Comparison with the champion</h2>");
        html.append("<p>Each model that is not the champion, over the rows both scored, against the champion ")
                .append(model(champion)).append(". A difference is the other model's value minus the champion's,"
                        + " in the output's own units; agreement is the share of rows given the same label; PSI is the"
                        + " population stability index of the other model's distribution against the champion's"
                        + " (below 0.1 is usually read as stable, 0.1 to 0.25 as a moderate shift, above 0.25 as a"
                        + " major one).</p>");
        for (int i = 0; i < m.comparisons().size(); i++) {
            binding(m.comparisons().get(i), i + 1);
        }
    }

    private void binding(ComparisonSummary c, int index) {
        RunManifest.ModelRun other = m.models().stream().filter(r -> c.binding().equals(r.binding())).findFirst()
                .orElse(null);
        String role = other == null || other.role() == null ? "" : " (" + other.role() + ")";
        html.append("<section class=\"comparison\" id=\"compare-").append(index).append("\" aria-labelledby=\"compare-")
                .append(index).append("-title\"><h3 id=\"compare-").append(index).append("-title\">")
                .append(escape(c.binding() + role)).append(" vs the champion</h3>");
        html.append("<p class=\"subtitle\">").append(other == null ? escape(c.binding()) : model(other))
                .append(" · ").append(escape(count(c.rows()))).append(" rows compared</p>");
        verdict(c);
        if (c.labels().isEmpty() && c.scores().isEmpty()) {
            note("This model has no output in common with the champion: nothing to compare here. Its rows can"
                    + " still be joined to the published ones by key.");
            html.append("</section>");
            return;
        }
        labelTable(c);
        scoreTable(c);
        budgetTable(c);
        html.append("<div class=\"charts\">");
        c.labels().forEach(l -> confusion(c, l));
        c.scores().forEach(s -> {
            distributions(c, s);
            differences(c, s);
        });
        html.append("</div>");
        disagreements(c);
        html.append("</section>");
    }

    private void verdict(ComparisonSummary c) {
        List<String> breaches = budget.breaches(c);
        String answer;
        String why;
        String kind;
        if (c.labels().isEmpty() && c.scores().isEmpty() || c.rows() == 0) {
            kind = "none";
            answer = "not judged";
            why = c.rows() == 0 ? "no rows were compared." : "no output in common with the champion.";
        } else if (!breaches.isEmpty()) {
            kind = "bad";
            answer = "no";
            why = String.join("; ", breaches) + ".";
        } else if (budget.judgesComparisons()) {
            kind = "ok";
            answer = "yes";
            List<String> kept = new ArrayList<>();
            budget.minAgreement().ifPresent(min -> kept.add("agreement at least " + percent(min)));
            budget.maxPsi().ifPresent(max -> kept.add("PSI at most " + number(max)));
            why = "within the job's budgets (" + String.join(", ", kept) + ") on every output compared.";
        } else {
            kind = "none";
            answer = "not judged";
            double worst = worstPsi(c);
            why = "the job sets no budget.min-agreement or budget.max-psi." + (Double.isNaN(worst) ? ""
                    : " Its largest PSI, " + number(worst) + ", is " + psiReading(worst) + " by the usual reading.");
        }
        html.append("<p class=\"verdict ").append(kind).append("\"><strong>Safe to promote ")
                .append(escape(c.binding())).append("? ").append(escape(answer.substring(0, 1).toUpperCase(Locale.ROOT)
                        + answer.substring(1))).append("</strong>: ").append(escape(why)).append("</p>");
    }

    private static double worstPsi(ComparisonSummary c) {
        double worst = Double.NaN;
        for (ComparisonSummary.Labels l : c.labels()) {
            worst = l.psi() == null ? worst : Double.isNaN(worst) ? l.psi() : Math.max(worst, l.psi());
        }
        for (ComparisonSummary.Scores s : c.scores()) {
            worst = s.psi() == null ? worst : Double.isNaN(worst) ? s.psi() : Math.max(worst, s.psi());
        }
        return worst;
    }

    static String psiReading(double psi) {
        return psi < PSI_STABLE ? "stable (below 0.1)" : psi <= PSI_MAJOR ? "a moderate shift (0.1 to 0.25)"
                : "a major shift (above 0.25)";
    }

    private void labelTable(ComparisonSummary c) {
        if (c.labels().isEmpty()) {
            return;
        }
        table("Label outputs: how often " + c.binding() + " gives the champion's label",
                List.of("output", "rows", "agreement", "rows that differ", "PSI of the label shares", "classes"), "tnnnnn",
                c.labels().stream().map(l -> List.of(code(l.output()), escape(count(l.rows())),
                        escape(percentOrDash(l.agreement())), escape(l.agreement() == null ? "–"
                                : count(Math.round(l.rows() * (1 - l.agreement())))), escape(numberOrDash(l.psi())),
                        escape(count(l.classes().size()) + (l.truncated() ? " (over 1,000 labels: the rest pooled)"
                                : "")))).toList());
    }

    private void scoreTable(ComparisonSummary c) {
        if (c.scores().isEmpty()) {
            return;
        }
        table("Numeric outputs: " + c.binding() + "'s value against the champion's, in the output's units",
                List.of("output", "rows", "mean |difference|", "p99 |difference|", "Pearson", "PSI",
                        "mean: champion → " + c.binding()), "tnnnnnn",
                c.scores().stream().map(s -> List.of(code(s.output()), escape(count(s.rows())),
                        escape(numberOrDash(s.meanAbsDiff())), escape(numberOrDash(s.p99AbsDiff())),
                        escape(numberOrDash(s.pearson())), escape(numberOrDash(s.psi())),
                        escape(numberOrDash(s.meanChampion()) + " → " + numberOrDash(s.meanOther())
                                + (s.exact() ? "" : " (percentiles within 0.1 %)")))).toList());
    }

    private void budgetTable(ComparisonSummary c) {
        List<List<String>> rows = new ArrayList<>();
        for (ComparisonSummary.Labels l : c.labels()) {
            rows.add(budgetRow("budget.min-agreement", "agreement on " + l.output(), budget.minAgreement(),
                    percentOrDash(l.agreement()), l.agreement() == null, budget.agreementBreach(c, l) != null, true));
            rows.add(budgetRow("budget.max-psi", "PSI of the labels of " + l.output(), budget.maxPsi(),
                    numberOrDash(l.psi()), l.psi() == null, budget.psiBreach(c, l) != null, false));
        }
        for (ComparisonSummary.Scores s : c.scores()) {
            rows.add(budgetRow("budget.max-psi", "PSI of the scores of " + s.output(), budget.maxPsi(),
                    numberOrDash(s.psi()), s.psi() == null, budget.psiBreach(c, s) != null, false));
        }
        table("Budgets on this comparison (the job's budget.on-breach decides whether a breach fails the run)",
                List.of("budget", "figure", "limit", "value", "verdict"), "ttnnt", rows);
    }

    private static List<String> budgetRow(String key, String figure, OptionalDouble limit, String value,
                                          boolean missing, boolean breached, boolean percentLimit) {
        String verdict = limit.isEmpty() ? "<span class=\"muted\">not set</span>"
                : missing ? "<span class=\"muted\">no figure</span>"
                : breached ? "<span class=\"breached\">breached</span>" : "<span class=\"kept\">kept</span>";
        String shown = limit.isEmpty() ? "–" : (percentLimit ? "at least " + percent(limit.getAsDouble())
                : "at most " + number(limit.getAsDouble()));
        return List.of(code(key), escape(figure), escape(shown), escape(value), verdict);
    }

    private void confusion(ComparisonSummary c, ComparisonSummary.Labels l) {
        if (l.classes().isEmpty()) {
            return;
        }
        List<List<String>> tooltips = new ArrayList<>();
        for (int r = 0; r < l.classes().size(); r++) {
            List<String> row = new ArrayList<>();
            for (int k = 0; k < l.classes().size(); k++) {
                long n = l.confusion().get(r).get(k);
                row.add("champion " + l.classes().get(r) + ", " + c.binding() + " " + l.classes().get(k) + ": "
                        + rows(n) + share(n, l.rows()));
            }
            tooltips.add(row);
        }
        String title = l.output() + ": champion (rows) against " + c.binding() + " (columns)";
        String desc = "Confusion matrix of " + l.output() + " between the champion (rows) and " + c.binding()
                + " (columns) over " + count(l.rows()) + " rows, " + l.classes().size() + " classes"
                + (l.classes().size() > 20 ? " (the 20 with the most rows, the rest pooled)" : "")
                + "; agreement " + percentOrDash(l.agreement()) + ".";
        figure(title, ReportSvg.heatmap(new Frame(chartId("confusion"), title, desc, l.output() + " from " + c.binding(),
                l.output() + " from the champion"), l.classes(), l.classes(), l.confusion(), tooltips), desc);
    }

    private void distributions(ComparisonSummary c, ComparisonSummary.Scores s) {
        String title = s.output() + ": both models' distributions";
        if (s.histogram().isEmpty()) {
            figureNote(title, s.rows() == 0 ? "no rows were compared."
                    : "this run's manifest has no histograms (runs made before coldpath kept them).");
            return;
        }
        double[][] bins = s.histogram().stream().map(b -> new double[] {b.lower(), b.upper(), b.champion(),
            b.other()}).toArray(double[][]::new);
        String desc = "Histogram of " + s.output() + " for the champion and for " + c.binding() + " over the same "
                + count(s.rows()) + " rows, " + bins.length + " bins from " + number(bins[0][0]) + " to "
                + number(bins[bins.length - 1][1]) + "; means " + numberOrDash(s.meanChampion()) + " and "
                + numberOrDash(s.meanOther()) + ", PSI " + numberOrDash(s.psi()) + ".";
        overlaidFigure("scores", title, desc, s.output(), bins, "champion", c.binding());
    }

    /** Two distributions over the same bins, each bin {lower, upper, first's count, second's count}. */
    private void overlaidFigure(String kind, String title, String desc, String xLabel, double[][] bins, String first,
                                String second) {
        double x0 = bins[0][0];
        double x1 = bins[bins.length - 1][1];
        boolean point = !(x1 > x0);
        List<PairBar> bars = new ArrayList<>();
        for (double[] b : bins) {
            String range = point ? number(b[0]) : number(b[0]) + " to " + number(b[1]);
            bars.add(new PairBar(point ? 0 : b[0], point ? 1 : b[1], b[2], b[3],
                    first + ", " + range + ": " + rows((long) b[2]), second + ", " + range + ": " + rows((long) b[3])));
        }
        figure(title, ReportSvg.overlaid(new Frame(chartId(kind), title, desc, xLabel, "rows"), point ? 0 : x0,
                point ? 1 : x1, bars, point ? List.of(new Tick(0.5, number(x0))) : ticks(x0, x1), first, second), desc);
    }

    private void differences(ComparisonSummary c, ComparisonSummary.Scores s) {
        String title = s.output() + ": " + c.binding() + " minus champion";
        if (s.differenceHistogram().isEmpty()) {
            figureNote(title, s.rows() == 0 ? "no rows were compared."
                    : "this run's manifest has no histograms (runs made before coldpath kept them).");
            return;
        }
        double x0 = s.differenceHistogram().get(0).lower();
        double x1 = s.differenceHistogram().get(s.differenceHistogram().size() - 1).upper();
        boolean point = !(x1 > x0);
        List<Bar> bars = new ArrayList<>();
        for (ComparisonSummary.Bin b : s.differenceHistogram()) {
            String range = point ? number(b.lower()) : signed(b.lower()) + " to " + signed(b.upper());
            bars.add(new Bar(point ? 0 : b.lower(), point ? 1 : b.upper(), b.count(), "difference " + range + ": "
                    + rows(b.count()) + share(b.count(), s.rows())));
        }
        List<Marker> markers = new ArrayList<>();
        if (!point && s.meanChampion() != null && s.meanOther() != null) {
            double mean = s.meanOther() - s.meanChampion();
            markers.add(new Marker(mean, "mean " + signed(mean), "#6a1b9a", "6 3"));
        }
        String desc = "Histogram of " + c.binding() + "'s " + s.output() + " minus the champion's, row by row, over "
                + count(s.rows()) + " rows, " + s.differenceHistogram().size() + " bins from " + signed(x0) + " to "
                + signed(x1) + "; mean |difference| " + numberOrDash(s.meanAbsDiff()) + ", p99 |difference| "
                + numberOrDash(s.p99AbsDiff()) + ".";
        figure(title, ReportSvg.bars(new Frame(chartId("differences"), title, desc, "difference in " + s.output()
                        + " (" + c.binding() + " − champion)", "rows"), point ? 0 : x0, point ? 1 : x1, bars,
                point ? List.of(new Tick(0.5, number(x0))) : ticks(x0, x1), markers), desc);
    }

    private static List<Tick> ticks(double x0, double x1) {
        double slack = 1e-9 * Math.abs(x1 - x0);
        return ReportSvg.niceTicks(x0, x1, 6).stream().filter(t -> t >= x0 - slack && t <= x1 + slack)
                .map(t -> new Tick(t, number(t))).toList();
    }

    private void disagreements(ComparisonSummary c) {
        if (c.disagreements().isEmpty()) {
            note("No row where the two models disagree.");
            return;
        }
        List<String> scoreOutputs = c.scores().stream().map(ComparisonSummary.Scores::output).toList();
        List<List<String>> rows = new ArrayList<>();
        for (ComparisonSummary.Disagreement d : c.disagreements()) {
            rows.add(List.of(code(d.key()), escape(values(d.champion(), scoreOutputs)),
                    escape(values(d.other(), scoreOutputs)), escape(count(d.labelsDiffer())),
                    escape(number(d.maxAbsDiff()))));
        }
        table("The " + c.disagreements().size() + " rows that disagree most (most labels differing, then the largest"
                        + " difference of a numeric output), by key",
                List.of("key", "champion", c.binding(), "labels that differ", "largest |difference|"), "tttnn", rows);
    }

    private static String values(Map<String, String> values, List<String> scoreOutputs) {
        return values.entrySet().stream().map(e -> e.getKey() + " " + (scoreOutputs.contains(e.getKey())
                ? formatted(e.getValue()) : e.getValue())).collect(Collectors.joining(", "));
    }

    private static String formatted(String score) {
        try {
            return number(Double.parseDouble(score));
        } catch (NumberFormatException | NullPointerException e) {
            return String.valueOf(score);
        }
    }

    void drift() {
        html.append("<h2 id=\"drift\">Drift against the previous run</h2>");
        RunDrift d = m.drift();
        if (d == null) {
            note("This run records no drift: it is the table's first run (or the first of its period), or was made"
                    + " before coldpath measured drift.");
            return;
        }
        html.append("<p>The published predictions of this run against those of the table's previous run <code>")
                .append(escape(d.previousRun())).append("</code> (<code>").append(escape(d.previousPath()))
                .append("</code>): ").append(escape(count(d.rows()))).append(" rows of this run against ")
                .append(escape(count(d.previousRows()))).append(" of the previous one (each run's first ")
                .append(escape(count(d.sampleLimit()))).append(" rows at most). Rows are not paired: the runs may"
                        + " score different rows.</p>");
        List<String> breaches = budget.breaches(d);
        String kind;
        String text;
        double worst = d.outputs().stream().filter(o -> o.psi() != null).mapToDouble(RunDrift.Output::psi).max()
                .orElse(Double.NaN);
        if (!breaches.isEmpty()) {
            kind = "bad";
            text = "<strong>Within budget? No</strong>: " + escape(String.join("; ", breaches) + ".");
        } else if (budget.maxDriftPsi().isPresent()) {
            kind = "ok";
            text = "<strong>Within budget? Yes</strong>: every output's PSI is at most budget.max-drift-psi "
                    + escape(number(budget.maxDriftPsi().getAsDouble())) + ".";
        } else {
            kind = "none";
            text = "<strong>Within budget? Not judged</strong>: the job sets no budget.max-drift-psi."
                    + (Double.isNaN(worst) ? "" : escape(" The largest PSI, " + number(worst) + ", is "
                    + psiReading(worst) + " by the usual reading."));
        }
        html.append("<p class=\"verdict ").append(kind).append("\">").append(text).append("</p>");
        if (d.outputs().isEmpty()) {
            note("The two runs publish no output in common.");
            return;
        }
        table("Each published output against the previous run", List.of("output", "kind", "PSI",
                "mean: previous → this run", "largest change of a class's share"), "ttnnn", d.outputs().stream()
                .map(o -> List.of(code(o.output()), escape(o.kind()), escape(numberOrDash(o.psi())),
                        escape(o.mean() == null && o.meanPrevious() == null ? "–"
                                : numberOrDash(o.meanPrevious()) + " → " + numberOrDash(o.mean())),
                        escape(o.shareChange().isEmpty() ? "–" : o.shareChange().entrySet().iterator().next()
                                .getKey() + ": " + points(o.shareChange().entrySet().iterator().next().getValue()))))
                .toList());
        if (d.outputs().stream().anyMatch(o -> !o.histogram().isEmpty())) {
            html.append("<div class=\"charts\">");
            d.outputs().stream().filter(o -> !o.histogram().isEmpty()).forEach(this::driftDistributions);
            html.append("</div>");
        }
        for (RunDrift.Output o : d.outputs()) {
            if (!o.shareChange().isEmpty()) {
                table("Change of each class's share of " + o.output() + " (this run's minus the previous run's,"
                                + " largest first)", List.of("class", "change"), "tn",
                        o.shareChange().entrySet().stream().map(e -> List.of(code(e.getKey()),
                                escape(points(e.getValue())))).toList());
            }
        }
    }

    /**
     * A table whose first column heads each row; cells are already-escaped HTML.
     *
     * @param numbers per column, {@code n} for a number (right-aligned) or {@code t} for text
     */
    private void driftDistributions(RunDrift.Output o) {
        double[][] bins = o.histogram().stream().map(b -> new double[] {b.lower(), b.upper(), b.previous(),
            b.current()}).toArray(double[][]::new);
        String desc = "Histogram of the published " + o.output() + " of the previous run and of this run, "
                + bins.length + " bins from " + number(bins[0][0]) + " to " + number(bins[bins.length - 1][1])
                + "; means " + numberOrDash(o.meanPrevious()) + " and " + numberOrDash(o.mean()) + ", PSI "
                + numberOrDash(o.psi()) + ".";
        overlaidFigure("drift", o.output() + ": previous run and this run", desc, o.output(), bins, "previous run",
                "this run");
    }

    private void table(String caption, List<String> headers, String numbers, List<List<String>> rows) {
        html.append("<table class=\"figures\"><caption>").append(escape(caption)).append("</caption><thead><tr>");
        for (int i = 0; i < headers.size(); i++) {
            html.append("<th scope=\"col\"").append(numbers.charAt(i) == 'n' ? " class=\"num\"" : "").append(">")
                    .append(escape(headers.get(i))).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            html.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                String align = numbers.charAt(i) == 'n' ? " class=\"num\"" : "";
                html.append(i == 0 ? "<th scope=\"row\"" + align + ">" : "<td" + align + ">").append(row.get(i))
                        .append(i == 0 ? "</th>" : "</td>");
            }
            html.append("</tr>");
        }
        html.append("</tbody></table>");
    }

    private static String model(RunManifest.ModelRun model) {
        if (model == null) {
            return "–";
        }
        StringBuilder out = new StringBuilder("<strong>").append(escape(model.name() == null ? "–" : model.name()))
                .append("</strong>");
        if (model.version() != null && !model.version().isEmpty()) {
            out.append(" version ").append(escape(model.version()));
        }
        if (model.sha256() != null && model.sha256().length() >= 12) {
            out.append(" (sha256 <code>").append(escape(model.sha256().substring(0, 12))).append("</code>)");
        }
        if (model.binding() != null) {
            out.append(", named <code>").append(escape(model.binding())).append("</code> in the job");
        }
        return out.toString();
    }

    private void figure(String caption, String svg, String description) {
        html.append(ReportHtml.figure(caption, svg, description));
    }

    private void figureNote(String caption, String text) {
        html.append(ReportHtml.figureNote(caption, text));
    }

    private void note(String text) {
        html.append(ReportHtml.note(text));
    }

    private String chartId(String kind) {
        return kind + "-" + nextChart.getAsInt();
    }

    private static String code(String value) {
        return "<code>" + escape(value) + "</code>";
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * share);
    }

    private static String percentOrDash(Double share) {
        return share == null ? "–" : percent(share);
    }

    private static String numberOrDash(Double v) {
        return v == null ? "–" : number(v);
    }

    private static String signed(double v) {
        return v > 0 ? "+" + number(v) : v < 0 ? "−" + number(-v) : number(v);
    }

    /** A share change in percentage points: +2.11 points. */
    static String points(double change) {
        return String.format(Locale.ROOT, "%+.2f points", 100 * change);
    }

    private static String rows(long n) {
        return count(n) + (n == 1 ? " row" : " rows");
    }

    private static String share(long n, long total) {
        return total > 0 ? String.format(Locale.ROOT, " (%.2f %%)", 100.0 * n / total) : "";
    }
}
