package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SampleParquetFilesTest {

    static Stream<Arguments> schemas() {
        Map<String, String> breastCancer = new LinkedHashMap<>();
        breastCancer.put("id", "BIGINT");
        SampleDatasets.BREAST_CANCER_FEATURES.forEach(name -> breastCancer.put(name, "FLOAT"));
        breastCancer.put("diagnosis", "INTEGER");

        Map<String, String> wine = new LinkedHashMap<>();
        wine.put("id", "BIGINT");
        wine.put("features", "FLOAT[]");
        wine.put("cultivar", "INTEGER");

        Map<String, String> iris = new LinkedHashMap<>();
        iris.put("id", "BIGINT");
        List.of("sepal_length", "sepal_width", "petal_length", "petal_width").forEach(name -> iris.put(name, "FLOAT"));
        iris.put("species", "VARCHAR");

        return Stream.of(
                Arguments.of("data/breast_cancer.parquet", breastCancer, 569),
                Arguments.of("data/wine.parquet", wine, 178),
                Arguments.of("data/iris.parquet", iris, 150));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void eachFileHasItsDocumentedColumnsInOrderAndIdsZeroToNMinusOneInFileOrder(
            String file, Map<String, String> columns, int rowCount) {
        Path path = SampleDirectory.resolve(file);

        assertThat(SampleDirectory.parquetColumnTypes(path)).containsExactlyEntriesOf(columns);
        List<Map<String, Object>> rows = SampleDirectory.readParquet(path);
        assertThat(rows).hasSize(rowCount);
        for (int i = 0; i < rowCount; i++) {
            assertThat(rows.get(i).get("id")).isEqualTo((long) i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void featureColumnsAreStoredAsParquetFloatNotDouble(String file, Map<String, String> columns, int rowCount) {
        Path path = SampleDirectory.resolve(file);
        List<Map<String, Object>> schema = SampleDirectory.query("SELECT name, type FROM parquet_schema('"
                + path.toAbsolutePath() + "') WHERE type IS NOT NULL AND name NOT IN ('id', 'diagnosis', 'cultivar', "
                + "'species')");

        assertThat(schema).isNotEmpty().allSatisfy(column -> assertThat(column.get("type")).isEqualTo("FLOAT"));
    }

    @Test
    void breastCancerKeepsScikitLearnsCodingOf212MalignantZerosAnd357BenignOnes() {
        List<Map<String, Object>> rows = SampleDirectory.query("SELECT diagnosis, count(*) AS n FROM read_parquet('"
                + SampleDirectory.resolve("data/breast_cancer.parquet").toAbsolutePath()
                + "') GROUP BY diagnosis ORDER BY diagnosis");

        assertThat(rows).extracting(row -> row.get("diagnosis"), row -> row.get("n"))
                .containsExactly(tuple(0, 212L), tuple(1, 357L));
        Map<String, Object> first = SampleDirectory.readParquet(SampleDirectory.resolve("data/breast_cancer.parquet"))
                .get(0);
        assertThat(first.get("mean_radius")).isEqualTo(17.99f);
        assertThat(first.get("worst_fractal_dimension")).isEqualTo(0.1189f);
    }

    @Test
    void everyWineRowHoldsThirteenFeaturesAndACultivarFromZeroToTwo() {
        List<Map<String, Object>> rows = SampleDirectory.readParquet(SampleDirectory.resolve("data/wine.parquet"));

        assertThat(rows).allSatisfy(row -> {
            assertThat((List<?>) row.get("features")).hasSize(13).doesNotContainNull();
            assertThat((Integer) row.get("cultivar")).isBetween(0, 2);
        });
        List<?> first = (List<?>) rows.get(0).get("features");
        assertThat(first.get(0)).isEqualTo(14.23f);
        assertThat(first.get(12)).isEqualTo(1065f);
    }

    @Test
    void irisSpeciesAreNamedFiftyEachInCsvOrder() {
        List<Map<String, Object>> rows = SampleDirectory.readParquet(SampleDirectory.resolve("data/iris.parquet"));
        List<Object> species = new ArrayList<>();
        rows.forEach(row -> species.add(row.get("species")));

        assertThat(species.subList(0, 50)).containsOnly("setosa");
        assertThat(species.subList(50, 100)).containsOnly("versicolor");
        assertThat(species.subList(100, 150)).containsOnly("virginica");
        assertThat(rows.get(0)).containsEntry("sepal_length", 5.1f).containsEntry("petal_width", 0.2f);
    }
}
