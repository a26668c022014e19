package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Locale;

/**
 * What a job does with rows the model cannot take (a null or NaN feature, an array of the wrong length, a row
 * the model fails on): fail the job, skip them, or skip them and write them with a reason to the run's
 * quarantine. {@code maxFraction} of all rows may be rejected before the run aborts; with {@code imputeMissing}
 * nulls and NaNs are replaced by {@code imputeValue} instead of rejecting the row.
 */
public record BadRows(Policy policy, double maxFraction, boolean imputeMissing, double imputeValue)
        implements Serializable {
    public static final double DEFAULT_MAX_FRACTION = 0.01;
    public static final BadRows FAIL = new BadRows(Policy.FAIL, DEFAULT_MAX_FRACTION, false, 0);

    /** The bad-row policies. */
    public enum Policy {
        FAIL, SKIP, QUARANTINE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public BadRows {
        requireNonNull(policy, "policy is null");
        if (!(maxFraction >= 0 && maxFraction <= 1)) {
            throw new IllegalArgumentException("maxFraction must be in [0, 1]: " + maxFraction);
        }
    }

    /** The section as {@code config} sets it ({@code bad-rows.*}), defaults applied. */
    public static BadRows from(JobConfig config) {
        return new BadRows(config.get(JobKey.BAD_ROWS_POLICY), config.get(JobKey.BAD_ROWS_MAX_FRACTION),
                config.get(JobKey.BAD_ROWS_MISSING), config.get(JobKey.BAD_ROWS_IMPUTE_VALUE));
    }

    public boolean failsOnFirst() {
        return policy == Policy.FAIL;
    }
}
