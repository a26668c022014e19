package dev.coldpath.spark;

import java.io.Serializable;

/**
 * Where a sink sends the rejected rows of a score pass: each task opens its own writer on its first rejected row.
 * Serializable: it travels to executors with the pass.
 */
@FunctionalInterface
interface RejectSink extends Serializable {
    /** Rejected rows are counted, not kept (bad-rows.policy: skip). */
    RejectSink DROP = () -> new Writer() {
        @Override
        public void write(RejectedRow row) {
        }

        @Override
        public void commit() {
        }

        @Override
        public void abort() {
        }
    };

    /** This task's writer. */
    Writer open();

    /** A task's rejected rows on their way out; not thread safe. */
    interface Writer {
        void write(RejectedRow row);

        /** The task's rows are all written: make them visible where the sink keeps them. */
        void commit();

        /** The task failed: remove what it wrote. */
        void abort();
    }
}
