package dev.coldpath.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.batch.Stack;
import dev.coldpath.core.decode.ClassNamesDecoder;
import dev.coldpath.core.decode.OutputDecoder;
import dev.coldpath.core.model.ClassNames;
import dev.coldpath.core.model.Device;
import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.spec.BadRows;
import dev.coldpath.core.spec.BindingSpec;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.spec.OutputLabels;
import dev.coldpath.core.spec.PromotePolicy;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.SampleModels;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which outputs the planner writes with class names (output.labels), and under which columns. */
class ClassNamesPlanTest {
    private static final ClassNames WINE = new ClassNames(List.of("class_0", "class_1", "class_2"), "test");
    private static final ClassNames TWO = new ClassNames(List.of("malignant", "benign"), "test");

    @Test
    void namesTurnTheLabelIntoAStringAndTheScoresIntoAMapByName() {
        List<OutputDecoder> decoders = decoders(SampleModels.WINE, OutputLabels.NAMES, Optional.of(WINE), "");

        assertThat(decoders).extracting(d -> d.column() + " " + d.type()).containsExactly(
                "probabilities map<string,float>", "label string");
        assertThat(decoders).allMatch(d -> d instanceof ClassNamesDecoder);
    }

    @Test
    void bothAddsTheIdsUnderColumnIdAndIdsOrNoNamesLeaveTheOutputsAsTheModelGivesThem() {
        assertThat(decoders(SampleModels.WINE, OutputLabels.BOTH, Optional.of(WINE), "wine_"))
                .extracting(d -> d.column() + " " + d.type()).containsExactly("wine_probabilities map<string,float>",
                        "wine_probabilities_id array<float>", "wine_label string", "wine_label_id bigint");
        assertThat(decoders(SampleModels.WINE, OutputLabels.IDS, Optional.of(WINE), ""))
                .extracting(d -> d.column() + " " + d.type())
                .containsExactly("probabilities array<float>", "label bigint");
        assertThat(decoders(SampleModels.WINE, OutputLabels.NAMES, Optional.empty(), ""))
                .extracting(d -> d.column() + " " + d.type())
                .containsExactly("probabilities array<float>", "label bigint");
    }

    @Test
    void aZipMapByIdIsNamedAndOutputsThatHoldNoClassIdsAreNot() {
        assertThat(decoders(SampleModels.TREES, OutputLabels.NAMES, Optional.of(TWO), ""))
                .extracting(d -> d.column() + " " + d.type())
                .containsExactly("label string", "probabilities map<string,float>");
        // a [N] float probability is not a class output
        assertThat(decoders(SampleModels.LOGREG, OutputLabels.NAMES, Optional.of(TWO), ""))
                .extracting(d -> d.column() + " " + d.type()).containsExactly("probability float");
        // scores of 3 classes are not named by 2 names
        assertThat(decoders(SampleModels.WINE, OutputLabels.NAMES, Optional.of(TWO), ""))
                .extracting(d -> d.column() + " " + d.type())
                .containsExactly("probabilities array<float>", "label string");
    }

    private static List<OutputDecoder> decoders(String model, OutputLabels labels, Optional<ClassNames> names,
                                                String prefix) {
        return plan(model, labels, names, prefix).binding().decoders();
    }

    private static ScoringPlan plan(String model, OutputLabels labels, Optional<ClassNames> names, String prefix) {
        byte[] bytes = SampleModels.bytes(model);
        ColumnType floats = ColumnType.arrayOf(ColumnType.FLOAT);
        var schema = model.equals(SampleModels.WINE) ? Plans.schema("id", ColumnType.LONG, "features", floats)
                : Plans.schema("id", ColumnType.LONG, "x", floats);
        Map<String, List<String>> features = model.equals(SampleModels.WINE) ? Map.of()
                : Map.of(ScoringPlanner.SOLE_INPUT, List.of("x"));
        return ScoringPlanner.plan(new ScoringPlanner.Request(new ScoringInput("mem:input", schema),
                new ScoringPlanner.BindingRequest(BindingSpec.SHORTHAND, Role.CHAMPION, Plans.artifact("m.onnx", bytes),
                        Plans.signature(bytes), features,
                        Map.of(), new Stack(), List.of(), prefix, 8, 1, Device.CPU, labels, names),
                Optional.empty(), new ParquetRunTable("mem:table", PromotePolicy.ON_SUCCESS, false, ""), BadRows.FAIL,
                Budget.NONE));
    }
}
