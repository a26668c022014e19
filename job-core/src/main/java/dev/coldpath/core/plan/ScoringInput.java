package dev.coldpath.core.plan;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.schema.RowSchema;
import java.io.Serializable;

/**
 * What a run reads.
 *
 * @param path   the input as the job names it (a file, a directory, a URI), for messages and manifests
 * @param schema the columns of the rows the executors receive
 */
public record ScoringInput(String path, RowSchema schema) implements Serializable {
    public ScoringInput {
        requireNonNull(path, "path is null");
        requireNonNull(schema, "schema is null");
    }
}
