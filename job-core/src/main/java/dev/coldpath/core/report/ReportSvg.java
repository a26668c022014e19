package dev.coldpath.core.report;

import static dev.coldpath.core.report.ReportHtml.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the report's charts as inline SVG: bars over a numeric x range (histograms, class counts), two
 * series of bars overlaid (two models' scores), a heatmap (a confusion matrix) and a line (throughput). Each chart carries a {@code <title>} and {@code <desc>} for screen readers, and a
 * {@code <title>} per bar for its exact value. Every text is escaped; ids come from {@link Frame#id}.
 */
final class ReportSvg {
    static final int WIDTH = 560;
    static final int HEIGHT = 280;
    private static final int LEFT = 66;
    private static final int RIGHT = 18;
    private static final int TOP = 54;
    private static final int BOTTOM = 50;
    static final String BAR_FILL = "#4c78a8";
    /** The second series' colour (the model compared with the champion). */
    static final String OTHER_FILL = "#e8772e";
    private static final String INK = "#222";
    private static final String MUTED = "#666";
    private static final String GRID = "#e3e3e3";

    /** A chart's identity and labels; {@code id} must be unique in the document and made of [a-z0-9-]. */
    record Frame(String id, String title, String description, String xLabel, String yLabel) {
        Frame {
            if (!id.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("chart id must be [a-z0-9-]+: " + id);
            }
        }
    }

    /** A bar from x {@code from} to {@code to}, {@code value} high; {@code tooltip} is its accessible text. */
    record Bar(double from, double to, double value, String tooltip) {
    }

    /** A labelled position on the x axis. */
    record Tick(double at, String label) {
    }

    /** A vertical line across the plot (a percentile, a mean), with a label above the plot. */
    record Marker(double at, String label, String colour, String dash) {
    }

    private ReportSvg() {
    }

    static String bars(Frame f, double x0, double x1, List<Bar> bars, List<Tick> xTicks, List<Marker> markers) {
        double yMax = Math.max(1, bars.stream().mapToDouble(Bar::value).max().orElse(1));
        List<Double> yTicks = niceTicks(0, yMax, (int) Math.min(5, Math.ceil(yMax))); // counts: no 0.5 ticks
        yMax = Math.max(yMax, yTicks.get(yTicks.size() - 1));
        Plot p = new Plot(x0, x1 > x0 ? x1 : x0 + 1, 0, yMax);
        StringBuilder svg = open(f);
        yAxis(svg, p, yTicks);
        svg.append("<g class=\"bars\">");
        for (Bar b : bars) {
            double left = p.x(b.from());
            double right = p.x(b.to());
            double w = Math.max(1, right - left - Math.min(2, (right - left) * 0.15));
            double top = p.y(b.value());
            svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\""
                            + " height=\"%.2f\" fill=\"%s\"><title>%s</title></rect>", left, top, w,
                    p.y(0) - top, BAR_FILL, escape(b.tooltip())));
        }
        svg.append("</g>");
        xAxis(svg, p, xTicks);
        markers(svg, p, markers);
        labels(svg, f);
        return svg.append("</svg>").toString();
    }

    /** A line through (x, y) points in x order; a single point is drawn as a dot. */
    static String line(Frame f, List<double[]> points, List<Tick> xTicks) {
        double x0 = points.isEmpty() ? 0 : points.get(0)[0];
        double x1 = points.isEmpty() ? 1 : points.get(points.size() - 1)[0];
        double yMax = Math.max(1, points.stream().mapToDouble(pt -> pt[1]).max().orElse(1));
        List<Double> yTicks = niceTicks(0, yMax, 5);
        yMax = Math.max(yMax, yTicks.get(yTicks.size() - 1));
        Plot p = new Plot(x0, x1 > x0 ? x1 : x0 + 1, 0, yMax);
        StringBuilder svg = open(f);
        yAxis(svg, p, yTicks);
        StringBuilder d = new StringBuilder();
        for (double[] pt : points) {
            d.append(d.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.2f %.2f", p.x(pt[0]),
                    p.y(pt[1])));
        }
        if (!points.isEmpty()) {
            svg.append("<path class=\"line\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(BAR_FILL)
                    .append("\" stroke-width=\"2\" stroke-linejoin=\"round\"/>");
        }
        if (points.size() <= 60) {
            svg.append("<g class=\"points\">");
            for (double[] pt : points) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\">"
                                + "<title>%s</title></circle>", p.x(pt[0]), p.y(pt[1]), BAR_FILL,
                        escape(ReportHtml.number(pt[0]) + ": " + ReportHtml.number(pt[1]))));
            }
            svg.append("</g>");
        }
        xAxis(svg, p, xTicks);
        labels(svg, f);
        return svg.append("</svg>").toString();
    }

    /** One bin of two series, {@code a} drawn first, {@code b} over it; the tooltips are the bins' accessible texts. */
    record PairBar(double from, double to, double a, double b, String tooltipA, String tooltipB) {
    }

    /** Two series of bars over the same bins, overlaid half transparent, with a legend naming them. */
    static String overlaid(Frame f, double x0, double x1, List<PairBar> bars, List<Tick> xTicks, String nameA,
                           String nameB) {
        double yMax = Math.max(1, bars.stream().mapToDouble(b -> Math.max(b.a(), b.b())).max().orElse(1));
        List<Double> yTicks = niceTicks(0, yMax, (int) Math.min(5, Math.ceil(yMax)));
        yMax = Math.max(yMax, yTicks.get(yTicks.size() - 1));
        Plot p = new Plot(x0, x1 > x0 ? x1 : x0 + 1, 0, yMax);
        StringBuilder svg = open(f);
        yAxis(svg, p, yTicks);
        for (int series = 0; series < 2; series++) {
            svg.append("<g class=\"series-").append(series == 0 ? "a" : "b").append("\">");
            for (PairBar b : bars) {
                double value = series == 0 ? b.a() : b.b();
                double left = p.x(b.from());
                double right = p.x(b.to());
                double w = Math.max(1, right - left - Math.min(2, (right - left) * 0.15));
                double top = p.y(value);
                // the first series filled, the second outlined over it, so that neither hides the other
                svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\""
                                + " height=\"%.2f\" %s><title>%s</title></rect>", left, top, w, p.y(0) - top,
                        style(series), escape(series == 0 ? b.tooltipA() : b.tooltipB())));
            }
            svg.append("</g>");
        }
        xAxis(svg, p, xTicks);
        svg.append("<g class=\"legend\">");
        int x = LEFT + 8;
        for (int series = 0; series < 2; series++) {
            String name = series == 0 ? nameA : nameB;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"18\" width=\"12\" height=\"12\" %s/>"
                    + "<text x=\"%d\" y=\"28\" fill=\"%s\">%s</text>", x, style(series), x + 16, INK, escape(name)));
            x += 16 + 7 * Math.min(40, name.length()) + 24;
        }
        svg.append("</g>");
        labels(svg, f);
        return svg.append("</svg>").toString();
    }

    /**
     * A matrix of counts as coloured cells, rows top to bottom, columns left to right, each cell's count written in
     * it and in its tooltip; the diagonal (rows and columns of the same name) is outlined. The colour grows with the
     * square root of the count, so that a few rows off the diagonal still show.
     *
     * @param tooltips per cell, its accessible text
     */
    static String heatmap(Frame f, List<String> rows, List<String> columns, List<List<Long>> counts,
                          List<List<String>> tooltips) {
        int n = Math.max(rows.size(), columns.size());
        int cell = (int) Math.max(14, Math.min(72, Math.floor(380.0 / Math.max(1, n))));
        int left = 110;
        int top = 24;
        int height = top + cell * rows.size() + 84;
        double max = counts.stream().flatMap(List::stream).mapToLong(Long::longValue).max().orElse(0);
        StringBuilder svg = open(f, WIDTH, height);
        svg.append("<g class=\"cells\">");
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                long v = counts.get(r).get(c);
                double t = max > 0 ? Math.sqrt(v / max) : 0;
                boolean diagonal = rows.get(r).equals(columns.get(c));
                int x = left + c * cell;
                int y = top + r * cell;
                svg.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\""
                                + " height=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"><title>%s</title></rect>",
                        x, y, cell, cell, blend(t), diagonal ? INK : "#fff", diagonal ? "1.5" : "1",
                        escape(tooltips.get(r).get(c))));
                if (cell >= 18) {
                    svg.append(String.format(Locale.ROOT, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\""
                                    + " text-anchor=\"middle\" font-size=\"%d\" fill=\"%s\">%d</text>", x + cell / 2.0,
                            y + cell / 2.0 + 4, cell >= 44 ? 14 : cell >= 30 ? 12 : 9, t > 0.55 ? "#fff" : INK, v));
                }
            }
        }
        svg.append("</g><g class=\"row-labels\">");
        for (int r = 0; r < rows.size(); r++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">%s"
                    + "</text>", left - 6, top + r * cell + cell / 2.0 + 4, MUTED, escape(shorten(rows.get(r)))));
        }
        svg.append("</g><g class=\"column-labels\">");
        int base = top + cell * rows.size();
        for (int c = 0; c < columns.size(); c++) {
            double x = left + c * cell + cell / 2.0;
            if (cell >= 30) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
                        + " fill=\"%s\">%s</text>", x, base + 16, MUTED, escape(shorten(columns.get(c)))));
            } else {
                svg.append(String.format(Locale.ROOT, "<text transform=\"translate(%.1f %d) rotate(-45)\""
                        + " text-anchor=\"end\" fill=\"%s\">%s</text>", x + 3, base + 10, MUTED,
                        escape(shorten(columns.get(c)))));
            }
        }
        svg.append("</g>");
        svg.append(String.format(Locale.ROOT, "<text class=\"x-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
                + " fill=\"%s\">%s</text>", left + cell * columns.size() / 2.0, height - 10, INK, escape(f.xLabel())));
        svg.append(String.format(Locale.ROOT, "<text class=\"y-label\" transform=\"translate(16 %.1f) rotate(-90)\""
                + " text-anchor=\"middle\" fill=\"%s\">%s</text>", top + cell * rows.size() / 2.0, INK,
                escape(f.yLabel())));
        return svg.append("</svg>").toString();
    }

    private static String style(int series) {
        return series == 0 ? "fill=\"" + BAR_FILL + "\" fill-opacity=\"0.55\""
                : "fill=\"" + OTHER_FILL + "\" fill-opacity=\"0.25\" stroke=\"" + OTHER_FILL + "\" stroke-width=\"1.5\"";
    }

    /** White to the bar colour: {@code t} from 0 to 1. */
    private static String blend(double t) {
        int[] to = {0x4c, 0x78, 0xa8};
        StringBuilder out = new StringBuilder("#");
        for (int channel : to) {
            out.append(String.format(Locale.ROOT, "%02x", (int) Math.round(255 + (channel - 255) * t)));
        }
        return out.toString();
    }

    private static String shorten(String s) {
        return s.length() <= 14 ? s : s.substring(0, 13) + "…";
    }

    /** Round tick values (1, 2, 2.5 or 5 × 10^k apart) covering [lo, hi], about {@code target} of them. */
    static List<Double> niceTicks(double lo, double hi, int target) {
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double raw = (hi - lo) / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        List<Double> ticks = new ArrayList<>();
        long first = (long) Math.floor(lo / step + 1e-9);
        long last = Math.max(first + 1, (long) Math.ceil(hi / step - 1e-9));
        for (long i = first; i <= last; i++) {
            ticks.add(Double.parseDouble(String.format(Locale.ROOT, "%.12g", i * step))); // 0.6, not 0.6000000000000001
        }
        return ticks;
    }

    private record Plot(double x0, double x1, double y0, double y1) {
        double x(double v) {
            return LEFT + (WIDTH - LEFT - RIGHT) * (v - x0) / (x1 - x0);
        }

        double y(double v) {
            return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (v - y0) / (y1 - y0);
        }
    }

    private static StringBuilder open(Frame f) {
        return open(f, WIDTH, HEIGHT);
    }

    private static StringBuilder open(Frame f, int width, int height) {
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(f.id())
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-labelledby=\"").append(f.id()).append("-title ").append(f.id())
                .append("-desc\" font-family=\"system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\""
                        + " font-size=\"11\">");
        svg.append("<title id=\"").append(f.id()).append("-title\">").append(escape(f.title())).append("</title>");
        svg.append("<desc id=\"").append(f.id()).append("-desc\">").append(escape(f.description())).append("</desc>");
        svg.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" fill=\"#fff\"/>");
        return svg;
    }

    private static void yAxis(StringBuilder svg, Plot p, List<Double> ticks) {
        svg.append("<g class=\"y-axis\">");
        for (double t : ticks) {
            double y = p.y(t);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"%s\"/>",
                    LEFT, y, WIDTH - RIGHT, y, GRID));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\" fill=\"%s\">%s</text>",
                    LEFT - 6, y + 4, MUTED, escape(ReportHtml.number(t))));
        }
        svg.append("</g>");
    }

    private static void xAxis(StringBuilder svg, Plot p, List<Tick> ticks) {
        int base = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<g class=\"x-axis\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                + " stroke=\"%s\"/>", LEFT, base, WIDTH - RIGHT, base, INK));
        for (Tick t : ticks) {
            double x = p.x(t.at());
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"%s\"/>",
                    x, base, x, base + 4, INK));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%s"
                    + "</text>", x, base + 16, MUTED, escape(t.label())));
        }
        svg.append("</g>");
    }

    private static void markers(StringBuilder svg, Plot p, List<Marker> markers) {
        if (markers.isEmpty()) {
            return;
        }
        svg.append("<g class=\"markers\">");
        for (int i = 0; i < markers.size(); i++) {
            Marker m = markers.get(i);
            double x = Math.max(LEFT, Math.min(WIDTH - RIGHT, p.x(m.at())));
            int labelY = 14 + 13 * i; // one row per marker, so close percentiles never overlap
            svg.append(String.format(Locale.ROOT, "<line class=\"marker\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\""
                            + " y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\"/>", x, labelY + 3, x,
                    HEIGHT - BOTTOM, m.colour(), m.dash()));
            String anchor = x > WIDTH * 0.7 ? "end" : "start";
            double tx = anchor.equals("end") ? x - 4 : x + 4;
            // a white halo keeps a label readable where another marker's line crosses it
            svg.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"%s\" fill=\"%s\""
                    + " font-weight=\"600\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">%s</text>",
                    tx, labelY + 4, anchor, m.colour(), escape(m.label())));
        }
        svg.append("</g>");
    }

    private static void labels(StringBuilder svg, Frame f) {
        svg.append(String.format(Locale.ROOT, "<text class=\"x-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\""
                + " fill=\"%s\">%s</text>", LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 10, INK, escape(f.xLabel())));
        svg.append(String.format(Locale.ROOT, "<text class=\"y-label\" transform=\"translate(16 %d) rotate(-90)\""
                + " text-anchor=\"middle\" fill=\"%s\">%s</text>", TOP + (HEIGHT - TOP - BOTTOM) / 2, INK,
                escape(f.yLabel())));
    }
}
