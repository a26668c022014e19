package dev.coldpath.core.table;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.io.FileStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory of numbered files ({@code 00000000000000000042.json}), each created exclusively with
 * {@link FileStore#createExclusively}: of writers that try the same number, exactly one wins, on every store
 * coldpath supports (local disk: a hard link; HDFS: a rename that refuses an existing target; S3: a conditional
 * PUT). Claiming the number after the latest one is a compare-and-swap on the state the latest one holds: a
 * writer that loses reads the new latest claim and tries again. Claims are never rewritten; old ones are pruned.
 * Thread safe.
 */
final class ClaimSequence {
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.json");

    private final FileStore store;
    private final String directory;

    ClaimSequence(FileStore store, String directory) {
        this.store = requireNonNull(store, "store is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** One claim: its number and its file. */
    record Claim(long number, String path) {
    }

    /** Every claim, lowest number first. */
    List<Claim> list() {
        List<Claim> claims = new ArrayList<>();
        for (FileStore.Entry e : store.list(directory)) {
            Matcher m = NAME.matcher(e.name());
            if (!e.directory() && m.matches()) {
                claims.add(new Claim(Long.parseLong(m.group(1)), e.path()));
            }
        }
        claims.sort(Comparator.comparingLong(Claim::number));
        return claims;
    }

    /** The claim with the highest number, if any. */
    Optional<Claim> latest() {
        List<Claim> claims = list();
        return claims.isEmpty() ? Optional.empty() : Optional.of(claims.get(claims.size() - 1));
    }

    /** A claim's content; empty when it was pruned meanwhile. */
    Optional<byte[]> read(Claim claim) {
        return store.read(claim.path());
    }

    /** Creates claim {@code number}; false, writing nothing, when another writer has it. */
    boolean claim(long number, byte[] content) {
        return store.createExclusively(path(number), content);
    }

    /** Deletes the claims numbered below {@code number}. */
    void pruneBelow(long number, List<Claim> known) {
        for (Claim c : known) {
            if (c.number() < number) {
                store.delete(c.path());
            }
        }
    }

    private String path(long number) {
        return store.resolve(directory, String.format(Locale.ROOT, "%020d.json", number));
    }
}
