package dev.coldpath.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.registry.ModelReference;
import dev.coldpath.core.registry.SemVer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How a job's {@code model} value is told apart as a registry reference, and parsed. */
class ModelRegistryReferenceTest {
    static Stream<Arguments> modelValues() {
        return Stream.of(
                Arguments.of("churn@1.4.0", true),
                Arguments.of("churn@latest", true),
                Arguments.of("churn.v2@2.0.0-rc.1", true),
                Arguments.of("churn@1.4", true), // a reference, and parse says what is wrong with it
                Arguments.of("churn", false),
                Arguments.of("churn.onnx", false),
                Arguments.of("churn@1.4.0.onnx", false),
                Arguments.of("models/churn@1.4.0", false),
                Arguments.of("/srv/models/churn.onnx", false),
                Arguments.of("s3a://bucket/models/churn@1", false),
                Arguments.of("C:\\models\\churn@1.4.0", false),
                Arguments.of("a@b@c", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("modelValues")
    void onlyValuesWithOneAtAndNoPathOrOnnxSuffixAreReferences(String value, boolean reference) {
        assertThat(ModelReference.isReference(value)).isEqualTo(reference);
    }

    @Test
    void parseReadsAnExactVersionOrLatest() {
        ModelReference exact = ModelReference.parse("churn@1.4.0");
        ModelReference latest = ModelReference.parse("churn@latest");

        assertThat(exact.name()).isEqualTo("churn");
        assertThat(exact.version()).contains(SemVer.parse("1.4.0"));
        assertThat(exact.isLatest()).isFalse();
        assertThat(exact).hasToString("churn@1.4.0");
        assertThat(latest.isLatest()).isTrue();
        assertThat(latest).hasToString("churn@latest");
    }

    static Stream<Arguments> invalidReferences() {
        return Stream.of(
                Arguments.of("churn@1.4", "version '1.4' is neither 'latest' nor a valid SemVer version"),
                Arguments.of("churn@Latest", "version 'Latest' is neither 'latest'"),
                Arguments.of("churn@", "version '' is neither 'latest'"),
                Arguments.of("@1.4.0", "Invalid model name ''"),
                Arguments.of("-churn@1.4.0", "Invalid model name '-churn'"),
                Arguments.of("ch urn@1.4.0", "Invalid model name 'ch urn'"),
                Arguments.of("churn", "must be NAME@VERSION or NAME@latest"));
    }

    @ParameterizedTest(name = "''{0}''")
    @MethodSource("invalidReferences")
    void invalidReferenceIsRefusedNamingTheBadPart(String text, String message) {
        assertThatThrownBy(() -> ModelReference.parse(text))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(message);
    }
}
