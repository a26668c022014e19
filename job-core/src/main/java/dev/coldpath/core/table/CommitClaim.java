package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

/**
 * The claim a commit makes on its run directory before it touches it ({@code _commits/model_version=V/run_id=R/},
 * numbered by {@link ClaimSequence}): which run commits, when that run started and when it claimed. Of two
 * commits of one run directory, the one that loses the claim sees the winner's and fails instead of mixing its
 * files with the winner's.
 *
 * @param startedAt when the committing run started (its manifest's {@code started_at})
 * @param claimedAt when it claimed the directory, just before it committed
 * @param staging   its staging directory
 */
record CommitClaim(String runId, String modelVersion, String startedAt, String claimedAt, String staging) {
    CommitClaim {
        requireNonNull(runId, "runId is null");
        requireNonNull(modelVersion, "modelVersion is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(claimedAt, "claimedAt is null");
    }
}
