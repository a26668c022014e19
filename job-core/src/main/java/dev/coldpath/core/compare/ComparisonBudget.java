package dev.coldpath.core.compare;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The budgets on a run's comparisons and drift ({@code budget.min-agreement}, {@code budget.max-psi},
 * {@code budget.max-drift-psi}) and the one rule for each, so the run that enforces them and the report that shows
 * them give the same verdict in the same words. An unset budget is never breached. Stateless.
 */
public record ComparisonBudget(OptionalDouble minAgreement, OptionalDouble maxPsi, OptionalDouble maxDriftPsi) {
    public static final ComparisonBudget NONE = new ComparisonBudget(OptionalDouble.empty(), OptionalDouble.empty(),
            OptionalDouble.empty());

    public ComparisonBudget {
        requireNonNull(minAgreement, "minAgreement is null");
        requireNonNull(maxPsi, "maxPsi is null");
        requireNonNull(maxDriftPsi, "maxDriftPsi is null");
    }

    /** Whether {@code budget.min-agreement} or {@code budget.max-psi} is set. */
    public boolean judgesComparisons() {
        return minAgreement.isPresent() || maxPsi.isPresent();
    }

    /** The label output's breach of {@code budget.min-agreement}, or null. */
    public String agreementBreach(ComparisonSummary c, ComparisonSummary.Labels l) {
        if (minAgreement.isEmpty() || l.agreement() == null || l.agreement() >= minAgreement.getAsDouble()) {
            return null;
        }
        return String.format(Locale.ROOT, "%s agrees with the champion on %s in %.4f of rows, below"
                + " budget.min-agreement %s", c.binding(), l.output(), l.agreement(), minAgreement.getAsDouble());
    }

    /** The label output's breach of {@code budget.max-psi}, or null. */
    public String psiBreach(ComparisonSummary c, ComparisonSummary.Labels l) {
        return psiBreach(c, l.output(), "labels", l.psi());
    }

    /** The numeric output's breach of {@code budget.max-psi}, or null. */
    public String psiBreach(ComparisonSummary c, ComparisonSummary.Scores s) {
        return psiBreach(c, s.output(), "scores", s.psi());
    }

    private String psiBreach(ComparisonSummary c, String output, String what, Double psi) {
        if (maxPsi.isEmpty() || psi == null || !(psi > maxPsi.getAsDouble())) {
            return null;
        }
        return String.format(Locale.ROOT, "%s's %s of %s have PSI %.4f against the champion's, above budget.max-psi %s",
                c.binding(), what, output, psi, maxPsi.getAsDouble());
    }

    /** The drift output's breach of {@code budget.max-drift-psi}, or null. */
    public String driftBreach(RunDrift d, RunDrift.Output o) {
        if (maxDriftPsi.isEmpty() || o.psi() == null || !(o.psi() > maxDriftPsi.getAsDouble())) {
            return null;
        }
        return String.format(Locale.ROOT, "%s has PSI %.4f against the previous run %s, above budget.max-drift-psi %s",
                o.output(), o.psi(), d.previousRun(), maxDriftPsi.getAsDouble());
    }

    /** Every breach of the comparison's budgets, one line each: agreements, then label PSIs, then score PSIs. */
    public List<String> breaches(ComparisonSummary c) {
        List<String> out = new ArrayList<>();
        c.labels().forEach(l -> add(out, agreementBreach(c, l)));
        c.labels().forEach(l -> add(out, psiBreach(c, l)));
        c.scores().forEach(s -> add(out, psiBreach(c, s)));
        return out;
    }

    /** Every breach of {@code budget.max-drift-psi}, one line each. */
    public List<String> breaches(RunDrift d) {
        List<String> out = new ArrayList<>();
        d.outputs().forEach(o -> add(out, driftBreach(d, o)));
        return out;
    }

    private static void add(List<String> out, String breach) {
        if (breach != null) {
            out.add(breach);
        }
    }
}
