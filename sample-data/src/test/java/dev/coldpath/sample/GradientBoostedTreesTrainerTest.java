package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GradientBoostedTreesTrainerTest {

    @Test
    void thresholdBetweenAdjacentFloatsIsTheLowerSoLessOrEqualStillSeparatesThem() {
        float lower = 0.1f;
        float upper = Math.nextUp(lower);

        float threshold = GradientBoostedTreesTrainer.threshold(lower, upper);

        assertThat(threshold).isEqualTo(lower);
        assertThat(upper <= threshold).isFalse();
    }

    @Test
    void thresholdIsTheFloatMidpointWhenOneExists() {
        assertThat(GradientBoostedTreesTrainer.threshold(1f, 2f)).isEqualTo(1.5f);
    }

    @Test
    void treesStayWithinTheirDepthAndSeparateATrivialDataSetExactly() {
        float[][] x = {{0f, 5f}, {1f, 5f}, {2f, 5f}, {3f, 5f}, {10f, 5f}, {11f, 5f}, {12f, 5f}, {13f, 5f}};
        int[] y = {0, 0, 0, 0, 1, 1, 1, 1};

        BoostedTreesModel model = new GradientBoostedTreesTrainer(5, 2, 0.5, 1).train(x, y);

        assertThat(model.trees()).hasSize(5).allSatisfy(tree -> assertThat(tree.depth()).isLessThanOrEqualTo(2));
        for (int i = 0; i < x.length; i++) {
            assertThat(model.label(x[i])).isEqualTo(y[i]);
        }
        assertThat(model.trees().get(0).feature()[0]).isZero();
        assertThat(model.trees().get(0).threshold()[0]).isEqualTo(6.5f);
    }
}
