package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.sample.TextModelBuilder.LabelledText;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the text model build that need no encoder run. */
class TextModelBuilderTest {
    @Test
    void trainingAndHeldOutTextsAreTheSamplesNounAndVerbGlossesSplitByIdModuloThree() {
        List<LabelledText> texts = TextModelBuilder.nounAndVerbGlosses(
                SampleDirectory.resolve(WordNetSampleGenerator.DATA_FILE));

        assertThat(texts).hasSize(2700);
        assertThat(texts.stream().filter(t -> t.label() == 1)).hasSize(1200);
        assertThat(texts.stream().filter(t -> t.id() % TextModelBuilder.HELD_OUT_EVERY == 0)).hasSize(917);
        assertThat(texts).filteredOn(t -> t.text().equals("young of domestic cattle"))
                .extracting(LabelledText::label).containsExactly(0);
    }

    @Test
    void configJsonNamesBothClassesInId2LabelAndLabel2Id() {
        assertThat(TextModelBuilder.configJson())
                .contains("\"id2label\": {\"0\": \"noun\", \"1\": \"verb\"}")
                .contains("\"label2id\": {\"noun\": 0, \"verb\": 1}");
    }

    @Test
    void missingSampleFileFailsNamingItAndTheFixAndWritesNothing(@TempDir Path temp) {
        Path output = temp.resolve("out");

        assertThatThrownBy(() -> new TextModelBuilder(output, temp, System.out).build())
                .isInstanceOf(SampleDataException.class)
                .hasMessageContaining("wordnet_glosses.parquet: no such file (pass the sample-data folder)");
        assertThat(output).doesNotExist();
    }
}
