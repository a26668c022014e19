package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import dev.coldpath.core.testing.SampleModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelDescriptionTest {
    @Test
    void treesModelIsDescribedWithItsSignatureHeaderAndMetadata() {
        byte[] bytes = SampleModels.bytes(SampleModels.TREES);

        ModelDescription d = ModelDescription.of("models/breast_cancer_trees.onnx",
                LocalModel.of(SampleModels.dir().resolve(SampleModels.TREES)));

        assertThat(d.location()).isEqualTo("models/breast_cancer_trees.onnx");
        assertThat(d.sha256()).isEqualTo(ModelArtifact.sha256(bytes)).hasSize(64);
        assertThat(d.sizeBytes()).isEqualTo(bytes.length);
        ModelSignature signature = d.signature();
        assertThat(signature.inputs()).extracting(ValueSpec::describe).containsExactly("float[N,30]");
        assertThat(signature.outputs()).extracting(ValueSpec::describe)
                .containsExactly("int64[N]", "seq(map(int64,float))");
        assertThat(ModelSignature.describe(signature.outputs()))
                .isEqualTo("label int64[N], probabilities seq(map(int64,float))");
        ValueSpec zipMap = signature.output("probabilities").orElseThrow();
        assertThat(zipMap.kind()).isEqualTo(ValueKind.SEQUENCE_OF_MAPS);
        assertThat(zipMap.mapKeyType()).isEqualTo(OnnxJavaType.INT64);
        assertThat(zipMap.elementType()).isEqualTo(OnnxJavaType.FLOAT);
        assertThat(d.header().irVersion()).isEqualTo(8);
        assertThat(d.header().opsets()).isEqualTo(Map.of("", 13L, "ai.onnx.ml", 3L));
        assertThat(d.metadata()).containsEntry("dataset", "breast_cancer");
        assertThat(d.modelVersion()).isEqualTo(1);
    }
}
