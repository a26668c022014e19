package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.route.RouteKey;
import java.util.Random;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.junit.jupiter.api.Test;

/**
 * coldpath's routing hash is the standard MurmurHash3 x86_32, so an engine can reproduce it from its own library:
 * here Spark's ({@code hashUnsafeBytes2}, the standard tail handling), over the documented canonical bytes.
 */
class RouteKeySparkHashTest {
    @Test
    void bucketsEqualSparksMurmur3OfTheCanonicalBytes() {
        Random random = new Random(15);
        RouteKey key = new RouteKey();
        for (int i = 0; i < 20_000; i++) {
            key.reset().appendLong(random.nextLong());
            if (i % 2 == 0) {
                key.appendString("customer-" + random.nextInt(1_000_000) + "é".repeat(i % 5));
            }
            if (i % 3 == 0) {
                key.appendNull().appendBoolean(random.nextBoolean());
            }
            byte[] bytes = key.bytes();
            int spark = Murmur3_x86_32.hashUnsafeBytes2(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length,
                    RouteKey.SEED);

            assertThat(key.bucket()).isEqualTo((int) (Integer.toUnsignedLong(spark) % RouteKey.BUCKETS));
        }
    }
}
