package dev.coldpath.core.source;

/** Where a model was found: how its location was laid out (docs/models.md, Model sources). */
public enum SourceKind {
    /** A single .onnx file (with its external-data files beside it, if any). */
    ONNX_FILE("onnx file"),
    /** A folder holding model.onnx: a Hugging Face / Optimum or sentence-transformers export. */
    MODEL_FOLDER("model folder"),
    /** An MLflow model directory: an MLmodel file with the onnx flavor. */
    MLFLOW("mlflow"),
    /** A Triton model repository's model, {@code repo/model[/version]} with its config.pbtxt. */
    TRITON("triton");

    private final String label;

    SourceKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
