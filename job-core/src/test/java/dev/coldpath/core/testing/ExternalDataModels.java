package dev.coldpath.core.testing;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * ONNX models whose weights are stored as external data, as large exports store them: each float or int64
 * initializer's values move to a data file beside the model ({@code TensorProto.data_location = EXTERNAL}, with
 * {@code location}, {@code offset} and {@code length} entries), the graph stays in the .onnx file.
 */
public final class ExternalDataModels {
    private ExternalDataModels() {
    }

    /**
     * Writes {@code model} to {@code onnxFile} with every float and int64 initializer's values in {@code dataName}
     * beside it. Returns the .onnx file.
     */
    public static Path externalize(byte[] model, Path onnxFile, String dataName) {
        try {
            ModelProto proto = ModelProto.parseFrom(model);
            GraphProto.Builder graph = proto.getGraph().toBuilder();
            Files.createDirectories(onnxFile.toAbsolutePath().getParent());
            try (OutputStream data = Files.newOutputStream(onnxFile.resolveSibling(dataName))) {
                long offset = 0;
                for (int i = 0; i < graph.getInitializerCount(); i++) {
                    TensorProto tensor = graph.getInitializer(i);
                    byte[] values = littleEndian(tensor);
                    if (values == null) {
                        continue;
                    }
                    data.write(values);
                    graph.setInitializer(i, tensor.toBuilder().clearFloatData().clearInt64Data().clearRawData()
                            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                            .addExternalData(entry("location", dataName))
                            .addExternalData(entry("offset", Long.toString(offset)))
                            .addExternalData(entry("length", Integer.toString(values.length))).build());
                    offset += values.length;
                }
            }
            Files.write(onnxFile, proto.toBuilder().setGraph(graph).build().toByteArray());
            return onnxFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code x float[N,inputs]} → MatMul W1 {@code [inputs, hidden]} → MatMul W2 {@code [hidden, 3]} →
     * {@code y float[N,3]}, with W1 (4 × inputs × hidden bytes, e.g. 300 MB for 4096 × 19200) streamed to
     * {@code dataName} 1 MiB at a time, never whole in memory, and W2 inline. Weights are seeded pseudo-random
     * values in [-0.01, 0.01). Returns the .onnx file.
     */
    public static Path matMul(Path onnxFile, String dataName, int inputs, int hidden, long seed) {
        try {
            Files.createDirectories(onnxFile.toAbsolutePath().getParent());
            long length = 4L * inputs * hidden;
            SplittableRandom random = new SplittableRandom(seed);
            try (OutputStream data = new BufferedOutputStream(
                    Files.newOutputStream(onnxFile.resolveSibling(dataName)), 1 << 20)) {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (long written = 0; written < length; written += 4) {
                    if (!chunk.hasRemaining()) {
                        data.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat((float) (random.nextDouble() * 0.02 - 0.01));
                }
                data.write(chunk.array(), 0, chunk.position());
            }
            TensorProto w1 = TensorProto.newBuilder().setName("W1").setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addDims(inputs).addDims(hidden).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", dataName)).addExternalData(entry("offset", "0"))
                    .addExternalData(entry("length", Long.toString(length))).build();
            ByteBuffer w2 = ByteBuffer.allocate(4 * hidden * 3).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < hidden * 3; i++) {
                w2.putFloat((float) (random.nextDouble() * 0.02 - 0.01));
            }
            GraphProto graph = GraphProto.newBuilder().setName("matmul")
                    .addInput(floatValue("x", "N", inputs)).addOutput(floatValue("y", "N", 3))
                    .addInitializer(w1).addInitializer(raw("W2", TensorProto.DataType.FLOAT, w2.array(), hidden, 3))
                    .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x")
                            .addInput("W1").addOutput("h"))
                    .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("h")
                            .addInput("W2").addOutput("y"))
                    .build();
            ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("coldpath-tests")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                    .setGraph(graph).build();
            Files.write(onnxFile, model.toByteArray());
            return onnxFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ValueInfoProto floatValue(String name, String batch, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static byte[] littleEndian(TensorProto tensor) {
        if (tensor.hasRawData() && !tensor.getRawData().isEmpty()) {
            return tensor.getRawData().toByteArray();
        }
        if (tensor.getFloatDataCount() > 0) {
            ByteBuffer b = ByteBuffer.allocate(4 * tensor.getFloatDataCount()).order(ByteOrder.LITTLE_ENDIAN);
            tensor.getFloatDataList().forEach(b::putFloat);
            return b.array();
        }
        if (tensor.getInt64DataCount() > 0) {
            ByteBuffer b = ByteBuffer.allocate(8 * tensor.getInt64DataCount()).order(ByteOrder.LITTLE_ENDIAN);
            tensor.getInt64DataList().forEach(b::putLong);
            return b.array();
        }
        return null;
    }

    /** A tensor whose values are all in {@code raw}, for building graphs. */
    static TensorProto raw(String name, TensorProto.DataType type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
