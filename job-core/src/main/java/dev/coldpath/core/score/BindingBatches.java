package dev.coldpath.core.score;

import dev.coldpath.core.batch.Batchifier;
import dev.coldpath.core.batch.TensorBatch;
import dev.coldpath.core.decode.Prediction;
import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.RowEncoder;
import dev.coldpath.core.encode.RowRejectedException;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.plan.ScoringPlan;
import dev.coldpath.core.tensor.Columns;
import dev.coldpath.core.tensor.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The batches of a run with several models, so that each row is encoded once per distinct encoder: one
 * {@link TensorBatch} per <em>feed</em> (bindings whose encoders read the same columns into the same element types
 * and shapes, with the same batching strategy, share one, whatever their models call the inputs), every feed filled
 * with the same source rows, then each binding scored on its feed's batch ({@link #scorer}). A feed may reject a row
 * the others take (a null in a column only its models read): that row is rejected for those models only. Batches
 * hold the smallest batch size of the bindings. One per task; not thread safe.
 */
public final class BindingBatches {
    private final List<ModelBinding> bindings;
    private final List<Feed> feeds = new ArrayList<>();
    private final int[] feedOf;
    private final int capacity;
    /** The feed whose batch keeps a token budget: a text model's, else the first. */
    private final int budgetedFeed;
    /** The source rows of this fill lie from {@code first} (-1 before any) to {@code end}, exclusive. */
    private int first = -1;
    private int end;

    /** The rows of one feed's batch, the bindings it feeds, and the rows it refused. */
    public static final class Feed {
        private final TensorBatch batch;
        private final List<Integer> bindings = new ArrayList<>();
        private final Map<Integer, String> rejected = new LinkedHashMap<>();
        private final List<Encoder> encoders;

        private Feed(TensorBatch batch, List<Encoder> encoders) {
            this.batch = batch;
            this.encoders = encoders;
        }

        public TensorBatch batch() {
            return batch;
        }

        /** The bindings this feed feeds, as positions in the plan's bindings. */
        public List<Integer> bindings() {
            return List.copyOf(bindings);
        }

        /** Source rows this feed refused, with why, in the order refused. */
        public Map<Integer, String> rejected() {
            return rejected;
        }
    }

    public BindingBatches(ScoringPlan plan) {
        this.bindings = plan.bindings();
        this.capacity = bindings.stream().mapToInt(b -> b.inference().batchSize()).min().orElseThrow();
        this.feedOf = new int[bindings.size()];
        Map<List<Object>, Integer> byKey = new HashMap<>();
        for (int i = 0; i < bindings.size(); i++) {
            ModelBinding b = bindings.get(i);
            Integer feed = byKey.get(feedKey(b));
            if (feed == null) {
                feed = feeds.size();
                byKey.put(feedKey(b), feed);
                feeds.add(new Feed(new TensorBatch(b.encoders(), b.batchifier(), capacity, plan.missingValues()),
                        b.encoders()));
            }
            feeds.get(feed).bindings.add(i);
            feedOf[i] = feed;
        }
        int text = 0;
        for (int i = 0; i < bindings.size(); i++) {
            if (bindings.get(i).readsText()) {
                text = feedOf[i];
                break;
            }
        }
        this.budgetedFeed = text;
    }

    /**
     * One binding of each distinct feed of {@code plan}, in the plan's order: the bindings whose input tensors a batch
     * holds, each once (bindings that share a feed share its tensors).
     */
    public static List<ModelBinding> fedBindings(ScoringPlan plan) {
        Map<List<Object>, ModelBinding> byKey = new LinkedHashMap<>();
        for (ModelBinding b : plan.bindings()) {
            byKey.putIfAbsent(feedKey(b), b);
        }
        return List.copyOf(byKey.values());
    }

    /** What makes two bindings' tensors the same: the batching strategy, and each encoder but for its input name. */
    private static List<Object> feedKey(ModelBinding binding) {
        List<Object> key = new ArrayList<>();
        Batchifier batchifier = binding.batchifier();
        key.add(batchifier);
        for (Encoder e : binding.encoders()) {
            key.add(e instanceof RowEncoder ? e : List.of(e.getClass(), e.elementType(), e.columns(),
                    Arrays.toString(e.shape()), e.source()));
        }
        return key;
    }

    public List<Feed> feeds() {
        return List.copyOf(feeds);
    }

    /** Rows per slice: the smallest batch size of the bindings. */
    public int capacity() {
        return capacity;
    }

    public void clear() {
        for (Feed feed : feeds) {
            feed.batch.clear();
            feed.rejected.clear();
        }
        first = -1;
        end = 0;
    }

    private void took(int from, int to) {
        first = first < 0 ? from : Math.min(first, from);
        end = Math.max(end, to);
    }

    /**
     * Adds source row {@code sourceRow} as {@link #append} does, unless it would take the batch of a text model's
     * feed over its token budget ({@link TensorBatch#appendWithinBudget}): then no feed takes it, and false.
     */
    public boolean appendWithinBudget(Values row, int sourceRow) {
        Feed budgeted = feeds.get(budgetedFeed);
        try {
            if (!budgeted.batch.appendWithinBudget(row, sourceRow)) {
                return false;
            }
        } catch (RowRejectedException e) {
            budgeted.rejected.put(sourceRow, e.reason());
        }
        took(sourceRow, sourceRow + 1);
        for (Feed feed : feeds) {
            if (feed != budgeted) {
                append(feed, row, sourceRow);
            }
        }
        return true;
    }

    /** Adds source row {@code sourceRow} to every feed; a feed that cannot take it records why. */
    public void append(Values row, int sourceRow) {
        took(sourceRow, sourceRow + 1);
        for (Feed feed : feeds) {
            append(feed, row, sourceRow);
        }
    }

    private static void append(Feed feed, Values row, int sourceRow) {
        try {
            feed.batch.append(row, sourceRow);
        } catch (RowRejectedException e) {
            feed.rejected.put(sourceRow, e.reason());
        }
    }

    /**
     * Adds rows {@code from} to {@code to} of a columnar chunk to every feed, a column at a time where the feed can
     * ({@link TensorBatch#appendColumns}), else row by row from {@code rowAt}.
     */
    public void appendColumns(Columns chunk, int from, int to, IntFunction<Values> rowAt) {
        took(from, to);
        for (Feed feed : feeds) {
            if (!feed.batch.appendColumns(chunk, from, to, (r, e) -> feed.rejected.put(r, e.reason()))) {
                for (int r = from; r < to; r++) {
                    append(feed, rowAt.apply(r), r);
                }
            }
        }
    }

    /** A scorer for binding {@code binding} (its position in the plan) on its feed's batches, with its session. */
    public BatchScorer scorer(int binding, OnnxModel session) {
        ModelBinding b = bindings.get(binding);
        List<Encoder> fed = feeds.get(feedOf[binding]).encoders;
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < fed.size(); i++) {
            if (!fed.get(i).input().equals(b.encoders().get(i).input())) {
                names.put(fed.get(i).input(), b.encoders().get(i).input());
            }
        }
        return new BatchScorer(b, session, names);
    }

    /**
     * Scores every binding on its feed's batch, isolating the rows a model fails on; {@code scorers} are
     * {@link #scorer}s, one per binding, in the plan's order.
     */
    public Scored score(List<BatchScorer> scorers, RunMetrics metrics) {
        ScoredBatch[] scored = new ScoredBatch[bindings.size()];
        for (int i = 0; i < bindings.size(); i++) {
            TensorBatch batch = feeds.get(feedOf[i]).batch;
            scored[i] = batch.rows() == 0 ? null : scorers.get(i).scoreIsolatingFailures(batch, metrics);
        }
        return new Scored(scored);
    }

    /**
     * Each binding's predictions of the source rows of one fill, looked up by source row: an array lookup over the
     * range of source rows the fill took.
     */
    public final class Scored {
        private final ScoredBatch[] scored;
        /** Per feed, the batch row of each source row from {@code first}, or -1 for a row the feed refused. */
        private final int[][] rowOf;
        private final int first;

        private Scored(ScoredBatch[] scored) {
            this.scored = scored;
            this.first = Math.max(0, BindingBatches.this.first);
            this.rowOf = new int[feeds.size()][];
            for (int f = 0; f < feeds.size(); f++) {
                TensorBatch batch = feeds.get(f).batch;
                int[] rows = new int[Math.max(0, end - first)];
                Arrays.fill(rows, -1);
                for (int r = 0; r < batch.rows(); r++) {
                    rows[batch.sourceRow(r) - first] = r;
                }
                rowOf[f] = rows;
            }
        }

        /** Why binding {@code binding} has no prediction for {@code sourceRow}, or null when it has one. */
        public String rejection(int binding, int sourceRow) {
            Feed feed = feeds.get(feedOf[binding]);
            if (!feed.rejected.isEmpty()) {
                String refused = feed.rejected.get(sourceRow);
                if (refused != null) {
                    return refused;
                }
            }
            int r = batchRow(binding, sourceRow);
            if (r < 0) {
                throw new IllegalArgumentException("source row " + sourceRow + " was not appended");
            }
            return scored[binding].isRejected(r) ? scored[binding].rejection(r) : null;
        }

        /** Binding {@code binding}'s prediction columns holding {@code sourceRow}, read at {@link #index}. */
        public List<Prediction> columns(int binding, int sourceRow) {
            return scored[binding].columns(row(binding, sourceRow));
        }

        public int index(int binding, int sourceRow) {
            return scored[binding].index(row(binding, sourceRow));
        }

        /** The binding's scored batch, for metrics; null when its feed took no row. */
        public ScoredBatch of(int binding) {
            return scored[binding];
        }

        private int batchRow(int binding, int sourceRow) {
            int[] rows = rowOf[feedOf[binding]];
            int i = sourceRow - first;
            return i >= 0 && i < rows.length ? rows[i] : -1;
        }

        private int row(int binding, int sourceRow) {
            int r = batchRow(binding, sourceRow);
            if (r < 0 || scored[binding].isRejected(r)) {
                throw new IllegalArgumentException("binding " + bindings.get(binding).name() + " has no prediction"
                        + " for source row " + sourceRow);
            }
            return r;
        }
    }
}
