package dev.coldpath.core.registry;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.Comparator;
import java.util.List;

/**
 * A Semantic Versioning 2.0.0 version ({@code 1.4.0}, {@code 2.0.0-rc.1}, {@code 1.0.0+build.7}). Ordered by
 * SemVer precedence: a pre-release is lower than its release, and build metadata is ignored, so two versions
 * that differ only in build metadata compare as 0 while not being {@code equals}.
 *
 * @param preRelease the dot-separated identifiers after '-', or "" for a release
 * @param build      the dot-separated identifiers after '+', or "" for none
 */
public record SemVer(long major, long minor, long patch, String preRelease, String build)
        implements Comparable<SemVer> {
    private static final String RULE = "must be MAJOR.MINOR.PATCH with an optional -PRERELEASE and +BUILD,"
            + " as Semantic Versioning 2.0 defines, e.g. 1.4.0 or 2.0.0-rc.1";
    private static final Comparator<SemVer> PRECEDENCE = Comparator.comparingLong(SemVer::major)
            .thenComparingLong(SemVer::minor)
            .thenComparingLong(SemVer::patch)
            .thenComparing(SemVer::preRelease, SemVer::comparePreRelease);

    public SemVer {
        requireNonNull(preRelease, "preRelease is null");
        requireNonNull(build, "build is null");
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("major, minor and patch must be >= 0: " + major + "." + minor
                    + "." + patch);
        }
        String problem = preRelease.isEmpty() ? null : identifiersProblem(preRelease, "pre-release", true);
        if (problem == null && !build.isEmpty()) {
            problem = identifiersProblem(build, "build metadata", false);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Parses a version strictly: no leading 'v', no spaces, no leading zeros, all three numbers present. */
    public static SemVer parse(String text) {
        requireNonNull(text, "version is null");
        String rest = text;
        String build = "";
        int plus = rest.indexOf('+');
        if (plus >= 0) {
            build = rest.substring(plus + 1);
            rest = rest.substring(0, plus);
            fail(text, identifiersProblem(build, "build metadata", false));
        }
        String pre = "";
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            pre = rest.substring(dash + 1);
            rest = rest.substring(0, dash);
            fail(text, identifiersProblem(pre, "pre-release", true));
        }
        String[] core = rest.split("\\.", -1);
        if (core.length != 3) {
            throw invalid(text, RULE);
        }
        long[] numbers = new long[3];
        for (int i = 0; i < 3; i++) {
            String part = core[i];
            if (part.isEmpty() || !isDigits(part)) {
                throw invalid(text, RULE);
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                throw invalid(text, "MAJOR, MINOR and PATCH must not have leading zeros");
            }
            try {
                numbers[i] = Long.parseLong(part);
            } catch (NumberFormatException e) {
                throw invalid(text, "MAJOR, MINOR and PATCH must be at most " + Long.MAX_VALUE);
            }
        }
        return new SemVer(numbers[0], numbers[1], numbers[2], pre, build);
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** This version without its build metadata. */
    public SemVer withoutBuild() {
        return new SemVer(major, minor, patch, preRelease, "");
    }

    @Override
    public int compareTo(SemVer other) {
        return PRECEDENCE.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease)
                + (build.isEmpty() ? "" : "+" + build);
    }

    /** A release ("") ranks above any pre-release; otherwise identifiers compare left to right. */
    private static int comparePreRelease(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(a.isEmpty(), b.isEmpty());
        }
        List<String> left = List.of(a.split("\\."));
        List<String> right = List.of(b.split("\\."));
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            int c = compareIdentifier(left.get(i), right.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(left.size(), right.size());
    }

    /** Numeric identifiers compare as numbers and rank below alphanumeric ones, which compare in ASCII order. */
    private static int compareIdentifier(String a, String b) {
        boolean numericA = isDigits(a);
        boolean numericB = isDigits(b);
        if (numericA && numericB) {
            // No leading zeros, so the longer number is the larger; this also handles any length.
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (numericA != numericB) {
            return numericA ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static String identifiersProblem(String identifiers, String part, boolean noLeadingZeros) {
        for (String id : identifiers.split("\\.", -1)) {
            if (id.isEmpty()) {
                return part + " identifiers must not be empty";
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-')) {
                    return part + " identifiers may contain only ASCII letters, digits and '-'";
                }
            }
            if (noLeadingZeros && id.length() > 1 && id.charAt(0) == '0' && isDigits(id)) {
                return "numeric " + part + " identifiers must not have leading zeros";
            }
        }
        return null;
    }

    private static void fail(String text, String problem) {
        if (problem != null) {
            throw invalid(text, problem);
        }
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static JobSpecException invalid(String text, String rule) {
        return new JobSpecException("Invalid version '" + text + "': " + rule);
    }
}
