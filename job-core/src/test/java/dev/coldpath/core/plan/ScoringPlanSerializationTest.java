package dev.coldpath.core.plan;

import static dev.coldpath.core.testing.Plans.schema;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.schema.ColumnType;
import dev.coldpath.core.spec.Budget;
import dev.coldpath.core.testing.Plans;
import dev.coldpath.core.testing.SampleModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The plan travels to executors with the partition function, so it survives Java serialization whole. */
class ScoringPlanSerializationTest {
    @Test
    void planWithBudgetsSurvivesJavaSerialization() throws Exception {
        ScoringPlan plan = Plans.request(SampleModels.bytes(SampleModels.WINE),
                schema("id", ColumnType.LONG, "features", ColumnType.arrayOf(ColumnType.FLOAT))).plan();
        Budget budget = new Budget(Optional.of(Duration.ofMinutes(30)), OptionalDouble.of(2.5), OptionalLong.of(1),
                true);
        ScoringPlan withBudget = new ScoringPlan(plan.input(), plan.bindings(), plan.output(), plan.badRows(), budget);

        ScoringPlan copy = roundTrip(withBudget);

        assertThat(copy.budget()).isEqualTo(budget);
        assertThat(copy.outputSchema()).isEqualTo(plan.outputSchema());
        assertThat(copy.binding().decoders()).isEqualTo(plan.binding().decoders());
        assertThat(copy.binding().encoders().get(0).shape()).containsExactly(13);
        assertThat(roundTrip(plan).budget()).isEqualTo(Budget.NONE);
    }

    /** The plan as an executor receives it: Java-serialized and read back. */
    static ScoringPlan roundTrip(ScoringPlan plan) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(plan);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ScoringPlan) in.readObject();
        }
    }
}
