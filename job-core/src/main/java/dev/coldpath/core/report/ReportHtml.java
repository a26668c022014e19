package dev.coldpath.core.report;

import java.util.Locale;

/**
 * Text for the run report's markup: escaping and number formats. Every string that reaches the report from a
 * manifest (paths, column names, job values, metadata) goes through {@link #escape}, so it can only ever be
 * text, never markup. The output is also well-formed XML, which lets tests parse a report.
 */
final class ReportHtml {
    private ReportHtml() {
    }

    /** A figure: an inline SVG chart, captioned and described. */
    static String figure(String caption, String svg, String description) {
        return "<figure>" + svg + "<figcaption>" + escape(caption) + ". " + escape(description)
                + "</figcaption></figure>";
    }

    /** A figure that could not be drawn, with why. */
    static String figureNote(String caption, String text) {
        return "<figure class=\"empty\"><figcaption>" + escape(caption) + ": " + escape(text)
                + "</figcaption></figure>";
    }

    /** A paragraph of secondary text. */
    static String note(String text) {
        return "<p class=\"note\">" + escape(text) + "</p>";
    }

    /** The text as HTML/XML character data or attribute value: markup characters and controls neutralised. */
    static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD'); // not allowed in XML, and never meant as text
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A count with thousands separators: 12,345. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A duration in milliseconds, with a unit a reader takes in at a glance: 0.42 ms, 12.5 ms, 3.2 s, 1 h 02 min. */
    static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "–";
        }
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        double s = ms / 1000;
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long total = Math.round(s);
        if (total < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", total / 60, total % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", total / 3600, (total % 3600) / 60);
    }

    /** A plain number, without needless digits: 3, 0.25, 1,234.5, 1.2e-05. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        if (a != 0 && (a < 1e-3 || a >= 1e9)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        String s = String.format(Locale.ROOT, a < 1 ? "%.4f" : a < 100 ? "%,.2f" : "%,.1f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** A short axis label: two significant digits (0.073, 0.16, 1.8, 19, 212), or the number if it is whole. */
    static String tick(double v) {
        if (!Double.isFinite(v) || v == Math.rint(v) || v == 0) {
            return number(v);
        }
        double a = Math.abs(v);
        int digits = Math.max(0, 1 - (int) Math.floor(Math.log10(a)));
        if (a >= 10) {
            return number(Math.round(v));
        }
        return number(new java.math.BigDecimal(v).setScale(digits, java.math.RoundingMode.HALF_UP).doubleValue());
    }

    /** A byte count in binary units: 512 B, 1.5 KiB, 34.0 MiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
