package dev.coldpath.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.registry.SemVer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SemVer 2.0 parsing and precedence, as the registry orders versions. */
class ModelRegistrySemVerTest {
    /** Each version has lower precedence than the next (semver.org section 11, and the cases people get wrong). */
    private static final List<String> ASCENDING = List.of(
            "0.9.9", "1.0.0-0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
            "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.9.0", "1.10.0", "2.0.0-rc.1", "2.0.0", "2.1.0",
            "10.0.0");

    static Stream<Arguments> orderedPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < ASCENDING.size(); i++) {
            pairs.add(Arguments.of(ASCENDING.get(i), ASCENDING.get(i + 1)));
        }
        pairs.add(Arguments.of("1.0.0-alpha-1", "1.0.0-alpha-2"));
        pairs.add(Arguments.of("1.0.0-99999999999999999999", "1.0.0-100000000000000000000"));
        pairs.add(Arguments.of("1.0.0-2", "1.0.0-10"));
        pairs.add(Arguments.of("1.0.0-10", "1.0.0-9a"));
        pairs.add(Arguments.of("1.0.0-beta.2.0", "1.0.0-beta.2.0.0"));
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} < {1}")
    @MethodSource("orderedPairs")
    void lowerVersionHasLowerPrecedenceInBothDirections(String lower, String higher) {
        SemVer a = SemVer.parse(lower);
        SemVer b = SemVer.parse(higher);

        assertThat(a.compareTo(b)).isNegative();
        assertThat(b.compareTo(a)).isPositive();
    }

    @Test
    void sortingAShuffledListRestoresSemVerOrder() {
        List<SemVer> shuffled = new ArrayList<>(ASCENDING.stream().map(SemVer::parse).toList());
        Collections.shuffle(shuffled, new Random(7));

        Collections.sort(shuffled);

        assertThat(shuffled).map(SemVer::toString).containsExactlyElementsOf(ASCENDING);
    }

    @Test
    void buildMetadataIsIgnoredByPrecedenceButKeptInTheValue() {
        SemVer a = SemVer.parse("1.4.0+build.1");
        SemVer b = SemVer.parse("1.4.0+build.2");

        assertThat(a.compareTo(b)).isZero();
        assertThat(a).isNotEqualTo(b);
        assertThat(a.build()).isEqualTo("build.1");
        assertThat(a.withoutBuild()).isEqualTo(SemVer.parse("1.4.0"));
    }

    @Test
    void parseSplitsEveryPartAndPrintsTheSameText() {
        SemVer v = SemVer.parse("12.0.3-rc.1-fix.7+sha.5114f85");

        assertThat(v).isEqualTo(new SemVer(12, 0, 3, "rc.1-fix.7", "sha.5114f85"));
        assertThat(v.isPreRelease()).isTrue();
        assertThat(v).hasToString("12.0.3-rc.1-fix.7+sha.5114f85");
        assertThat(SemVer.parse("1.4.0").isPreRelease()).isFalse();
    }

    static Stream<Arguments> invalidVersions() {
        return Stream.of(
                Arguments.of("1", "must be MAJOR.MINOR.PATCH"),
                Arguments.of("1.4", "must be MAJOR.MINOR.PATCH"),
                Arguments.of("1.2.3.4", "must be MAJOR.MINOR.PATCH"),
                Arguments.of("v1.2.3", "must be MAJOR.MINOR.PATCH"),
                Arguments.of(" 1.2.3", "must be MAJOR.MINOR.PATCH"),
                Arguments.of("", "must be MAJOR.MINOR.PATCH"),
                Arguments.of("latest", "must be MAJOR.MINOR.PATCH"),
                Arguments.of("01.2.3", "must not have leading zeros"),
                Arguments.of("1.02.3", "must not have leading zeros"),
                Arguments.of("1.2.3-", "pre-release identifiers must not be empty"),
                Arguments.of("1.2.3-a..b", "pre-release identifiers must not be empty"),
                Arguments.of("1.2.3-01", "numeric pre-release identifiers must not have leading zeros"),
                Arguments.of("1.2.3-rc_1", "may contain only ASCII letters, digits and '-'"),
                Arguments.of("1.2.3+", "build metadata identifiers must not be empty"),
                Arguments.of("1.2.3+a+b", "build metadata identifiers may contain only"),
                Arguments.of("99999999999999999999.0.0", "must be at most"));
    }

    @ParameterizedTest(name = "''{0}''")
    @MethodSource("invalidVersions")
    void invalidVersionIsRefusedNamingTheValueAndTheRule(String text, String rule) {
        assertThatThrownBy(() -> SemVer.parse(text))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Invalid version '" + text + "': ")
                .hasMessageContaining(rule);
    }
}
