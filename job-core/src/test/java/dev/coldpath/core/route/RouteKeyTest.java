package dev.coldpath.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteKeyTest {
    @ParameterizedTest(name = "\"{0}\" seed {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                            | 0          | 00000000
            ''                                            | 1          | 514e28b7
            ''                                            | ffffffff   | 81f16f39
            a                                             | 9747b28c   | 7fa09ea6
            aa                                            | 9747b28c   | 5d211726
            aaa                                           | 9747b28c   | 283e0130
            aaaa                                          | 9747b28c   | 5a97808a
            abc                                           | 0          | b3dd93fa
            Hello, world!                                 | 9747b28c   | 24884cba
            The quick brown fox jumps over the lazy dog   | 9747b28c   | 2fa826cd
            """)
    void murmur3MatchesThePublishedVectors(String text, String seed, String expected) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        assertThat(RouteKey.murmur3(bytes, bytes.length, Integer.parseUnsignedInt(seed, 16)))
                .isEqualTo(Integer.parseUnsignedInt(expected, 16));
    }

    @Test
    void fourZeroBytesHashAsPublished() {
        assertThat(RouteKey.murmur3(new byte[4], 4, 0)).isEqualTo(0x2362f9de);
    }

    @Test
    void keyValuesBecomeTheDocumentedCanonicalBytes() {
        byte[] bytes = new RouteKey().appendLong(-2).appendString("é").appendNull().appendBoolean(true).bytes();

        assertThat(HexFormat.of().formatHex(bytes))
                .isEqualTo("01" + "feffffffffffffff" + "02" + "02000000" + "c3a9" + "00" + "0301");
    }

    @Test
    void integersOfEveryWidthRouteAlikeAndStringsDifferFromNumbers() {
        assertThat(RouteKey.bucketOf((byte) 7)).isEqualTo(RouteKey.bucketOf((short) 7))
                .isEqualTo(RouteKey.bucketOf(7)).isEqualTo(RouteKey.bucketOf(7L));
        assertThat(new RouteKey().append("7").bytes()).isNotEqualTo(new RouteKey().append(7L).bytes());
        assertThat(new RouteKey().append(null).append("a").bytes())
                .as("a null and an empty string are told apart")
                .isNotEqualTo(new RouteKey().append("").append("a").bytes());
    }

    /**
     * The values docs/models.md gives for engines that reimplement the hash, computed outside the project by a
     * separate Python implementation of the documented encoding and of MurmurHash3 (the script in docs/models.md).
     */
    @Test
    void documentedExampleBucketsStayTheSame() {
        assertThat(RouteKey.bucketOf(42L)).isEqualTo(838);
        assertThat(RouteKey.bucketOf("customer-1")).isEqualTo(8468);
        assertThat(RouteKey.bucketOf(7L, "eu")).isEqualTo(6567);
    }

    @ParameterizedTest(name = "{0} %")
    @CsvSource({"1", "10", "50", "0.5"})
    void theCanarysShareOf100kKeysIsWithinOnePercentOfItsPercent(double percent) {
        CanaryRouting routing = new CanaryRouting(List.of(), (int) Math.round(percent * 100));
        RouteKey key = new RouteKey();
        int numeric = 0;
        int text = 0;
        for (long id = 0; id < 100_000; id++) {
            numeric += routing.toCanary(key.reset().appendLong(id).bucket()) ? 1 : 0;
            text += routing.toCanary(key.reset().appendString("customer-" + id).bucket()) ? 1 : 0;
        }

        assertThat(numeric / 1000.0).isCloseTo(percent, Offset.offset(1.0));
        assertThat(text / 1000.0).isCloseTo(percent, Offset.offset(1.0));
        // sampling noise alone is about 0.1 point at 10 %: a biased hash would show well before 1 point
        assertThat(numeric / 1000.0).isCloseTo(percent, Offset.offset(0.3));
    }

    @Test
    void aKeysBucketDependsOnlyOnItsValuesNotOnPartitionsOrOrder() {
        int n = 100_000;
        int[] onePass = new int[n];
        RouteKey key = new RouteKey();
        for (int id = 0; id < n; id++) {
            onePass[id] = key.reset().appendLong(id).appendString("r" + (id % 7)).bucket();
        }
        int[] eightPartitions = new int[n];
        for (int p = 7; p >= 0; p--) { // each partition its own key, partitions in reverse, rows in reverse
            RouteKey own = new RouteKey();
            for (int id = n - 1 - ((n - 1 - p) % 8); id >= 0; id -= 8) {
                if (id % 8 == p) {
                    eightPartitions[id] = own.reset().appendLong(id).appendString("r" + (id % 7)).bucket();
                }
            }
        }

        assertThat(eightPartitions).isEqualTo(onePass);
        assertThat(RouteKey.bucketOf(12345L, "r4")).isEqualTo(onePass[12345]);
    }

    @Test
    void noCanaryAtZeroAndEveryKeyAtAHundredPercent() {
        CanaryRouting none = new CanaryRouting(List.of(), 0);
        CanaryRouting all = new CanaryRouting(List.of(), RouteKey.BUCKETS);
        for (int bucket = 0; bucket < RouteKey.BUCKETS; bucket++) {
            assertThat(none.toCanary(bucket)).isFalse();
            assertThat(all.toCanary(bucket)).isTrue();
        }
    }
}
