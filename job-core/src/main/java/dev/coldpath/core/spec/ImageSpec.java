package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.decode.SoftmaxMode;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.image.DecodeAhead;
import dev.coldpath.core.image.ImageSettings;
import dev.coldpath.core.image.ImageSettings.Channels;
import dev.coldpath.core.image.ImageSettings.Crop;
import dev.coldpath.core.image.ImageSettings.DataType;
import dev.coldpath.core.image.ImageSettings.Interpolation;
import dev.coldpath.core.image.ImageSettings.Layout;
import dev.coldpath.core.image.ImageSettings.PadAnchor;
import dev.coldpath.core.image.ImageSettings.Resize;
import java.util.List;
import java.util.Optional;

/**
 * How a column of encoded images feeds a model: {@code image.*} (docs/models.md, Image models). Without {@code
 * image.column} the job has no image input and the other keys are unused.
 *
 * @param column the binary column of encoded images
 * @param size   [H, W]; empty for the model input's own, when fixed
 * @param crop   empty for the default: center with {@code resize: shorter-side}, else none
 * @param layout empty for the model input's: NHWC when its last dimension is the channels and its second is not
 * @param dtype  empty for the model input's element type (uint8 or float)
 * @param labels the class names file ({@code image.labels}), beside the model or absolute; empty for none
 * @param topK   with labels, how many classes the top-k columns list; empty for no top-k columns
 * @param decodeAhead whether each task decodes the next batch's images while the current one is scored
 */
public record ImageSpec(Optional<String> column, Optional<List<Integer>> size, Resize resize, double padValue,
                        PadAnchor padAnchor, Optional<Crop> crop, Channels channels, double scale, List<Double> mean,
                        List<Double> std, Optional<Layout> layout, Optional<DataType> dtype,
                        Interpolation interpolation, boolean exifRotate, long maxPixels, Optional<String> labels,
                        Optional<Integer> topK, SoftmaxMode softmax, DecodeAhead decodeAhead) {
    /** No image input: every key at its default. */
    public static final ImageSpec NONE = new ImageSpec(Optional.empty(), Optional.empty(), Resize.EXACT, 0,
            PadAnchor.CENTER, Optional.empty(), Channels.RGB, 1, List.of(0.0), List.of(1.0), Optional.empty(),
            Optional.empty(), Interpolation.BILINEAR, true, 100_000_000L, Optional.empty(), Optional.empty(),
            SoftmaxMode.AUTO, DecodeAhead.AUTO);

    public ImageSpec {
        requireNonNull(column, "column is null");
        requireNonNull(size, "size is null");
        size = size.map(List::copyOf);
        requireNonNull(resize, "resize is null");
        requireNonNull(padAnchor, "padAnchor is null");
        requireNonNull(crop, "crop is null");
        requireNonNull(channels, "channels is null");
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        requireNonNull(layout, "layout is null");
        requireNonNull(dtype, "dtype is null");
        requireNonNull(interpolation, "interpolation is null");
        requireNonNull(labels, "labels is null");
        requireNonNull(topK, "topK is null");
        requireNonNull(softmax, "softmax is null");
        requireNonNull(decodeAhead, "decodeAhead is null");
    }

    /** The section as {@code config} sets it, defaults applied; combinations that cannot work are refused. */
    public static ImageSpec from(JobConfig config) {
        Optional<List<Integer>> size = config.find(JobKey.IMAGE_SIZE).map(values -> {
            List<Integer> hw = values.stream().map(Double::intValue).toList();
            return hw.size() == 1 ? List.of(hw.get(0), hw.get(0)) : hw;
        });
        ImageSpec spec = new ImageSpec(config.find(JobKey.IMAGE_COLUMN).filter(c -> !c.isBlank()), size,
                config.get(JobKey.IMAGE_RESIZE), config.get(JobKey.IMAGE_PAD_VALUE),
                config.get(JobKey.IMAGE_PAD_ANCHOR), config.find(JobKey.IMAGE_CROP),
                config.get(JobKey.IMAGE_CHANNELS), config.get(JobKey.IMAGE_SCALE), config.get(JobKey.IMAGE_MEAN),
                config.get(JobKey.IMAGE_STD), config.find(JobKey.IMAGE_LAYOUT), config.find(JobKey.IMAGE_DTYPE),
                config.get(JobKey.IMAGE_INTERPOLATION), config.get(JobKey.IMAGE_EXIF_ROTATE),
                config.get(JobKey.IMAGE_MAX_PIXELS), config.find(JobKey.IMAGE_LABELS).filter(l -> !l.isBlank()),
                config.find(JobKey.IMAGE_TOP_K).map(Math::toIntExact), config.get(JobKey.IMAGE_SOFTMAX),
                config.get(JobKey.IMAGE_DECODE_AHEAD));
        if (spec.topK.isPresent() && spec.labels.isEmpty()) {
            throw new JobSpecException("Invalid image.top-k: " + spec.topK.get() + " without image.labels (the top-k"
                    + " columns name classes: set image.labels to a file of class names, one per line)");
        }
        // the rules that need no model, checked now (the model's size, layout and type are the planner's)
        spec.settings(size.map(s -> s.get(0)).orElse(1), size.map(s -> s.get(1)).orElse(1),
                spec.layout.orElse(Layout.NCHW), spec.dtype.orElse(DataType.FLOAT));
        return spec;
    }

    /** The same settings reading the images from {@code name}. */
    public ImageSpec withColumn(String name) {
        return new ImageSpec(Optional.of(name), size, resize, padValue, padAnchor, crop, channels, scale, mean, std,
                layout, dtype, interpolation, exifRotate, maxPixels, labels, topK, softmax, decodeAhead);
    }

    /** The crop in force: as set, else center with {@code resize: shorter-side}, else none. */
    public Crop effectiveCrop() {
        return crop.orElse(resize == Resize.SHORTER_SIDE ? Crop.CENTER : Crop.NONE);
    }

    /**
     * The settings of an image input of {@code height} × {@code width}, in {@code layout} and {@code dtype} (the
     * job's, else the model's).
     *
     * @throws JobSpecException naming the key when a combination cannot work
     */
    public ImageSettings settings(int height, int width, Layout layout, DataType dtype) {
        try {
            return new ImageSettings(height, width, resize, padValue, padAnchor, effectiveCrop(), channels, scale,
                    mean.stream().mapToDouble(Double::doubleValue).toArray(),
                    std.stream().mapToDouble(Double::doubleValue).toArray(), layout, dtype, interpolation, exifRotate,
                    maxPixels);
        } catch (IllegalArgumentException e) {
            throw new JobSpecException(e.getMessage());
        }
    }
}
