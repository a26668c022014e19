package dev.coldpath.core.spec;

import dev.coldpath.core.error.JobSpecException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The logical day, or hour of a day, a scheduled run scores. It fills the input path's template
 * ({@code {date}}, {@code {hour}}, {@code {year}}, {@code {month}}, {@code {day}}) and names the run by
 * default ({@code 2026-11-28}, {@code 2026-11-28T13}).
 */
public record RunPeriod(LocalDate date, OptionalInt hour) {
    private static final int MAX_RANGE = 10_000;

    public RunPeriod {
        if (hour.isPresent() && (hour.getAsInt() < 0 || hour.getAsInt() > 23)) {
            throw new JobSpecException("Invalid run.hour: " + hour.getAsInt() + " (must be 0 to 23)");
        }
    }

    public static RunPeriod of(String date, String hour) {
        LocalDate day;
        try {
            day = LocalDate.parse(date.strip());
        } catch (DateTimeParseException e) {
            throw new JobSpecException("Invalid run.date: " + date + " (must be YYYY-MM-DD)");
        }
        if (hour == null) {
            return new RunPeriod(day, OptionalInt.empty());
        }
        try {
            return new RunPeriod(day, OptionalInt.of(Integer.parseInt(hour.strip())));
        } catch (NumberFormatException e) {
            throw new JobSpecException("Invalid run.hour: " + hour + " (must be 0 to 23)");
        }
    }

    /** Parses {@code 2026-11-28} (a day) or {@code 2026-11-28T13} (an hour), as --from and --to take them. */
    public static RunPeriod parse(String text, String what) {
        String t = text.strip();
        int sep = t.indexOf('T');
        try {
            return sep < 0 ? of(t, null) : of(t.substring(0, sep), t.substring(sep + 1));
        } catch (JobSpecException e) {
            throw new JobSpecException("Invalid " + what + ": " + text + " (must be YYYY-MM-DD or YYYY-MM-DDTHH)");
        }
    }

    /** Every period from {@code from} to {@code to}, both included, by day or by hour as they are given. */
    public static List<RunPeriod> range(RunPeriod from, RunPeriod to) {
        if (from.hour.isPresent() != to.hour.isPresent()) {
            throw new JobSpecException("Invalid --from/--to: " + from.id() + " and " + to.id()
                    + " must both be days or both be hours");
        }
        if (from.start().isAfter(to.start())) {
            throw new JobSpecException("Invalid --from/--to: " + from.id() + " is after " + to.id());
        }
        List<RunPeriod> periods = new ArrayList<>();
        for (RunPeriod p = from; !p.start().isAfter(to.start()); p = p.next()) {
            if (periods.size() == MAX_RANGE) {
                throw new JobSpecException("Invalid --from/--to: more than " + MAX_RANGE + " periods");
            }
            periods.add(p);
        }
        return periods;
    }

    private LocalDateTime start() {
        return date.atTime(hour.orElse(0), 0);
    }

    private RunPeriod next() {
        if (hour.isEmpty()) {
            return new RunPeriod(date.plusDays(1), hour);
        }
        LocalDateTime n = start().plusHours(1);
        return new RunPeriod(n.toLocalDate(), OptionalInt.of(n.getHour()));
    }

    /** The default run id for this period. */
    public String id() {
        return hour.isEmpty() ? date.toString() : date + "T" + String.format(Locale.ROOT, "%02d", hour.getAsInt());
    }

    /** The template with this period's placeholders filled in. */
    public String expand(String template) {
        String out = template
                .replace("{date}", date.toString())
                .replace("{year}", String.format(Locale.ROOT, "%04d", date.getYear()))
                .replace("{month}", String.format(Locale.ROOT, "%02d", date.getMonthValue()))
                .replace("{day}", String.format(Locale.ROOT, "%02d", date.getDayOfMonth()));
        if (out.contains("{hour}")) {
            if (hour.isEmpty()) {
                throw new JobSpecException("input.path " + template + " uses {hour}: give --hour (or run.hour)");
            }
            out = out.replace("{hour}", String.format(Locale.ROOT, "%02d", hour.getAsInt()));
        }
        return out;
    }

    /** Whether a path template has placeholders that need a period. */
    public static boolean isTemplate(String path) {
        return path.matches(".*\\{(date|hour|year|month|day)}.*");
    }
}
