package dev.coldpath.core.report;

import static dev.coldpath.core.report.ReportHtml.escape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the report's charts as inline SVG: bars over a numeric x range (histograms, class counts) and a
 * line (throughput). Each chart carries a {@code <title>} and {@code <desc>} for screen readers, and a
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
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(f.id())
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"").append(f.id()).append("-title ").append(f.id())
                .append("-desc\" font-family=\"system-ui, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\""
                        + " font-size=\"11\">");
        svg.append("<title id=\"").append(f.id()).append("-title\">").append(escape(f.title())).append("</title>");
        svg.append("<desc id=\"").append(f.id()).append("-desc\">").append(escape(f.description())).append("</desc>");
        svg.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
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
