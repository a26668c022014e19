package dev.coldpath.spark;

import dev.coldpath.core.compare.ComparisonBudget;
import dev.coldpath.core.compare.ComparisonSummary;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.error.BudgetBreachedException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.metrics.Stage;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.KeyType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Compares a finished run with the job's budgets. */
final class BudgetCheck {
    private BudgetCheck() {
    }

    /** The budgets the run breached, one line each; empty when it kept to all of them. */
    static List<String> breaches(Budget budget, Duration wall, RunMetrics metrics, long rows,
                                 List<ComparisonSummary> comparisons, Optional<RunDrift> drift) {
        List<String> out = new ArrayList<>();
        budget.maxWallTime().filter(max -> wall.compareTo(max) > 0).ifPresent(max -> out.add(String.format(
                Locale.ROOT, "wall time %.1f s exceeds budget.max-wall-time %s", wall.toMillis() / 1000.0,
                KeyType.durationText(max))));
        budget.p99BatchMs().ifPresent(max -> {
            double p99 = metrics.p99Millis(Stage.INFERENCE);
            if (p99 > max) {
                out.add(String.format(Locale.ROOT, "inference p99 %.2f ms per batch exceeds budget.p99-batch-ms %s",
                        p99, max));
            }
        });
        budget.minRows().ifPresent(min -> {
            if (rows < min) {
                out.add(String.format(Locale.ROOT, "%,d rows written, fewer than budget.min-rows %,d", rows, min));
            }
        });
        ComparisonBudget limits = budget.comparisons();
        comparisons.forEach(c -> out.addAll(limits.breaches(c)));
        drift.ifPresent(d -> out.addAll(limits.breaches(d)));
        return out;
    }

    /** Fails the run on a breach unless the budget only warns. */
    static void enforce(Budget budget, List<String> breaches) {
        if (!breaches.isEmpty() && !budget.warnOnly()) {
            throw new BudgetBreachedException("Budget breached: " + String.join("; ", breaches)
                    + "; nothing was committed (or set budget.on-breach: warn)");
        }
    }
}
