package dev.coldpath.core.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pointer's periods, promotion, rollback, and the formats it is read and written in. */
class CurrentPointerTest {
    private static final String NOW = "2026-11-29T02:00:00Z";

    private static CurrentPointer.Entry run(String version, String id) {
        return new CurrentPointer.Entry(id, "model_version=" + version + "/run_id=" + id);
    }

    @Test
    void eachPeriodKeepsItsOwnCurrentRunAndTheLatestPeriodIsTheTablesCurrentRun() {
        CurrentPointer p = CurrentPointer.empty()
                .promote("2026-11-27", run("1.0.0", "2026-11-27"), "night", NOW)
                .promote("2026-11-28", run("1.0.0", "2026-11-28"), "night", NOW)
                .promote("2026-11-25", run("1.0.0", "2026-11-25"), "backfill", NOW);

        assertThat(p.currentSlots()).extracting(CurrentPointer.Slot::runId)
                .containsExactly("2026-11-25", "2026-11-27", "2026-11-28");
        assertThat(p.runId()).isEqualTo("2026-11-28");
        assertThat(p.dataPath()).isEqualTo("model_version=1.0.0/run_id=2026-11-28");
        assertThat(p.latest().orElseThrow().period()).isEqualTo("2026-11-28");
    }

    @Test
    void aRerunOfAPeriodPushesItsPreviousRunIntoThatPeriodsHistoryAndRollbackRestoresIt() {
        CurrentPointer p = CurrentPointer.empty()
                .promote("2026-11-28", run("1.0.0", "2026-11-28"), "night", NOW)
                .promote("2026-11-28", run("1.1.0", "2026-11-28"), "rerun", NOW);

        assertThat(p.slot("2026-11-28").orElseThrow().history()).containsExactly(run("1.0.0", "2026-11-28"));

        CurrentPointer back = p.rollBack("2026-11-28", dataPath -> true, NOW).orElseThrow();

        assertThat(back.dataPath()).isEqualTo("model_version=1.0.0/run_id=2026-11-28");
        assertThat(back.reason()).isEqualTo("rolled back from 2026-11-28");
        assertThat(back.slot("2026-11-28").orElseThrow().history()).isEmpty();
    }

    @Test
    void rollingBackAPeriodsOnlyRunWithdrawsThePeriodAndTheTablesCurrentRunIsThePreviousPeriods() {
        CurrentPointer p = CurrentPointer.empty()
                .promote("2026-11-27", run("1.0.0", "2026-11-27"), "night", NOW)
                .promote("2026-11-28", run("1.0.0", "2026-11-28"), "night", NOW);

        CurrentPointer back = p.rollBack("2026-11-28", dataPath -> true, NOW).orElseThrow();

        assertThat(back.slot("2026-11-28").orElseThrow().current()).isEmpty();
        assertThat(back.runId()).isEqualTo("2026-11-27");
        assertThat(back.rollBack("2026-11-28", dataPath -> true, NOW)).isEmpty();
        assertThat(back.promote("2026-11-28", run("1.0.0", "2026-11-28"), "again", NOW).runId())
                .isEqualTo("2026-11-28");
    }

    @Test
    void rollbackSkipsRunsThatNoLongerExist() {
        CurrentPointer p = CurrentPointer.empty()
                .promote(null, run("1.0.0", "a"), "r", NOW)
                .promote(null, run("1.0.0", "b"), "r", NOW)
                .promote(null, run("1.0.0", "c"), "r", NOW);

        CurrentPointer back = p.rollBack(null, dataPath -> !dataPath.endsWith("=b"), NOW).orElseThrow();

        assertThat(back.runId()).isEqualTo("a");
    }

    @Test
    void runsWithoutAPeriodShareOneSlotThatCountsAsTheLatest() {
        CurrentPointer p = CurrentPointer.empty()
                .promote("2026-11-28", run("1.0.0", "2026-11-28"), "night", NOW)
                .promote(null, run("1.0.0", "adhoc"), "by hand", NOW);

        assertThat(p.slots()).extracting(CurrentPointer.Slot::label).containsExactly("2026-11-28", "(none)");
        assertThat(p.runId()).isEqualTo("adhoc");
    }

    @Test
    void aPointerOfFormatOneIsReadAndPutIntoThePeriodsOfItsRuns() {
        String v1 = """
                {
                  "run_id" : "2026-11-28",
                  "data_path" : "model_version=1.0.0/run_id=2026-11-28",
                  "updated_at" : "2026-11-28T02:14:03.512Z",
                  "reason" : "promoted on success",
                  "history" : [ { "run_id" : "2026-11-27", "data_path" : "model_version=1.0.0/run_id=2026-11-27" },
                                { "run_id" : "gone", "data_path" : "model_version=1.0.0/run_id=gone" },
                                { "run_id" : "2026-11-28", "data_path" : "model_version=0.9.0/run_id=2026-11-28" } ]
                }
                """;
        CurrentPointer read = TableJson.read(v1.getBytes(StandardCharsets.UTF_8), CurrentPointer.class, "v1");
        Map<String, String> periods = Map.of("model_version=1.0.0/run_id=2026-11-28", "2026-11-28",
                "model_version=1.0.0/run_id=2026-11-27", "2026-11-27",
                "model_version=0.9.0/run_id=2026-11-28", "2026-11-28");

        CurrentPointer upgraded = read.upgrade(dataPath -> Optional.ofNullable(periods.get(dataPath))
                .map(Optional::of));

        assertThat(read.periods()).isNull();
        assertThat(upgraded.formatVersion()).isEqualTo(CurrentPointer.FORMAT_VERSION);
        assertThat(upgraded.currentSlots()).extracting(CurrentPointer.Slot::runId)
                .containsExactly("2026-11-27", "2026-11-28");
        assertThat(upgraded.slot("2026-11-28").orElseThrow().history())
                .containsExactly(run("0.9.0", "2026-11-28"));
        assertThat(upgraded.runId()).isEqualTo("2026-11-28");
        assertThat(upgraded.reason()).isEqualTo("promoted on success");
    }

    @Test
    void formatTwoKeepsTheTopLevelFieldsOfFormatOneAndReadsBackEqual() {
        CurrentPointer p = CurrentPointer.empty()
                .promote("2026-11-27", run("1.0.0", "2026-11-27"), "night", NOW)
                .promote("2026-11-28", run("1.0.0", "2026-11-28"), "night", NOW)
                .withSequence(7);

        String json = new String(TableJson.write(p), StandardCharsets.UTF_8);
        CurrentPointer back = TableJson.read(json.getBytes(StandardCharsets.UTF_8), CurrentPointer.class, "p");

        assertThat(back).isEqualTo(p);
        assertThat(json).contains("\"format_version\" : 2", "\"sequence\" : 7", "\"run_id\" : \"2026-11-28\"",
                "\"data_path\" : \"model_version=1.0.0/run_id=2026-11-28\"", "\"periods\" : [")
                .doesNotContain("\"slots\"", "\"latest\"", "\"label\"", "\"current\"");
        assertThat(json.split("\"period\" :", -1)).as("one period field per slot").hasSize(3);
    }
}
