package dev.coldpath.core.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The comparison statistics on small data worked out by hand, and at the edges (ties, many classes, many values). */
class ComparisonStatisticsTest {
    private static ValueSketch sketch(double... values) {
        ValueSketch sketch = new ValueSketch();
        Arrays.stream(values).forEach(sketch::add);
        return sketch;
    }

    @Test
    void psiCutsAtTheReferencesDecilesAndCountsAnEmptyBinAsEpsilon() {
        // reference 1..10: edges 1..9, a tenth in each bin; actual: half in bin 1, a tenth in bins 2-6, none in 7-10
        ValueSketch reference = sketch(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        ValueSketch actual = sketch(1, 1, 1, 1, 1, 2, 3, 4, 5, 6);

        // (0.5 - 0.1) ln 5 + 4 (0.0001 - 0.1) ln (0.0001 / 0.1)
        assertThat(Psi.ofScores(reference, actual)).isCloseTo(0.4 * Math.log(5) + 4 * (1e-4 - 0.1)
                * Math.log(1e-3), within(1e-12)).isCloseTo(3.4041141744549024, within(1e-12));
        assertThat(Psi.ofScores(reference, reference)).isZero();
    }

    @Test
    void psiOfTiedReferenceValuesLeavesTheRepeatedEdgesBinsEmpty() {
        // reference: eight 0s, then 1 and 2; edges 0 (x8), 1: bins 2-8 are empty for both, so add nothing
        ValueSketch reference = sketch(0, 0, 0, 0, 0, 0, 0, 0, 1, 2);
        ValueSketch actual = sketch(0, 0, 0, 0, 0, 0, 0, 0, 2, 2);

        // bin 1: 0.8 / 0.8; bin 9 (up to 1): 0.1 / 0 -> epsilon; bin 10: 0.1 / 0.2
        assertThat(Psi.ofScores(reference, actual)).isCloseTo((1e-4 - 0.1) * Math.log(1e-4 / 0.1)
                + (0.2 - 0.1) * Math.log(2), within(1e-12));
    }

    @Test
    void classPsiUsesEachClassSharesWithEpsilonForAClassOneSideNeverGave() {
        assertThat(Psi.ofClasses(Map.of("a", 50L, "b", 50L), Map.of("a", 100L)))
                .isCloseTo((1 - 0.5) * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5), within(1e-12));
    }

    @Test
    void scoresByHand() {
        ScoreComparison c = new ScoreComparison();
        double[] champion = {0.1, 0.2, 0.3, 0.4};
        double[] other = {0.1, 0.4, 0.2, 0.8};
        for (int i = 0; i < 4; i++) {
            c.add(champion[i], other[i]);
        }
        c.add(Double.NaN, 1); // left out

        ComparisonSummary.Scores s = c.summary("p");
        assertThat(s.rows()).isEqualTo(4);
        assertThat(s.meanAbsDiff()).isCloseTo((0 + 0.2 + 0.1 + 0.4) / 4, within(1e-12));
        assertThat(s.p99AbsDiff()).as("rank ceil(0.99 x 4) = 4: the largest").isCloseTo(0.4, within(1e-12));
        // means 0.25 and 0.375; deviations (-.15,-.05,.05,.15) and (-.275,.025,-.175,.425)
        double cov = -.15 * -.275 + -.05 * .025 + .05 * -.175 + .15 * .425;
        double sx = Math.sqrt(.15 * .15 * 2 + .05 * .05 * 2);
        double sy = Math.sqrt(.275 * .275 + .025 * .025 + .175 * .175 + .425 * .425);
        assertThat(s.pearson()).isCloseTo(cov / (sx * sy), within(1e-12));
        assertThat(s.meanOther()).isCloseTo(0.375, within(1e-12));
    }

    @Test
    void histogramsBinBothModelsValuesOverTheirCommonRangeAndTheSignedDifferencesAroundZero() {
        ScoreComparison c = new ScoreComparison();
        double[] champion = {0.1, 0.2, 0.3, 0.4};
        double[] other = {0.1, 0.4, 0.2, 0.8};
        for (int i = 0; i < 4; i++) {
            c.add(champion[i], other[i]);
        }

        ComparisonSummary.Scores s = c.summary("p");
        // 20 bins of 0.035 from 0.1 to 0.8: 0.1 is in the first bin, 0.2 in (0.17, 0.205], 0.3 in (0.275, 0.31],
        // 0.4 in (0.38, 0.415], 0.8 in the last
        assertThat(s.histogram()).hasSize(ScoreComparison.HISTOGRAM_BINS);
        assertThat(s.histogram().get(0).lower()).isEqualTo(0.1);
        assertThat(s.histogram().get(19).upper()).isEqualTo(0.8);
        assertThat(s.histogram().get(2).upper()).isCloseTo(0.205, within(1e-12));
        long[] championCounts = s.histogram().stream().mapToLong(ComparisonSummary.PairBin::champion).toArray();
        long[] otherCounts = s.histogram().stream().mapToLong(ComparisonSummary.PairBin::other).toArray();
        assertThat(championCounts).containsExactly(1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(otherCounts).containsExactly(1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        // differences 0, 0.2, -0.1, 0.4: 21 bins of 0.8 / 21 from -0.4 to 0.4, bin 10 centred on 0
        List<ComparisonSummary.Bin> d = s.differenceHistogram();
        assertThat(d).hasSize(ScoreComparison.DIFFERENCE_BINS);
        assertThat(d.get(0).lower()).isEqualTo(-0.4);
        assertThat(d.get(20).upper()).isEqualTo(0.4);
        assertThat(d.get(10).lower()).isCloseTo(-0.4 / 21, within(1e-12));
        assertThat(d.stream().mapToLong(ComparisonSummary.Bin::count).toArray())
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    }

    @Test
    void driftOfAScoreKeepsBothRunsHistogramOverTheirCommonRange() {
        RunDrift.Distribution previous = new RunDrift.Distribution(true);
        RunDrift.Distribution current = new RunDrift.Distribution(true);
        for (double v : new double[] {0, 0.5, 1, 1, Double.NaN}) {
            previous.addScore(v);
        }
        for (double v : new double[] {1.5, 2}) {
            current.addScore(v);
        }

        RunDrift.Output drift = RunDrift.output("p", previous, current);
        // 20 bins of 0.1 from 0 to 2: 0 in the first, 0.5 in (0.4, 0.5], 1 in (0.9, 1], 1.5 in (1.4, 1.5], 2 last
        assertThat(drift.histogram()).hasSize(20);
        assertThat(drift.histogram().stream().mapToLong(RunDrift.Bin::previous).toArray())
                .containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(drift.histogram().stream().mapToLong(RunDrift.Bin::current).toArray())
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        RunDrift.Distribution labels = new RunDrift.Distribution(false);
        labels.addLabel("a");
        assertThat(RunDrift.output("l", labels, labels).histogram()).isEmpty();
    }

    @Test
    void equalScoresGiveOneBinEach() {
        ScoreComparison c = new ScoreComparison();
        c.add(0.5, 0.5);
        c.add(0.5, 0.5);

        ComparisonSummary.Scores s = c.summary("p");
        assertThat(s.histogram()).containsExactly(new ComparisonSummary.PairBin(0.5, 0.5, 2, 2));
        assertThat(s.differenceHistogram()).containsExactly(new ComparisonSummary.Bin(0, 0, 2));
    }

    @Test
    void aConstantScoreHasNoCorrelationAndNoRowsHaveNoStatistics() {
        ScoreComparison constant = new ScoreComparison();
        constant.add(1, 0.5);
        constant.add(1, 0.7);

        assertThat(constant.summary("p").pearson()).isNull();
        assertThat(new ScoreComparison().summary("p")).isEqualTo(new ComparisonSummary.Scores("p", 0, null, null,
                null, null, null, null, true));
        assertThat(new LabelComparison().summary("l").agreement()).isNull();
    }

    @Test
    void theConfusionMatrixShowsTheTwentyMostFrequentClassesAndPoolsTheRest() {
        LabelComparison labels = new LabelComparison();
        long rows = 0;
        for (int c = 0; c < 25; c++) { // class c appears 100 - c times; the other model shifts every 4th row by one
            for (int i = 0; i < 100 - c; i++) {
                labels.add("c" + c, "c" + (i % 4 == 0 ? (c + 1) % 25 : c));
                rows++;
            }
        }

        ComparisonSummary.Labels s = labels.summary("label");
        // ranked by rows in either model: c1 198, c2 196, c0 194, c3 194 (ties by name), ... c19 162, c20 161
        assertThat(s.classes()).hasSize(21).startsWith("c1", "c2", "c0", "c3").endsWith(LabelComparison.OTHER)
                .containsAll(IntStream.range(0, 20).mapToObj(c -> "c" + c).toList());
        assertThat(s.confusion()).hasSize(21).allSatisfy(row -> assertThat(row).hasSize(21));
        assertThat(s.confusion().stream().flatMap(List::stream).mapToLong(Long::longValue).sum()).isEqualTo(rows);
        assertThat(s.confusion().get(0).get(0)).isEqualTo(74); // c1: 99 rows, 25 of them shifted to c2
        assertThat(s.confusion().get(0).get(1)).isEqualTo(25);
        // c20-c24 pooled: their rows stay in the pool, shifted or not, except c24's 19 shifted to c0
        assertThat(s.confusion().get(20).get(20)).isEqualTo(80 + 79 + 78 + 77 + (76 - 19));
        assertThat(s.confusion().get(20).get(s.classes().indexOf("c0"))).isEqualTo(19);
        long shifted = 0;
        for (int c = 0; c < 25; c++) {
            shifted += (100 - c + 3) / 4;
        }
        assertThat(s.agreement()).isCloseTo(1 - (double) shifted / rows, within(1e-12));
        assertThat(s.truncated()).isFalse();
    }

    @Test
    void beyondTenThousandDistinctValuesQuantilesStayWithinATenthOfAPercent() {
        Random random = new Random(15);
        ValueSketch sketch = new ValueSketch();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            double v = Math.exp(random.nextGaussian() * 3) * (i % 5 == 0 ? -1 : 1);
            values.add(v);
            sketch.add(v);
        }
        values.sort(Double::compare);

        assertThat(sketch.exact()).isFalse();
        for (double q : new double[] {0.01, 0.1, 0.25, 0.5, 0.9, 0.99}) {
            double truth = values.get((int) Math.ceil(q * values.size()) - 1);
            assertThat(sketch.quantile(q)).as("quantile %s", q).isCloseTo(truth,
                    within(Math.abs(truth) * 2.1 * ValueSketch.RELATIVE_ACCURACY));
        }
    }

    @Test
    void bucketedSketchesMergedFromPartsEqualOneSketchOfAllValues() {
        Random random = new Random(16);
        ValueSketch whole = new ValueSketch();
        List<ValueSketch> parts = List.of(new ValueSketch(), new ValueSketch(), new ValueSketch(), new ValueSketch());
        for (int i = 0; i < 60_000; i++) {
            // magnitudes from 1e-9 to 1e9 on both sides of zero, and zeros: the buckets grow both ways
            double v = i % 97 == 0 ? 0 : Math.pow(10, random.nextDouble() * 18 - 9) * (random.nextBoolean() ? 1 : -1);
            whole.add(v);
            parts.get(i < 3_000 ? 0 : 1 + i % 3).add(v); // part 0 stays exact until merged with bucketed ones
        }
        ValueSketch merged = new ValueSketch().merge(parts.get(0)).merge(parts.get(1)).merge(parts.get(2))
                .merge(parts.get(3));

        assertThat(parts.get(0).exact()).isTrue();
        assertThat(merged.exact()).isFalse();
        assertThat(merged.count()).isEqualTo(whole.count()).isEqualTo(60_000);
        for (double q : new double[] {0.001, 0.1, 0.3, 0.5, 0.51, 0.7, 0.9, 0.999, 1}) {
            assertThat(merged.quantile(q)).as("quantile %s", q).isEqualTo(whole.quantile(q));
            assertThat(merged.countAtMost(whole.quantile(q))).isEqualTo(whole.countAtMost(whole.quantile(q)));
        }
    }
}
