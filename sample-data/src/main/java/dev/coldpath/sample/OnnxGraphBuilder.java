package dev.coldpath.sample;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Assembles one ONNX graph from protobuf messages and wraps it in a {@link ModelProto} with the settings every
 * sample model shares. Not thread safe; use one per model.
 */
final class OnnxGraphBuilder {
    static final long IR_VERSION = 8;
    static final String PRODUCER_NAME = "coldpath-sample-data";
    static final String PRODUCER_VERSION = "1";
    static final String ML_DOMAIN = "ai.onnx.ml";
    /** The symbolic batch dimension of every input and output. */
    static final String BATCH = "N";

    static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    static final int INT64 = TensorProto.DataType.INT64.getNumber();

    private final GraphProto.Builder graph;

    OnnxGraphBuilder(String graphName) {
        graph = GraphProto.newBuilder().setName(graphName);
    }

    /** Extends an existing graph (nodes, initializers, inputs) under a new name, without its outputs. */
    OnnxGraphBuilder(GraphProto base, String graphName) {
        graph = base.toBuilder().setName(graphName).clearOutput();
    }

    /** A tensor type; each dimension is a {@code String} (symbolic) or a {@code Number} (fixed). */
    static TypeProto tensorType(int elementType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder dimension = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String name) {
                dimension.setDimParam(name);
            } else {
                dimension.setDimValue(((Number) dim).longValue());
            }
            shape.addDim(dimension);
        }
        return TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))
                .build();
    }

    /** {@code seq(map(keyType, tensor(valueType)))}, what ZipMap produces. */
    static TypeProto sequenceOfMaps(int keyType, int valueType) {
        TypeProto value = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(valueType))
                .build();
        TypeProto map = TypeProto.newBuilder()
                .setMapType(TypeProto.Map.newBuilder().setKeyType(keyType).setValueType(value))
                .build();
        return TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(map)).build();
    }

    OnnxGraphBuilder input(String name, TypeProto type, String description) {
        graph.addInput(ValueInfoProto.newBuilder().setName(name).setType(type).setDocString(description));
        return this;
    }

    OnnxGraphBuilder output(String name, TypeProto type, String description) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(type).setDocString(description));
        return this;
    }

    /** Adds a float32 constant and returns its name. */
    String floats(String name, float[] values, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (float value : values) {
            tensor.addFloatData(value);
        }
        graph.addInitializer(tensor);
        return name;
    }

    /** Adds an int64 constant and returns its name. */
    String longs(String name, long[] values, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(INT64);
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        graph.addInitializer(tensor);
        return name;
    }

    /** Adds a node of the default domain; returns its first output. */
    String node(String opType, String name, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        return node("", opType, name, inputs, outputs, attributes);
    }

    String node(String domain, String opType, String name, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder()
                .setOpType(opType)
                .setName(name)
                .addAllInput(inputs)
                .addAllOutput(outputs);
        if (!domain.isEmpty()) {
            node.setDomain(domain);
        }
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        graph.addNode(node);
        return outputs.get(0);
    }

    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto stringAttribute(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
    }

    static AttributeProto intsAttribute(String name, long[] values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    static AttributeProto floatsAttribute(String name, float[] values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS);
        for (float value : values) {
            attribute.addFloats(value);
        }
        return attribute.build();
    }

    static AttributeProto stringsAttribute(String name, List<String> values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeType.STRINGS);
        for (String value : values) {
            attribute.addStrings(ByteString.copyFrom(value, StandardCharsets.UTF_8));
        }
        return attribute.build();
    }

    /**
     * The finished model.
     *
     * @param opsets domain ("" for the default) to opset version, in a stable iteration order
     * @param metadata metadata_props, in a stable iteration order
     */
    ModelProto model(Map<String, Integer> opsets, String description, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER_NAME)
                .setProducerVersion(PRODUCER_VERSION)
                .setModelVersion(1)
                .setDocString(description)
                .setGraph(graph);
        opsets.forEach((domain, version) ->
                model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        metadata.forEach((key, value) ->
                model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }
}
