package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;


/**
 * A run's quarantine as Parquet files in a directory: each task that rejects rows writes them, whole and with their
 * reason, to a {@link TaskParquetFile} of its own, which takes its partition's name when the task's rows are done.
 */
final class ParquetQuarantine implements RejectSink {
    private final String directory;
    private final SparkInternals.ParquetFiles files;

    /** The partition whose file a writer makes, or -1 for the Spark task's own. */
    private final int partition;

    ParquetQuarantine(String directory, SparkInternals.ParquetFiles files) {
        this(directory, files, -1);
    }

    /** A quarantine whose writer makes the file of {@code partition} (the local runner's worker). */
    ParquetQuarantine(String directory, SparkInternals.ParquetFiles files, int partition) {
        this.directory = requireNonNull(directory, "directory is null");
        this.files = requireNonNull(files, "files is null");
        this.partition = partition;
    }

    @Override
    public Writer open() {
        TaskParquetFile file = partition < 0
                ? new TaskParquetFile(directory, files, "coldpath-quarantine", "quarantined rows")
                : new TaskParquetFile(directory, files, "coldpath-quarantine", "quarantined rows", partition, 0);
        return new Writer() {
            @Override
            public void write(RejectedRow row) {
                file.write(row);
            }

            @Override
            public void commit() {
                file.commit();
            }

            @Override
            public void abort() {
                file.abort();
            }
        };
    }
}
