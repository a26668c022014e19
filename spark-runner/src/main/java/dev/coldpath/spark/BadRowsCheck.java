package dev.coldpath.spark;

import dev.coldpath.core.error.TooManyRejectedException;
import dev.coldpath.core.spec.BadRows;
import java.util.Locale;

/** Aborts a run that rejected a larger share of its rows than bad-rows.max-fraction allows. */
final class BadRowsCheck {
    private BadRowsCheck() {
    }

    static void check(BadRows badRows, long scored, long rejected) {
        long total = scored + rejected;
        if (total == 0 || rejected == 0) {
            return;
        }
        double fraction = (double) rejected / total;
        if (fraction > badRows.maxFraction()) {
            String why = badRows.policy() == BadRows.Policy.QUARANTINE
                    ? "nothing was committed, the quarantine neither (fix the input, or raise the limit: a run within"
                            + " it commits its quarantine, which shows the rows and why)"
                    : "nothing was committed (fix the input, or raise the limit; bad-rows.policy=quarantine shows"
                            + " the rows and why)";
            throw new TooManyRejectedException(String.format(Locale.ROOT, "Rejected %,d of %,d rows (%.2f%%), more"
                    + " than bad-rows.max-fraction %s allows; %s", rejected, total, fraction * 100,
                    badRows.maxFraction(), why));
        }
    }
}
