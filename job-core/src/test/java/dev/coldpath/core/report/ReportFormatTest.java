package dev.coldpath.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportFormatTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0.42|0.42 ms", "3.44|3.4 ms", "250|250 ms", "6870|6.9 s", "754000|12 min 34 s", "3723000|1 h 02 min"})
    void durationsCarryAUnitAReaderTakesInAtAGlance(double ms, String shown) {
        assertThat(ReportHtml.millis(ms)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"3|3", "1234567|1,234,567", "0.25|0.25", "1234.5|1,234.5", "0.6|0.6",
        "0.00001234|1.23e-05", "5230.5|5,230.5"})
    void numbersShowNoNeedlessDigits(double v, String shown) {
        assertThat(ReportHtml.number(v)).isEqualTo(shown);
    }

    @Test
    void markupCharactersAndControlsAreNeutralised() {
        assertThat(ReportHtml.escape("<a href=\"x\" title='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
        assertThat(ReportHtml.escape("a\u0000b\uD800c\uD83D\uDE00\td")).isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00\td");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0.0733|0.073", "0.162|0.16", "1.77|1.8", "19.38|19", "95.49|95", "212|212",
        "0.5|0.5", "2.5|2.5", "10.82|11"})
    void axisLabelsKeepTwoSignificantDigits(double v, String shown) {
        assertThat(ReportHtml.tick(v)).isEqualTo(shown);
    }

    @Test
    void byteCountsUseBinaryUnits() {
        assertThat(ReportHtml.bytes(512)).isEqualTo("512 B");
        assertThat(ReportHtml.bytes(81920)).isEqualTo("80.0 KiB");
        assertThat(ReportHtml.bytes(35_651_584)).isEqualTo("34.0 MiB");
    }

    @Test
    void axisTicksAreRoundNumbersCoveringTheRange() {
        assertThat(ReportSvg.niceTicks(0, 569, 5)).containsExactly(0.0, 200.0, 400.0, 600.0);
        assertThat(ReportSvg.niceTicks(0, 1, 5)).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
        assertThat(ReportSvg.niceTicks(3, 3, 5)).hasSizeGreaterThanOrEqualTo(2);
        List<Double> ticks = ReportSvg.niceTicks(0, 19, 8);
        assertThat(ticks.get(0)).isEqualTo(0.0);
        assertThat(ticks.get(ticks.size() - 1)).isGreaterThanOrEqualTo(19.0);
    }
}
