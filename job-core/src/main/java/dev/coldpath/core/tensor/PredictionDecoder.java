package dev.coldpath.core.tensor;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.coldpath.core.error.InferenceException;
import dev.coldpath.core.model.ValueKind;
import dev.coldpath.core.plan.OutputColumn;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies model outputs out of an ONNX Runtime result into {@link PredictionColumn}s. */
public final class PredictionDecoder {
    private PredictionDecoder() {
    }

    public static PredictionColumn decode(OutputColumn spec, OnnxValue value, int rows) throws OrtException {
        if (spec.kind() == ValueKind.SEQUENCE_OF_MAPS) {
            return decodeMaps(spec, (OnnxSequence) value, rows);
        }
        OnnxTensor tensor = (OnnxTensor) value;
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != spec.rank() || shape[0] != rows) {
            throw new InferenceException("Model output '" + spec.output() + "' has shape "
                    + java.util.Arrays.toString(shape) + " for a batch of " + rows + " rows; coldpath expects the"
                    + " batch dimension first and rank " + spec.rank(), null);
        }
        int[] inner = new int[shape.length - 1];
        for (int i = 1; i < shape.length; i++) {
            inner[i - 1] = Math.toIntExact(shape[i]);
        }
        return new PredictionColumn(spec, rows, flatten(tensor), inner, null);
    }

    private static Object flatten(OnnxTensor tensor) throws OrtException {
        TensorInfo info = tensor.getInfo();
        return switch (info.type) {
            case FLOAT -> tensor.getFloatBuffer().array();
            case DOUBLE -> tensor.getDoubleBuffer().array();
            case INT64 -> tensor.getLongBuffer().array();
            case INT32 -> tensor.getIntBuffer().array();
            case INT16 -> tensor.getShortBuffer().array();
            case INT8 -> bytes(tensor.getByteBuffer());
            case UINT8 -> unsignedBytes(tensor.getByteBuffer());
            case BOOL -> booleans(tensor.getByteBuffer());
            case STRING -> strings(tensor);
            default -> throw new IllegalStateException("unsupported output type " + info.type);
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static short[] unsignedBytes(ByteBuffer buffer) {
        short[] out = new short[buffer.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) (buffer.get(i) & 0xff);
        }
        return out;
    }

    private static boolean[] booleans(ByteBuffer buffer) {
        boolean[] out = new boolean[buffer.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = buffer.get(i) != 0;
        }
        return out;
    }

    private static String[] strings(OnnxTensor tensor) throws OrtException {
        List<String> out = new ArrayList<>();
        collect(tensor.getValue(), out);
        return out.toArray(String[]::new);
    }

    private static void collect(Object value, List<String> out) {
        if (value instanceof String s) {
            out.add(s);
        } else {
            for (Object element : (Object[]) value) {
                collect(element, out);
            }
        }
    }

    private static PredictionColumn decodeMaps(OutputColumn spec, OnnxSequence sequence, int rows)
            throws OrtException {
        List<? extends OnnxValue> elements = sequence.getValue();
        if (elements.size() != rows) {
            throw new InferenceException("Model output '" + spec.output() + "' holds " + elements.size()
                    + " maps for a batch of " + rows + " rows", null);
        }
        List<Map<Object, Object>> maps = new ArrayList<>(rows);
        for (OnnxValue element : elements) {
            maps.add(new LinkedHashMap<>(((OnnxMap) element).getValue()));
        }
        return new PredictionColumn(spec, rows, null, new int[0], maps);
    }
}
