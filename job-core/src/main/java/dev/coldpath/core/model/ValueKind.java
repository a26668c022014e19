package dev.coldpath.core.model;

/** The kinds of ONNX values coldpath knows how to feed or read. */
public enum ValueKind {
    TENSOR,
    /** A sequence of maps, as ai.onnx.ml's ZipMap produces for class probabilities. */
    SEQUENCE_OF_MAPS,
    /** Any other sequence or map: coldpath names it but cannot turn it into a column. */
    OTHER
}
