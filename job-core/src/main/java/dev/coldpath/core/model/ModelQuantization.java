package dev.coldpath.core.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.coldpath.core.error.ModelLoadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The quantization operators of an ONNX graph, and whether its outputs depend on which rows share a batch.
 *
 * <p>A dynamically quantized model (ONNX Runtime's {@code quantize_dynamic}, the usual {@code model_quantized.onnx})
 * computes each activation's int8 range at run time over the whole input tensor, padding and the other rows
 * included: the same row then gets a slightly different output in a different batch. Statically quantized models
 * ({@code QuantizeLinear} with constant scales) and float models do not. Only the op types are read; initializers
 * are skipped, and subgraphs (If, Loop, Scan) and model-local functions are searched too.
 *
 * @param operators count by op type of the quantization operators found (dynamic ones and integer arithmetic),
 *                  in name order; empty for a float model
 */
public record ModelQuantization(Map<String, Integer> operators) {
    /** Operators that compute their quantization range from the tensor they are given, at run time. */
    public static final Set<String> DYNAMIC_OPERATORS = Set.of(
            "DynamicQuantizeLinear", "DynamicQuantizeMatMul", "DynamicQuantizeLSTM");
    /** Integer arithmetic on quantized tensors; batch-dependent only when fed by a dynamic operator. */
    public static final Set<String> INTEGER_OPERATORS = Set.of(
            "MatMulInteger", "ConvInteger", "MatMulIntegerToFloat", "QAttention");

    /**
     * What {@code inspect}, {@code validate} and a run's summary add about a batch-dependent model, after
     * {@link #describe}.
     */
    public static final String BATCH_INVARIANT_ADVICE = "for reproducible results, score each text alone with"
            + " text.batch-invariant: true";

    // Field numbers in onnx/onnx.proto.
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_FUNCTIONS = 25;
    private static final int GRAPH_NODE = 1;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_GRAPH = 6;
    private static final int ATTRIBUTE_GRAPHS = 11;
    private static final int FUNCTION_NODE = 7;

    public ModelQuantization {
        operators = Collections.unmodifiableSortedMap(new TreeMap<>(operators));
    }

    /** Scans a serialized ModelProto; {@link ModelLoadException} when the bytes are not one. */
    /** Reads a model file as a stream: the file is never held in the heap. */
    public static ModelQuantization scan(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return scan(CodedInputStream.newInstance(in));
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    public static ModelQuantization scan(byte[] model) {
        return scan(CodedInputStream.newInstance(model));
    }

    private static ModelQuantization scan(CodedInputStream in) {
        Map<String, Integer> found = new TreeMap<>();
        try {
            in.setSizeLimit(Integer.MAX_VALUE);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case MODEL_GRAPH -> readMessage(in, found, GRAPH_NODE);
                    case MODEL_FUNCTIONS -> readMessage(in, found, FUNCTION_NODE);
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the ONNX graph: " + e.getMessage()
                    + " (the file is not an ONNX model or is truncated)", e);
        }
        return new ModelQuantization(found);
    }

    /**
     * True when a row's outputs depend on the other rows (and the padding) in its batch: scoring each row alone
     * is then the only reproducible way.
     */
    public boolean batchDependent() {
        return operators.keySet().stream().anyMatch(DYNAMIC_OPERATORS::contains);
    }

    /** True when the graph holds any quantization operator. */
    public boolean quantized() {
        return !operators.isEmpty();
    }

    /**
     * One line for {@code inspect}, {@code validate} and the manifest, e.g. {@code dynamic int8 quantization
     * (DynamicQuantizeLinear x24, MatMulInteger x36): outputs depend on which rows share a batch}.
     */
    public String describe() {
        if (operators.isEmpty()) {
            return "not quantized";
        }
        String counts = operators.entrySet().stream()
                .map(entry -> entry.getKey() + " x" + entry.getValue())
                .collect(Collectors.joining(", "));
        return batchDependent()
                ? "dynamic int8 quantization (" + counts + "): outputs depend on which rows share a batch"
                : "integer quantization (" + counts + "): outputs do not depend on the batch";
    }

    /** A GraphProto or FunctionProto (by the field number of its nodes), as the next length-delimited field. */
    private static void readMessage(CodedInputStream in, Map<String, Integer> found, int nodeField)
            throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == nodeField) {
                readNode(in, found);
            } else {
                in.skipField(tag);
            }
        }
        in.popLimit(limit);
    }

    private static void readNode(CodedInputStream in, Map<String, Integer> found) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_OP_TYPE -> {
                    String opType = in.readString();
                    if (DYNAMIC_OPERATORS.contains(opType) || INTEGER_OPERATORS.contains(opType)) {
                        found.merge(opType, 1, Integer::sum);
                    }
                }
                case NODE_ATTRIBUTE -> readAttribute(in, found);
                default -> in.skipField(tag);
            }
        }
        in.popLimit(limit);
    }

    private static void readAttribute(CodedInputStream in, Map<String, Integer> found) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if ((field == ATTRIBUTE_GRAPH || field == ATTRIBUTE_GRAPHS)
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                readMessage(in, found, GRAPH_NODE);
            } else {
                in.skipField(tag);
            }
        }
        in.popLimit(limit);
    }
}
