package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.ModelLoadException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClassNamesTest {
    @Test
    void metadataClassesIsACommaSeparatedListOrAJsonArray() {
        assertThat(ClassNames.fromMetadata(Map.of("classes", "malignant, benign"), "m"))
                .map(ClassNames::names).contains(List.of("malignant", "benign"));
        assertThat(ClassNames.fromMetadata(Map.of("classes", "[\"setosa\", \"versi,color\"]"), "m"))
                .map(ClassNames::names).contains(List.of("setosa", "versi,color"));
        assertThat(ClassNames.fromMetadata(Map.of("classes", "a,b"), "m.onnx").orElseThrow().source())
                .isEqualTo("metadata 'classes' of m.onnx");
    }

    @Test
    void metadataId2LabelIsReadWhenThereIsNoClasses() {
        assertThat(ClassNames.fromMetadata(Map.of("id2label", "{\"1\": \"benign\", \"0\": \"malignant\"}"), "m"))
                .map(ClassNames::names).contains(List.of("malignant", "benign"));
        assertThat(ClassNames.fromMetadata(Map.of("producer", "x"), "m")).isEmpty();
    }

    @Test
    void configJsonId2LabelNamesTheClassesByIdAndAConfigWithoutItNamesNone() {
        byte[] config = "{\"model_type\": \"bert\", \"id2label\": {\"0\": \"NEGATIVE\", \"1\": \"POSITIVE\"}}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(ClassNames.fromConfigJson(config, "/m/config.json")).map(ClassNames::names)
                .contains(List.of("NEGATIVE", "POSITIVE"));
        assertThat(ClassNames.fromConfigJson("{\"hidden_size\": 4}".getBytes(StandardCharsets.UTF_8), "c"))
                .isEqualTo(Optional.empty());
        assertThat(ClassNames.fromConfigJson(config, "/m/config.json").orElseThrow().name(1)).contains("POSITIVE");
        assertThat(ClassNames.fromConfigJson(config, "/m/config.json").orElseThrow().name(2)).isEmpty();
    }

    @Test
    void idsWithAGapNamesTwiceAndBrokenJsonAreRefusedNamingTheSource() {
        assertThatThrownBy(() -> ClassNames.fromConfigJson("{\"id2label\": {\"0\": \"a\", \"2\": \"c\"}}"
                .getBytes(StandardCharsets.UTF_8), "/m/config.json")).isInstanceOf(ModelLoadException.class)
                .hasMessage("Invalid id2label of /m/config.json: class ids must be 0 to 1, each once: [0, 2]");
        assertThatThrownBy(() -> ClassNames.fromMetadata(Map.of("classes", "a,b,a"), "m"))
                .hasMessage("Invalid metadata 'classes' of m: [a, b, a] names a class twice");
        assertThatThrownBy(() -> ClassNames.fromConfigJson("{not json".getBytes(StandardCharsets.UTF_8), "/c.json"))
                .isInstanceOf(ModelLoadException.class).hasMessageStartingWith("Cannot read /c.json: it is not JSON");
    }
}
