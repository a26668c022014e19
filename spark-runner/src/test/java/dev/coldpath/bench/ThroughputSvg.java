package dev.coldpath.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hand-written SVG bar chart of median rows/s per variant, grouped by model, on a log scale (RAW is orders of
 * magnitude above the Spark variants), each bar labelled with its value.
 */
final class ThroughputSvg {
    private static final Map<String, String> COLORS = Map.of("raw", "#8c8c8c", "copy", "#4e79a7",
            "coldpath", "#e15759");
    private static final Map<String, String> LABELS = Map.of("raw", "RAW (ONNX Runtime alone)",
            "copy", "COPY (Spark read→write)", "coldpath", "coldpath end to end");

    private ThroughputSvg() {
    }

    @SuppressWarnings("unchecked")
    static String render(List<Map<String, Object>> summaries, BenchOptions options) {
        int width = 880;
        int height = 420;
        int left = 80;
        int right = 20;
        int top = 60;
        int bottom = 70;
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Map<String, Object> s : summaries) {
            for (double v : ((Map<String, Double>) s.get("rows_per_second")).values()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        int minExp = (int) Math.floor(Math.log10(Math.max(1, lo)));
        int maxExp = (int) Math.ceil(Math.log10(Math.max(10, hi)));
        if (maxExp == minExp) {
            maxExp++;
        }
        double plotH = height - top - bottom;
        double plotW = width - left - right;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width,
                height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">"
                + "Rows per second, median of %d rounds (log scale)</text>%n", left, options.rounds()));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"40\" fill=\"#555\">%,d rows × %d float columns,"
                + " %d Parquet files, Spark local[2], batch %d, 1 intra-op thread per task</text>%n", left,
                options.rows(), options.features(), options.files(), options.batchSize()));
        for (int e = minExp; e <= maxExp; e++) {
            double y = top + plotH - plotH * (e - minExp) / (maxExp - minExp);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n", left, width - right,
                    y, y, left - 6, y + 4, humanRate(Math.pow(10, e))));
        }
        int groups = summaries.size();
        double groupW = plotW / Math.max(1, groups);
        for (int g = 0; g < groups; g++) {
            Map<String, Object> s = summaries.get(g);
            Map<String, Double> rates = (Map<String, Double>) s.get("rows_per_second");
            List<String> variants = rates.keySet().stream().toList();
            double barW = Math.min(70, groupW * 0.7 / Math.max(1, variants.size()));
            double x0 = left + g * groupW + (groupW - barW * variants.size()) / 2;
            for (int i = 0; i < variants.size(); i++) {
                String v = variants.get(i);
                double rate = rates.get(v);
                double h = plotH * (Math.log10(Math.max(rate, Math.pow(10, minExp))) - minExp) / (maxExp - minExp);
                double x = x0 + i * barW;
                double y = top + plotH - h;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                        + " fill=\"%s\"/>%n", x + 2, y, barW - 4, h, COLORS.getOrDefault(v, "#999")));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
                        + " font-size=\"11\">%s</text>%n", x + barW / 2, y - 4, humanRate(rate)));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
                    + " font-weight=\"bold\">%s</text>%n", left + g * groupW + groupW / 2, top + plotH + 18,
                    s.get("model")));
            if (s.containsKey("coldpath_over_copy")) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\""
                        + " fill=\"#555\" font-size=\"11\">time: coldpath / COPY %.2f, coldpath / (COPY + RAW)"
                        + " %.2f</text>%n", left + g * groupW + groupW / 2, top + plotH + 34,
                        (Double) s.get("coldpath_over_copy"),
                        (Double) s.getOrDefault("coldpath_over_copy_plus_raw", Double.NaN)));
            }
        }
        double lx = left;
        for (String v : List.of("raw", "copy", "coldpath")) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%d\">%s</text>%n", lx, height - 22, COLORS.get(v), lx + 16, height - 12,
                    LABELS.get(v)));
            lx += 210;
        }
        return svg.append("</svg>\n").toString();
    }

    static String humanRate(double rate) {
        if (rate >= 1e6) {
            return String.format(Locale.ROOT, "%.1f M", rate / 1e6);
        }
        if (rate >= 1e3) {
            return String.format(Locale.ROOT, "%.0f k", rate / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", rate);
    }
}
