package dev.coldpath.connectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitterFactory;
import org.apache.spark.internal.io.FileNameSpec;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;
import scala.Option;

/**
 * Spark's file commit protocol with the S3A committers for s3a:// destinations, as spark-hadoop-cloud's
 * {@code PathOutputCommitProtocol} does (that module is not published for Spark 4.1.3). Spark's default commits
 * a Parquet write with {@code FileOutputCommitter}, whose task and job commits are renames, which S3 does as
 * copies, object by object; the S3A committers upload each file as a multipart upload that is completed only
 * when the job commits, so nothing is copied and a failed job leaves no file at the destination.
 *
 * <p>The committer is {@code fs.s3a.committer.name}: {@code magic} when unset or {@code file}, else
 * {@code directory} or {@code partitioned} as configured. Any other destination, and dynamic partition
 * overwrite, get Spark's default behaviour, so this class can be the session's
 * {@code spark.sql.sources.commitProtocolClass} for every write. Serializable, as Spark sends it to executors.
 */
public class S3ACommitProtocol extends SQLHadoopMapReduceCommitProtocol {
    private static final long serialVersionUID = 1L;
    /** The Spark SQL key that names the commit protocol class. */
    public static final String PROTOCOL_KEY = "spark.sql.sources.commitProtocolClass";
    /** Spark's own protocol, the default of {@link #PROTOCOL_KEY}. */
    public static final String SPARK_DEFAULT = SQLHadoopMapReduceCommitProtocol.class.getName();
    static final String COMMITTER_NAME = "fs.s3a.committer.name";
    static final String FACTORY_KEY = "mapreduce.outputcommitter.factory.scheme.s3a";
    static final String S3A_FACTORY = "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory";

    private final String destination;
    private final boolean dynamicPartitionOverwrite;
    private transient PathOutputCommitter s3aCommitter;

    public S3ACommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
        super(jobId, path, dynamicPartitionOverwrite);
        this.destination = path;
        this.dynamicPartitionOverwrite = dynamicPartitionOverwrite;
    }

    /** Whether writes to {@code path} go through an S3A committer. */
    public static boolean appliesTo(String path) {
        return "s3a".equals(new Path(path).toUri().getScheme());
    }

    @Override
    public OutputCommitter setupCommitter(TaskAttemptContext context) {
        if (dynamicPartitionOverwrite || !appliesTo(destination)) {
            return super.setupCommitter(context);
        }
        Configuration conf = context.getConfiguration();
        String name = conf.getTrimmed(COMMITTER_NAME, "");
        if (name.isEmpty() || name.equals("file")) {
            conf.set(COMMITTER_NAME, "magic");
        }
        if (conf.getTrimmed(FACTORY_KEY, "").isEmpty()) {
            conf.set(FACTORY_KEY, S3A_FACTORY);
        }
        try {
            s3aCommitter = PathOutputCommitterFactory.createCommitter(new Path(destination), context);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the S3A committer for " + destination + ": "
                    + e.getMessage(), e);
        }
        return s3aCommitter;
    }

    /** A task's file goes under the committer's work path (for the magic committer: a "__magic" path). */
    @Override
    public String newTaskTempFile(TaskAttemptContext context, Option<String> dir, FileNameSpec spec) {
        if (s3aCommitter == null) {
            return super.newTaskTempFile(context, dir, spec);
        }
        Path work;
        try {
            work = s3aCommitter.getWorkPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find the S3A committer's work path for " + destination, e);
        }
        Path parent = dir.isDefined() ? new Path(work, dir.get()) : work;
        return new Path(parent, getFilename(context, spec)).toString();
    }
}
