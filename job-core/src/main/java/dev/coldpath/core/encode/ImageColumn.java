package dev.coldpath.core.encode;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.image.DecodeAhead;
import dev.coldpath.core.image.ImageDecodeException;
import dev.coldpath.core.image.ImageDecoder;
import dev.coldpath.core.image.ImagePreprocessor;
import dev.coldpath.core.image.ImageSettings;
import dev.coldpath.core.image.ImageSettings.DataType;
import dev.coldpath.core.image.RgbImage;
import dev.coldpath.core.tensor.ElementType;
import dev.coldpath.core.tensor.TensorBuffer;
import dev.coldpath.core.tensor.Values;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * A model input of shape [N, C, H, W] or [N, H, W, C] fed from a binary column of encoded images: each row's bytes are
 * decoded ({@link ImageDecoder}) and preprocessed ({@link ImagePreprocessor}) straight into the batch's buffer. A
 * row whose image cannot be used (null, empty, truncated, corrupt, of an unknown format, over {@code
 * image.max-pixels}) is rejected with the reason {@code cannot decode image: ...}.
 *
 * <p>Decode-ahead: {@link #decodeAhead} hands this encoder the next batch's image bytes, which it decodes and
 * preprocesses on a helper thread into a staging buffer of its own while the task scores the current batch; {@link
 * #encode} then copies each image's values from there when it meets the same bytes in the same order, and decodes
 * inline otherwise. At most one batch is ahead.
 *
 * <p>Immutable and serializable; the decoder and preprocessor, with their reused buffers, are built lazily on the
 * executor for the first thread that encodes with this copy (a task's: each task deserialises its own plan), and go
 * with it when the task is done. Another thread gets a pipeline of its own for each row (correct, not fast). The
 * decode-ahead's pipeline and staging buffer are a second set, used by the helper thread only.
 */
public final class ImageColumn implements RowEncoder {
    private static final long serialVersionUID = 1L;

    private final String input;
    private final String column;
    private final int ordinal;
    private final ImageSettings settings;
    private final DecodeAhead decodeAhead;
    private transient Pipeline pipeline;
    private transient Thread owner;
    private transient Ahead ahead;
    private transient long inlineNanos;
    private transient long aheadNanos;

    /**
     * @param input    the model input fed
     * @param column   the binary column of encoded images
     * @param ordinal  the column's position in the input row
     * @param settings the size, resize, channels, normalisation, layout and element type
     */
    public ImageColumn(String input, String column, int ordinal, ImageSettings settings) {
        this(input, column, ordinal, settings, DecodeAhead.AUTO);
    }

    /** As {@link #ImageColumn(String, String, int, ImageSettings)}, with the job's {@code image.decode-ahead}. */
    public ImageColumn(String input, String column, int ordinal, ImageSettings settings, DecodeAhead decodeAhead) {
        this.input = requireNonNull(input, "input is null");
        this.column = requireNonNull(column, "column is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.decodeAhead = requireNonNull(decodeAhead, "decodeAhead is null");
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal must be >= 0: " + ordinal);
        }
        this.ordinal = ordinal;
    }

    /** A decoder and a preprocessor with their buffers: one per thread. */
    private record Pipeline(ImageDecoder decoder, ImagePreprocessor preprocessor) {
    }

    /**
     * The next batch's images, decoded and preprocessed on the helper thread: {@code values} holds image {@code i}'s
     * values from {@code i × valuesPerImage}, or {@code problems[i]} says why it has none.
     */
    private static final class Ahead {
        final Pipeline pipeline;
        byte[][] images = new byte[0][];
        String[] problems = new String[0];
        Object values;
        int count;
        int next;
        long nanos;
        boolean counted;
        Future<?> done;

        Ahead(Pipeline pipeline) {
            this.pipeline = pipeline;
        }
    }

    public ImageSettings settings() {
        return settings;
    }

    /** The position of the image column in the input row. */
    public int ordinal() {
        return ordinal;
    }

    /** The job's {@code image.decode-ahead}. */
    public DecodeAhead decodeAhead() {
        return decodeAhead;
    }

    /**
     * Starts decoding and preprocessing the next batch's images on {@code helper}: {@code images[0..count)} in the
     * order {@link #encode} will meet them, null for a null value. Waits first for the batch ahead before, if any, to
     * be done (it has been encoded by then). Call from the task's thread only.
     */
    public void decodeAhead(byte[][] images, int count, Executor helper) {
        Ahead a = ahead;
        if (a == null) {
            a = new Ahead(newPipeline());
            ahead = a;
        } else {
            finish(a);
        }
        if (a.images.length < count) {
            a.images = new byte[count][];
            a.problems = new String[count];
        }
        int values = settings.valuesPerImage();
        long needed = (long) count * values;
        boolean uint8 = settings.dtype() == DataType.UINT8;
        if (a.values == null || (uint8 ? ((byte[]) a.values).length : ((float[]) a.values).length) < needed) {
            a.values = uint8 ? new byte[Math.toIntExact(needed)] : new float[Math.toIntExact(needed)];
        }
        System.arraycopy(images, 0, a.images, 0, count);
        a.count = count;
        a.next = 0;
        a.nanos = 0;
        a.counted = false;
        Ahead batch = a;
        a.done = CompletableFuture.runAsync(() -> prepare(batch, values), helper);
    }

    /** On the helper thread: every image of the batch ahead, into its staging buffer. */
    private static void prepare(Ahead a, int values) {
        long start = System.nanoTime();
        for (int i = 0; i < a.count; i++) {
            a.problems[i] = null;
            if (a.images[i] == null) {
                continue;
            }
            try {
                RgbImage image = a.pipeline.decoder().decode(a.images[i]);
                a.pipeline.preprocessor().write(image, a.values, i * values);
            } catch (ImageDecodeException e) {
                a.problems[i] = e.problem();
            }
        }
        a.nanos = System.nanoTime() - start;
    }

    /** Waits for the batch ahead to be done; false when it failed (its images are then decoded inline). */
    private static boolean finish(Ahead a) {
        if (a.done == null) {
            return false;
        }
        try {
            a.done.get();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding images ahead", e);
        } catch (ExecutionException e) {
            a.done = null;
            return false;
        }
    }

    /** Nanoseconds this encoder spent decoding and preprocessing on the encoding thread since the last call. */
    public long takeInlineNanos() {
        long n = inlineNanos;
        inlineNanos = 0;
        return n;
    }

    /** Nanoseconds the helper thread spent on the batches ahead whose images were taken since the last call. */
    public long takeAheadNanos() {
        long n = aheadNanos;
        aheadNanos = 0;
        return n;
    }

    /**
     * The position in the batch ahead of the image {@code bytes} (null for a null value) if it is the next one there,
     * else -1; the batch ahead is dropped at the first image that is not its next.
     */
    private int takeAhead(byte[] bytes) {
        Ahead a = ahead;
        if (a == null || a.done == null || a.next >= a.count) {
            return -1;
        }
        byte[] expected = a.images[a.next];
        if (bytes == null ? expected != null : expected == null || !Arrays.equals(bytes, expected)) {
            finish(a);
            a.next = a.count;
            return -1;
        }
        if (!a.counted) {
            if (!finish(a)) {
                return -1;
            }
            aheadNanos += a.nanos;
            a.counted = true;
        }
        return a.next++;
    }

    @Override
    public String input() {
        return input;
    }

    @Override
    public ElementType elementType() {
        return settings.dtype() == DataType.UINT8 ? ElementType.UINT8 : ElementType.FLOAT;
    }

    @Override
    public List<String> columns() {
        return List.of(column);
    }

    @Override
    public long[] shape() {
        return settings.shape();
    }

    @Override
    public String source() {
        return "images in column " + column + " (" + settings.describe() + ")";
    }

    @Override
    public void encode(Values row, RowTarget target, MissingValues missing) throws RowRejectedException {
        if (row.isNullAt(ordinal)) {
            takeAhead(null);
            throw new RowRejectedException(column, "cannot decode image: column '" + column + "' is null");
        }
        byte[] bytes = row.getBinary(ordinal);
        long[] dims = settings.shape();
        TensorBuffer buffer = target.buffer();
        int i = takeAhead(bytes);
        if (i >= 0) {
            Ahead a = ahead;
            if (a.problems[i] != null) {
                throw rejected(a.problems[i]);
            }
            int values = settings.valuesPerImage();
            int base = target.start(dims); // before array(): the buffer may grow for this row
            System.arraycopy(a.values, i * values, buffer.array(), base, values);
            return;
        }
        long start = System.nanoTime();
        try {
            Pipeline p = pipeline();
            RgbImage image;
            try {
                image = p.decoder().decode(bytes);
            } catch (ImageDecodeException e) {
                throw rejected(e.problem());
            }
            int base = target.start(dims);
            try {
                p.preprocessor().write(image, buffer.array(), base);
            } catch (ImageDecodeException e) {
                throw rejected(e.problem());
            }
        } finally {
            inlineNanos += System.nanoTime() - start;
        }
    }

    private RowRejectedException rejected(String problem) {
        return new RowRejectedException(column, "cannot decode image: " + problem + " (column '" + column + "')");
    }

    private Pipeline pipeline() {
        Thread current = Thread.currentThread();
        synchronized (this) {
            if (pipeline == null) {
                pipeline = newPipeline();
                owner = current;
            }
            if (owner == current) {
                return pipeline;
            }
        }
        return newPipeline();
    }

    private Pipeline newPipeline() {
        return new Pipeline(new ImageDecoder(settings.maxPixels(), settings.exifRotate()),
                new ImagePreprocessor(settings));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageColumn other && input.equals(other.input) && column.equals(other.column)
                && ordinal == other.ordinal && settings.equals(other.settings) && decodeAhead == other.decodeAhead;
    }

    @Override
    public int hashCode() {
        return Objects.hash(input, column, ordinal, settings, decodeAhead);
    }

    @Override
    public String toString() {
        return "ImageColumn[" + input + " <- " + column + " #" + ordinal + ", " + settings + ", shape "
                + Arrays.toString(shape()) + "]";
    }
}
