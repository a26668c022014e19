package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a job key's text becomes a typed value: the parser, the rule every value meets (named in errors as
 * {@code Invalid KEY: VALUE (RULE)}), what the docs call the values, and how a value is shown in manifests,
 * reports and logs. A parser signals a value that breaks the rule by throwing {@link IllegalArgumentException}
 * or any other unchecked exception, or by returning null; a {@link JobSpecException} it throws is passed on
 * as it is. Stateless and thread safe.
 *
 * @param values what the docs and {@code --help} say the key takes
 * @param rule   what an error says a value must be, after "must be"
 */
public record KeyType<T>(String values, String rule, boolean listValued, Function<String, T> parser,
                         Function<T, Object> shown) {
    /** Any text, as written. */
    public static final KeyType<String> TEXT = new KeyType<>("text", "text", false, t -> t, t -> t);
    /** A list of names: a YAML list, or comma-separated text, optionally in brackets ({@code [a, b]}). */
    public static final KeyType<List<String>> NAMES = new KeyType<>("list of names", "a list of names", true,
            KeyType::splitNames, l -> l);
    /** {@code true} or {@code false}, in any case. */
    public static final KeyType<Boolean> BOOLEAN = new KeyType<>("true or false", "true or false", false, t ->
            switch (t.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> null;
            }, b -> b);
    /** A positive duration: 90s, 30m, 2h, 1d, or ISO-8601 (PT1H30M). */
    public static final KeyType<Duration> DURATION = new KeyType<>("duration: 90s, 30m, 2h, 1d or PT1H30M",
            "a positive duration such as 90s, 30m, 2h or PT1H30M", false, KeyType::duration, Duration::toString);
    /** An Iceberg table's name, {@code <catalog>.<namespace>.<table>}. */
    public static final KeyType<String> TABLE_NAME = new KeyType<>("<catalog>.<namespace>.<table>", "a table name"
            + " <catalog>.<namespace>.<table> of letters, digits and '_'", false, IcebergOutput::checkTable, t -> t);
    /** A calendar date, YYYY-MM-DD. */
    public static final KeyType<LocalDate> DATE = new KeyType<>("date YYYY-MM-DD", "YYYY-MM-DD", false,
            t -> LocalDate.parse(t.strip()), LocalDate::toString);
    /** An hour of the day. */
    public static final KeyType<Integer> HOUR = new KeyType<>("hour 0-23", "0 to 23", false,
            t -> inRange(Integer.parseInt(t.strip()), 0, 23), h -> h);

    public KeyType {
        requireNonNull(values, "values is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(parser, "parser is null");
        requireNonNull(shown, "shown is null");
    }

    /** A whole number of at least {@code min}. */
    public static KeyType<Integer> integer(int min) {
        return new KeyType<>("integer >= " + min, "an integer >= " + min, false,
                t -> inRange(Integer.parseInt(t.strip()), min, Integer.MAX_VALUE), i -> i);
    }

    /** A whole number of at least {@code min}, as a long. */
    public static KeyType<Long> whole(long min) {
        return new KeyType<>("integer >= " + min, "an integer >= " + min, false, t -> {
            long v = Long.parseLong(t.strip());
            return v >= min ? v : null;
        }, l -> l);
    }

    /**
     * A size in bytes of at least {@code min}: a whole number of bytes, or one with a binary unit as Spark's size
     * settings take it ({@code 64k}, {@code 512m}, {@code 2g}, {@code 1t}; {@code kb}, {@code mb}, ... too).
     */
    public static KeyType<Long> bytes(long min) {
        return new KeyType<>("size in bytes: an integer, or 512m, 2g", "a size >= " + min + " bytes, as 536870912,"
                + " 512m or 2g", false, t -> {
                    long v = byteSize(t);
                    return v >= min ? v : null;
                }, l -> l);
    }

    /** A whole number of at least {@code min}, or the word {@code auto}, read as {@code auto}. */
    public static KeyType<Integer> integerOrAuto(int min, int auto) {
        return new KeyType<>("auto, or an integer >= " + min, "an integer >= " + min, false,
                t -> t.strip().equalsIgnoreCase("auto") ? auto : inRange(Integer.parseInt(t.strip()), min,
                        Integer.MAX_VALUE), i -> i == auto ? "auto" : i);
    }

    /** Any number. */
    public static KeyType<Double> number() {
        return new KeyType<>("number", "a number", false, t -> finite(Double.parseDouble(t.strip())), d -> d);
    }

    /** A number greater than 0. */
    public static KeyType<Double> positiveNumber() {
        return new KeyType<>("number > 0", "a number from above 0", false, t -> {
            double v = finite(Double.parseDouble(t.strip()));
            return v > 0 ? v : null;
        }, d -> d);
    }

    /** A number from {@code min} to {@code max}, both included. */
    public static KeyType<Double> number(double min, double max) {
        return new KeyType<>("number from " + min + " to " + max, "a number from " + min + " to " + max, false,
                t -> {
                    double v = Double.parseDouble(t.strip());
                    return v >= min && v <= max ? v : null;
                }, d -> d);
    }

    /** A number, written as a decimal or a fraction ({@code 1/255}). */
    public static KeyType<Double> numberOrFraction() {
        return new KeyType<>("number or fraction such as 1/255", "a number or a fraction such as 1/255", false,
                KeyType::fraction, d -> d);
    }

    /**
     * A list of {@code min} to {@code max} numbers (each may be a fraction), as a YAML list or {@code [a, b]}; when
     * {@code positiveIntegers}, whole numbers > 0.
     */
    public static KeyType<List<Double>> numbers(int min, int max, boolean positiveIntegers) {
        String what = (positiveIntegers ? "integers > 0" : "numbers");
        String count = min == max ? String.valueOf(min) : min + " to " + max;
        return new KeyType<>("list of " + count + " " + what, "a list of " + count + " " + what, true, t -> {
            List<Double> values = splitNames(t).stream().map(KeyType::fraction).toList();
            boolean ok = values.size() >= min && values.size() <= max && values.stream().allMatch(v -> v != null
                    && (!positiveIntegers || v > 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE));
            return ok ? values : null;
        }, l -> l);
    }

    private static Double fraction(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        double v = slash < 0 ? Double.parseDouble(t)
                : Double.parseDouble(t.substring(0, slash).strip()) / Double.parseDouble(t.substring(slash + 1).strip());
        return finite(v);
    }

    /** One of an enum's constants, written as their {@code toString} (any case; '-' and '_' alike). */
    public static <E extends Enum<E>> KeyType<E> oneOf(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(e -> e.toString().toLowerCase(Locale.ROOT))
                .toList();
        return new KeyType<>("one of " + String.join(", ", names), "one of " + names, false,
                t -> Enum.valueOf(type, t.strip().toUpperCase(Locale.ROOT).replace('-', '_')), E::toString);
    }

    /** One of two words, read as false for the first and true for the second. */
    public static KeyType<Boolean> either(String no, String yes) {
        return new KeyType<>("one of " + no + ", " + yes, "one of [" + no + ", " + yes + "]", false, t -> {
            String s = t.strip();
            return s.equals(yes) ? Boolean.TRUE : s.equals(no) ? Boolean.FALSE : null;
        }, b -> b ? yes : no);
    }

    /**
     * Parses a key's raw value: a string, or a list of strings for a list-valued type.
     *
     * @throws JobSpecException naming the key, the value and the rule when the value breaks the rule
     */
    public T parse(String key, Object raw) {
        if (this == NAMES) {
            @SuppressWarnings("unchecked")
            T list = raw instanceof List<?> l ? (T) List.copyOf((List<String>) l) : parser.apply((String) raw);
            return list;
        }
        if (raw instanceof List<?> list) {
            if (!listValued) {
                throw new JobSpecException("Invalid " + key + ": " + list + " (must be a single value)");
            }
            raw = list.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
        }
        String text = (String) raw;
        T value;
        try {
            value = parser.apply(text);
        } catch (JobSpecException e) {
            throw e;
        } catch (RuntimeException e) { // NumberFormatException, DateTimeParseException, a short duration's index
            value = null;
        }
        if (value == null) {
            throw new JobSpecException("Invalid " + key + ": " + text + " (must be " + rule + ")");
        }
        return value;
    }

    /** How {@code value} appears in a manifest, a report or a log. */
    Object show(T value) {
        return shown.apply(value);
    }

    private static Integer inRange(int value, int min, int max) {
        return value >= min && value <= max ? value : null;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Splits {@code a,b}, {@code [a, b]} and {@code []}; names are stripped. */
    static List<String> splitNames(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isBlank()) {
            return List.of();
        }
        return Arrays.stream(t.split(",")).map(String::strip).toList();
    }

    /** Parses 2048, 64k, 512m, 2g, 1t (or 64kb, 512mb, ...: powers of 1024, as Spark's byte strings). */
    private static long byteSize(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        String digits = t.replaceFirst("[kmgtp]?b?$", "");
        String unit = t.substring(digits.length()).replace("b", "");
        int shift = unit.isEmpty() ? 0 : 10 * ("kmgtp".indexOf(unit.charAt(0)) + 1);
        long n = Long.parseLong(digits.strip());
        if (n < 0 || Long.numberOfLeadingZeros(n) <= shift) { // negative, or over Long.MAX_VALUE
            throw new IllegalArgumentException("out of range: " + text);
        }
        return n << shift;
    }

    /**
     * {@code d} as a user writes a duration key: in the largest of days, hours, minutes and seconds it is a whole
     * number of ({@code 8s}, {@code 90m}, {@code 2h}), else in ISO-8601 ({@code PT0.5S}).
     */
    public static String durationText(Duration d) {
        if (d.getNano() != 0 || d.isNegative()) {
            return d.toString();
        }
        long s = d.getSeconds();
        return s % 86_400 == 0 && s > 0 ? s / 86_400 + "d" : s % 3_600 == 0 && s > 0 ? s / 3_600 + "h"
                : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }

    /** Parses 90s, 30m, 2h, 1d or an ISO-8601 duration (PT1H30M); null unless positive. */
    private static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        if (t.startsWith("p")) {
            d = Duration.parse(t.toUpperCase(Locale.ROOT));
        } else {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> null;
            };
        }
        return d != null && !d.isNegative() && !d.isZero() ? d : null;
    }
}
