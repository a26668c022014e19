package dev.coldpath.core.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.coldpath.core.error.ModelLoadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The external-data files an ONNX model's tensors name ({@code TensorProto.data_location = EXTERNAL}, whose
 * {@code external_data} entry {@code location} is a path relative to the model file's directory). Large exports
 * keep their weights there (Hugging Face Optimum's {@code model.onnx_data}, every model over 2 GB). Reads the
 * protobuf wire format as a stream, skipping raw tensor data, so only the graph's structure passes through the
 * heap. Searches initializers, sparse initializers, tensors in node attributes, subgraphs and model-local
 * functions.
 */
public final class ExternalData {
    // Field numbers in onnx/onnx.proto.
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_FUNCTIONS = 25;
    private static final int FUNCTION_NODE = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int ATTRIBUTE_GRAPH = 6;
    private static final int ATTRIBUTE_TENSORS = 10;
    private static final int ATTRIBUTE_GRAPHS = 11;
    private static final int ATTRIBUTE_SPARSE_TENSOR = 22;
    private static final int ATTRIBUTE_SPARSE_TENSORS = 23;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private ExternalData() {
    }

    /**
     * The relative paths of the files the model's tensors are stored in, sorted; empty for a model in one file.
     * A location that is absolute or leaves the model's directory is refused.
     */
    public static List<String> locations(Path modelFile) {
        Set<String> found = new TreeSet<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(modelFile), 1 << 16)) {
            CodedInputStream in = CodedInputStream.newInstance(file);
            in.setSizeLimit(Integer.MAX_VALUE);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case MODEL_GRAPH -> message(in, found, ExternalData::graph);
                    case MODEL_FUNCTIONS -> message(in, found, ExternalData::function);
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot load model " + modelFile + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip()
                    + " (is it a valid .onnx file? it is not an ONNX model, or is truncated)", e);
        }
        for (String location : found) {
            check(location, modelFile);
        }
        return List.copyOf(found);
    }

    private static void check(String location, Path modelFile) {
        Path relative = Path.of(location).normalize();
        if (location.isEmpty() || relative.isAbsolute() || location.startsWith("/") || location.contains("\\")
                || relative.startsWith("..")) {
            throw new ModelLoadException("Model " + modelFile + " stores a tensor in '" + location + "': external"
                    + " data must be a relative path inside the model's directory (re-export the model with"
                    + " relative external-data locations)", null);
        }
    }

    private interface Reader {
        void read(CodedInputStream in, Set<String> found, int tag) throws IOException;
    }

    private static void message(CodedInputStream in, Set<String> found, Reader fields) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            fields.read(in, found, tag);
        }
        in.popLimit(limit);
    }

    private static void function(CodedInputStream in, Set<String> found, int tag) throws IOException {
        if (WireFormat.getTagFieldNumber(tag) == FUNCTION_NODE) {
            message(in, found, ExternalData::node);
        } else {
            in.skipField(tag);
        }
    }

    private static void graph(CodedInputStream in, Set<String> found, int tag) throws IOException {
        switch (WireFormat.getTagFieldNumber(tag)) {
            case GRAPH_NODE -> message(in, found, ExternalData::node);
            case GRAPH_INITIALIZER -> message(in, found, ExternalData::tensor);
            case GRAPH_SPARSE_INITIALIZER -> message(in, found, ExternalData::sparse);
            default -> in.skipField(tag);
        }
    }

    private static void node(CodedInputStream in, Set<String> found, int tag) throws IOException {
        if (WireFormat.getTagFieldNumber(tag) == NODE_ATTRIBUTE) {
            message(in, found, ExternalData::attribute);
        } else {
            in.skipField(tag);
        }
    }

    private static void attribute(CodedInputStream in, Set<String> found, int tag) throws IOException {
        switch (WireFormat.getTagFieldNumber(tag)) {
            case ATTRIBUTE_TENSOR, ATTRIBUTE_TENSORS -> message(in, found, ExternalData::tensor);
            case ATTRIBUTE_GRAPH, ATTRIBUTE_GRAPHS -> message(in, found, ExternalData::graph);
            case ATTRIBUTE_SPARSE_TENSOR, ATTRIBUTE_SPARSE_TENSORS -> message(in, found, ExternalData::sparse);
            default -> in.skipField(tag);
        }
    }

    private static void sparse(CodedInputStream in, Set<String> found, int tag) throws IOException {
        switch (WireFormat.getTagFieldNumber(tag)) {
            case SPARSE_VALUES, SPARSE_INDICES -> message(in, found, ExternalData::tensor);
            default -> in.skipField(tag);
        }
    }

    private static void tensor(CodedInputStream in, Set<String> found, int tag) throws IOException {
        if (WireFormat.getTagFieldNumber(tag) != TENSOR_EXTERNAL_DATA) {
            in.skipField(tag);
            return;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        String key = "";
        String value = "";
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
                case ENTRY_KEY -> key = in.readString();
                case ENTRY_VALUE -> value = in.readString();
                default -> in.skipField(t);
            }
        }
        in.popLimit(limit);
        if (key.equals("location")) {
            found.add(value);
        }
    }
}
