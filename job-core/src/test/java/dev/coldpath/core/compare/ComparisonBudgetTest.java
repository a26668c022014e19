package dev.coldpath.core.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The comparison and drift budgets' rules: strict limits, unset budgets never breached, the run's wording. */
class ComparisonBudgetTest {
    private static final ComparisonSummary C = new ComparisonSummary("v2", 100,
            List.of(new ComparisonSummary.Labels("label", 100, 0.95, List.of("0", "1"),
                    List.of(List.of(40L, 3L), List.of(2L, 55L)), 0.02, false)),
            List.of(new ComparisonSummary.Scores("p", 100, 0.03, 0.3, 0.98, 0.3, 0.5, 0.51, true)), List.of());
    private static final RunDrift D = new RunDrift("r1", "run=r1@1", 100, 100, RunDrift.SAMPLE_ROWS,
            List.of(new RunDrift.Output("p", "score", 0.08, Map.of(), 0.6, 0.55)));

    private static ComparisonBudget budget(Double minAgreement, Double maxPsi, Double maxDriftPsi) {
        return new ComparisonBudget(of(minAgreement), of(maxPsi), of(maxDriftPsi));
    }

    private static OptionalDouble of(Double v) {
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    @Test
    void limitsAreStrictAndEachBreachIsOneLineInTheRunsWords() {
        assertThat(budget(0.95, 0.3, 0.08).breaches(C)).isEmpty();
        assertThat(budget(0.95, 0.3, 0.08).breaches(D)).isEmpty();
        assertThat(budget(0.96, 0.01, 0.07).breaches(C)).containsExactly(
                "v2 agrees with the champion on label in 0.9500 of rows, below budget.min-agreement 0.96",
                "v2's labels of label have PSI 0.0200 against the champion's, above budget.max-psi 0.01",
                "v2's scores of p have PSI 0.3000 against the champion's, above budget.max-psi 0.01");
        assertThat(budget(null, null, 0.07).breaches(D)).containsExactly(
                "p has PSI 0.0800 against the previous run r1, above budget.max-drift-psi 0.07");
    }

    @Test
    void unsetBudgetsAndMissingFiguresAreNeverBreached() {
        assertThat(ComparisonBudget.NONE.breaches(C)).isEmpty();
        assertThat(ComparisonBudget.NONE.breaches(D)).isEmpty();
        assertThat(ComparisonBudget.NONE.judgesComparisons()).isFalse();
        assertThat(budget(null, 0.1, null).judgesComparisons()).isTrue();
        ComparisonSummary empty = new ComparisonSummary("v2", 0,
                List.of(new ComparisonSummary.Labels("label", 0, null, List.of(), List.of(), null, false)),
                List.of(new ComparisonSummary.Scores("p", 0, null, null, null, null, null, null, true)), List.of());
        assertThat(budget(1.0, 0.0, 0.0).breaches(empty)).isEmpty();
    }
}
