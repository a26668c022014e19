package dev.coldpath.core.plan;

import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.ImageColumn;
import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.image.ImageSettings;
import dev.coldpath.core.image.ImageSettings.DataType;
import dev.coldpath.core.image.ImageSettings.Layout;
import dev.coldpath.core.model.Dimension;
import dev.coldpath.core.model.ModelSignature;
import dev.coldpath.core.model.ValueKind;
import dev.coldpath.core.model.ValueSpec;
import dev.coldpath.core.schema.Column;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.schema.RowSchema;
import dev.coldpath.core.spec.ImageSpec;
import dev.coldpath.core.tensor.ElementType;
import java.util.List;
import java.util.Map;

/**
 * The planner's choice of an image input: from {@code image.column} and the {@code image.*} keys, the {@link
 * ImageColumn} encoder of the model's one input of rank 4, with the size, layout and element type the model takes
 * where the job leaves them out. Its result goes to {@link ScoringPlanner.BindingRequest#encoders}.
 */
public final class ImageInputs {
    private ImageInputs() {
    }

    /**
     * The encoders {@code spec} asks for, by model input: none without {@code image.column}.
     *
     * @param features the job's column mapping, which must leave the image input to {@code image.column}
     * @throws JobSpecException naming the key, the column or the model input when they do not fit
     */
    public static Map<String, Encoder> encoders(ImageSpec spec, ModelSignature signature, RowSchema schema,
                                                Map<String, List<String>> features) {
        if (spec.column().isEmpty()) {
            return Map.of();
        }
        String name = spec.column().get();
        Column column = schema.find(name).orElseThrow(() -> new JobSpecException("Invalid image.column: column '"
                + name + "' not found in the input (input columns: " + schema + ")"));
        if (!column.type().equals(ColumnType.BINARY)) {
            throw new JobSpecException("Invalid image.column: column '" + name + "' is " + column.type()
                    + "; images are read from a binary column of encoded image files (PNG, JPEG, ...)");
        }
        List<ValueSpec> images = signature.inputs().stream()
                .filter(v -> v.kind() == ValueKind.TENSOR && v.rank() == 4).toList();
        if (images.size() != 1) {
            throw new JobSpecException("image.column feeds the model's one input of rank 4 ([N,C,H,W] or [N,H,W,C]),"
                    + " but the model has " + images.size() + " (its inputs: "
                    + ModelSignature.describe(signature.inputs()) + ")");
        }
        ValueSpec input = images.get(0);
        String what = "model input '" + input.name() + "' " + input.describe();
        if (features.containsKey(input.name())
                || features.containsKey(ScoringPlanner.SOLE_INPUT) && signature.inputs().size() == 1) {
            throw new JobSpecException("Invalid features: " + what + " is fed from image.column " + name
                    + " (leave it out of features)");
        }
        DataType modelType = switch (input.element()) {
            case FLOAT -> DataType.FLOAT;
            case UINT8 -> DataType.UINT8;
            default -> throw new JobSpecException("Cannot feed " + what + " from images: an image input is float or"
                    + " uint8");
        };
        DataType dtype = spec.dtype().orElse(modelType);
        if (dtype != modelType) {
            throw new JobSpecException("Invalid image.dtype: " + dtype + " but " + what + " takes " + input.element()
                    + " (set image.dtype: " + modelType + ", or leave it out)");
        }
        List<Dimension> dims = input.shape();
        Layout layout = spec.layout().orElseGet(() -> isChannels(dims.get(3)) && !isChannels(dims.get(1))
                ? Layout.NHWC : Layout.NCHW);
        Dimension channels = layout == Layout.NCHW ? dims.get(1) : dims.get(3);
        Dimension height = layout == Layout.NCHW ? dims.get(2) : dims.get(1);
        Dimension width = layout == Layout.NCHW ? dims.get(3) : dims.get(2);
        int wanted = spec.channels().count();
        if (channels.isFixed() && channels.size() != wanted) {
            throw new JobSpecException("Invalid image.channels: " + spec.channels() + " gives " + wanted + " channel"
                    + (wanted == 1 ? "" : "s") + " but " + what + " takes " + channels.size() + " (layout " + layout
                    + (channels.size() == 1 ? "; set image.channels: gray" : channels.size() == 3
                    ? "; set image.channels: rgb or bgr" : "; set image.layout") + ")");
        }
        int h;
        int w;
        if (spec.size().isPresent()) {
            h = spec.size().get().get(0);
            w = spec.size().get().get(1);
            if (height.isFixed() && height.size() != h || width.isFixed() && width.size() != w) {
                throw new JobSpecException("Invalid image.size: [" + h + ", " + w + "] but " + what + " takes ["
                        + height + ", " + width + "] (layout " + layout + ")");
            }
        } else if (height.isFixed() && width.isFixed()) {
            h = Math.toIntExact(height.size());
            w = Math.toIntExact(width.size());
        } else {
            throw new JobSpecException(what + " leaves its height or width open: set image.size: [H, W]");
        }
        ImageSettings settings = spec.settings(h, w, layout, dtype);
        ElementType type = dtype == DataType.UINT8 ? ElementType.UINT8 : ElementType.FLOAT;
        if (input.element() != type) {
            throw new IllegalStateException("image input type " + type + " for " + what);
        }
        return Map.of(input.name(), new ImageColumn(input.name(), name, schema.indexOf(name), settings,
                spec.decodeAhead()));
    }

    private static boolean isChannels(Dimension d) {
        return d.isFixed() && (d.size() == 1 || d.size() == 3);
    }
}
