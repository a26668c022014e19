package dev.coldpath.core.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.coldpath.core.error.ModelLoadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level fields of an ONNX ModelProto that ONNX Runtime's Java API does not expose: IR version and
 * operator set imports. Reads the protobuf wire format and skips the graph.
 *
 * @param opsets operator-set version by domain ("" is the default ai.onnx domain)
 */
public record ModelHeader(long irVersion, String producerName, String producerVersion, Map<String, Long> opsets) {
    // Field numbers of onnx.ModelProto and onnx.OperatorSetIdProto (onnx/onnx.proto).
    private static final int IR_VERSION = 1;
    private static final int PRODUCER_NAME = 2;
    private static final int PRODUCER_VERSION = 3;
    private static final int OPSET_IMPORT = 8;
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;

    public ModelHeader {
        opsets = Map.copyOf(opsets);
    }

    /** Reads a model file as a stream: the file is never held in the heap. */
    public static ModelHeader read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(CodedInputStream.newInstance(in));
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    public static ModelHeader read(byte[] model) {
        return read(CodedInputStream.newInstance(model));
    }

    private static ModelHeader read(CodedInputStream in) {
        in.setSizeLimit(Integer.MAX_VALUE);
        try {
            long irVersion = 0;
            String producer = "";
            String producerVersion = "";
            Map<String, Long> opsets = new LinkedHashMap<>();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case IR_VERSION -> irVersion = in.readInt64();
                    case PRODUCER_NAME -> producer = in.readString();
                    case PRODUCER_VERSION -> producerVersion = in.readString();
                    case OPSET_IMPORT -> readOpset(in, opsets);
                    default -> in.skipField(tag);
                }
            }
            return new ModelHeader(irVersion, producer, producerVersion, opsets);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the ONNX header: " + e.getMessage()
                    + " (the file is not an ONNX model or is truncated)", e);
        }
    }

    private static void readOpset(CodedInputStream in, Map<String, Long> opsets) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        String domain = "";
        long version = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OPSET_DOMAIN -> domain = in.readString();
                case OPSET_VERSION -> version = in.readInt64();
                default -> in.skipField(tag);
            }
        }
        in.popLimit(limit);
        opsets.put(domain, version);
    }
}
