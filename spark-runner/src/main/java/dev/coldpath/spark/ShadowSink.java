package dev.coldpath.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Where a run's shadow models' rows go (kept columns, then the shadow's predictions): each task opens a writer per
 * shadow on its first row, commits it when its rows are done and aborts it when it fails. Serializable: it travels
 * to executors with the pass.
 */
@FunctionalInterface
interface ShadowSink extends Serializable {
    /** Shadow rows are only compared, not kept. */
    ShadowSink DROP = binding -> new Writer() {
        @Override
        public void write(InternalRow row) {
        }

        @Override
        public void commit() {
        }

        @Override
        public void abort() {
        }
    };

    /** This task's writer for shadow {@code binding}. */
    Writer open(String binding);

    /** A task's rows of one shadow on their way out; not thread safe. */
    interface Writer {
        /** Writes the row; it is reused after the call. */
        void write(InternalRow row);

        void commit();

        void abort();
    }
}
