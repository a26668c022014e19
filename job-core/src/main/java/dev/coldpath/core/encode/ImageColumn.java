package dev.coldpath.core.encode;

import static java.util.Objects.requireNonNull;

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

/**
 * A model input of shape [N, C, H, W] or [N, H, W, C] fed from a binary column of encoded images: each row's bytes are
 * decoded ({@link ImageDecoder}) and preprocessed ({@link ImagePreprocessor}) straight into the batch's buffer. A
 * row whose image cannot be used (null, empty, truncated, corrupt, of an unknown format, over {@code
 * image.max-pixels}) is rejected with the reason {@code cannot decode image: ...}.
 *
 * <p>Immutable and serializable; the decoder and preprocessor, with their reused buffers, are built lazily on the
 * executor for the first thread that encodes with this copy (a task's: each task deserialises its own plan), and go
 * with it when the task is done. Another thread gets a pipeline of its own for each row (correct, not fast).
 */
public final class ImageColumn implements RowEncoder {
    private static final long serialVersionUID = 1L;

    private final String input;
    private final String column;
    private final int ordinal;
    private final ImageSettings settings;
    private transient Pipeline pipeline;
    private transient Thread owner;

    /**
     * @param input    the model input fed
     * @param column   the binary column of encoded images
     * @param ordinal  the column's position in the input row
     * @param settings the size, resize, channels, normalisation, layout and element type
     */
    public ImageColumn(String input, String column, int ordinal, ImageSettings settings) {
        this.input = requireNonNull(input, "input is null");
        this.column = requireNonNull(column, "column is null");
        this.settings = requireNonNull(settings, "settings is null");
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal must be >= 0: " + ordinal);
        }
        this.ordinal = ordinal;
    }

    /** A decoder and a preprocessor with their buffers: one per thread. */
    private record Pipeline(ImageDecoder decoder, ImagePreprocessor preprocessor) {
    }

    public ImageSettings settings() {
        return settings;
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
            throw new RowRejectedException(column, "cannot decode image: column '" + column + "' is null");
        }
        byte[] bytes = row.getBinary(ordinal);
        Pipeline p = pipeline();
        RgbImage image;
        try {
            image = p.decoder().decode(bytes);
        } catch (ImageDecodeException e) {
            throw new RowRejectedException(column, "cannot decode image: " + e.problem() + " (column '" + column
                    + "')");
        }
        long[] dims = settings.shape();
        TensorBuffer buffer = target.buffer();
        int base = target.start(dims);
        try {
            p.preprocessor().write(image, buffer.array(), base);
        } catch (ImageDecodeException e) {
            throw new RowRejectedException(column, "cannot decode image: " + e.problem() + " (column '" + column
                    + "')");
        }
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
                && ordinal == other.ordinal && settings.equals(other.settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(input, column, ordinal, settings);
    }

    @Override
    public String toString() {
        return "ImageColumn[" + input + " <- " + column + " #" + ordinal + ", " + settings + ", shape "
                + Arrays.toString(shape()) + "]";
    }
}
