package dev.coldpath.spark;

import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetOptions;
import org.apache.spark.sql.execution.datasources.parquet.ParquetUtils;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.immutable.Map$;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * The Spark APIs coldpath uses that are not public, in one place, for the day they move: a DataFrame over an RDD of
 * internal rows without converting each row, Parquet files written from inside a task or without a session (the local
 * runner), Parquet files read into Spark's column vectors without a session, and a SQL function whose type depends on
 * its arguments. Driver-side factories;
 * what they return to tasks is serializable.
 */
final class SparkInternals {
    private SparkInternals() {
    }

    /** A DataFrame of {@code schema} over rows already in Spark's internal format. */
    static Dataset<Row> dataFrame(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
        return classic(spark).internalCreateDataFrame(rows, schema, false);
    }

    /**
     * Registers a temporary SQL function in the session whose expression {@code builder} makes from the call's
     * arguments, once they are resolved: the way to a function whose type depends on its arguments. {@code usage} is
     * what {@code DESCRIBE FUNCTION} shows, and {@code implementation} the class it names.
     */
    static void registerFunction(SparkSession spark, String name, Class<?> implementation, String usage,
                                 Function<Seq<Expression>, Expression> builder) {
        classic(spark).sessionState().functionRegistry().registerFunction(FunctionIdentifier.apply(name),
                new ExpressionInfo(implementation.getName(), null, name, usage, ""), new AbstractFunction1<>() {
                    @Override
                    public Expression apply(Seq<Expression> arguments) {
                        return builder.apply(arguments);
                    }
                });
    }

    private static org.apache.spark.sql.classic.SparkSession classic(SparkSession spark) {
        return (org.apache.spark.sql.classic.SparkSession) spark; // the API and classic sessions share a simple name
    }

    /**
     * Makes Parquet files of {@code schema} from inside tasks, with the session's Parquet settings (compression,
     * legacy format, timestamps), as Spark's own writer would: there is no public API for a task to write files
     * beside a Spark write.
     */
    static ParquetFiles parquetFiles(SparkSession spark, StructType schema) {
        try {
            Job job = Job.getInstance(classic(spark).sessionState().newHadoopConf());
            OutputWriterFactory factory = new ParquetFileFormat().prepareWrite(spark, job,
                    Map$.MODULE$.<String, String>empty(), schema);
            return new ParquetFiles(factory, new SerializableConfiguration(job.getConfiguration()), schema);
        } catch (IOException e) {
            throw new StorageException("Cannot prepare the Parquet writer of the run's files: " + e.getMessage()
                    + " (check the job's Hadoop settings, spark.hadoop.*, then retry)", e);
        }
    }

    /**
     * Makes Parquet files of {@code schema} without a SparkSession (the local runner), as Spark's writer would with
     * its default settings, and timestamps as TIMESTAMP(MICROS) when {@code microsTimestamps} (as a run table with
     * lineage columns sets them): the same write support, schema conversion, compression and metadata.
     */
    static ParquetFiles localParquetFiles(Configuration hadoop, StructType schema, boolean microsTimestamps) {
        SQLConf conf = new SQLConf();
        if (microsTimestamps) {
            conf.setConfString("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        }
        try {
            Job job = Job.getInstance(new Configuration(hadoop));
            OutputWriterFactory factory = ParquetUtils.prepareWrite(conf, job, schema,
                    new ParquetOptions(Map$.MODULE$.<String, String>empty(), conf));
            return new ParquetFiles(factory, new SerializableConfiguration(job.getConfiguration()), schema);
        } catch (IOException e) {
            throw new StorageException("Cannot prepare the Parquet writer of the run's files: " + e.getMessage()
                    + " (check the job's Hadoop settings, spark.hadoop.*, then retry)", e);
        }
    }

    /** Opens Parquet files of one schema in a task. Serializable. */
    record ParquetFiles(OutputWriterFactory factory, SerializableConfiguration conf, StructType schema)
            implements PartFiles, Serializable {
        @Override
        public Configuration configuration() {
            return conf.value();
        }

        @Override
        public OutputWriter open(String path, TaskAttemptContext context) {
            return factory.newInstance(path, schema, context);
        }
    }

    /**
     * Stops a writer of {@link ParquetFiles#open} without finishing its file: no last row group and no footer are
     * written, its stream is aborted where the file system can (an S3A upload: no object appears) and else closed,
     * and its buffers are released. Reaches into Spark 4.1's ParquetOutputWriter and parquet-hadoop 1.16's writers
     * (their private fields); where they are not as expected, the writer is closed as usual, finishing its file.
     *
     * @return whether the file was left unfinished
     */
    static boolean abandon(OutputWriter writer) {
        Object internal;
        FSDataOutputStream stream;
        try {
            internal = field(field(writer, "recordWriter"), "internalWriter"); // InternalParquetRecordWriter
            Object out = field(field(internal, "parquetFileWriter"), "out"); // HadoopPositionOutputStream
            stream = (FSDataOutputStream) field(out, "wrapped");
            Field aborted = internal.getClass().getDeclaredField("aborted");
            aborted.setAccessible(true);
            aborted.setBoolean(internal, true); // close() then only releases the writer's stores and stream
        } catch (ReflectiveOperationException | RuntimeException e) {
            writer.close();
            return false;
        }
        try {
            if (stream.hasCapability(StreamCapabilities.ABORTABLE_STREAM)) {
                stream.abort();
            }
        } finally {
            writer.close();
        }
        return true;
    }

    /** {@code owner}'s field {@code name}, declared by its class or a superclass. */
    static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // declared further up
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }
}
