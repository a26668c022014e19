package dev.coldpath.connectors;

import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.connectors.ParquetSource.SkippedFile;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A job's input, listed and checked on the driver before it is read: Parquet files or image files. Driver-only. */
public interface InputSource {
    /** The input path, as the job resolved it. */
    String path();

    /** The files read, in path order. */
    List<InputFile> files();

    /** The partition directories read, relative to {@link #path}; empty when the whole input is read. */
    default List<String> partitions() {
        return List.of();
    }

    /** The files left out as unreadable ({@code input.bad-files: skip}), in path order. */
    default List<SkippedFile> skipped() {
        return List.of();
    }

    /** The rows the files read hold when that is known before reading; -1 otherwise. */
    long footerRows();

    /** The input as a DataFrame, made once. */
    Dataset<Row> read();
}
