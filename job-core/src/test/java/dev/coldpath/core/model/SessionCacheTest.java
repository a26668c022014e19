package dev.coldpath.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.testing.SampleModels;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SessionCacheTest {
    private static byte[] logreg;
    private final List<OnnxModel> opened = new ArrayList<>();
    private final AtomicInteger loads = new AtomicInteger();

    @BeforeAll
    static void model() {
        logreg = SampleModels.bytes(SampleModels.LOGREG);
    }

    @AfterEach
    void closeLeftovers() {
        for (OnnxModel model : opened) {
            if (isOpen(model)) {
                model.close();
            }
        }
    }

    private Supplier<OnnxModel> loader(SessionSettings settings) {
        return () -> {
            loads.incrementAndGet();
            OnnxModel model = OnnxModel.open("logreg", logreg, settings);
            synchronized (opened) {
                opened.add(model);
            }
            return model;
        };
    }

    private Supplier<OnnxModel> loader() {
        return loader(SessionSettings.cpu(1));
    }

    private static SessionCache.Key key(String sha) {
        return new SessionCache.Key(sha, SessionSettings.cpu(1));
    }

    /** Whether the session still runs: a closed ONNX Runtime session refuses to. */
    private static boolean isOpen(OnnxModel model) {
        try (OnnxTensor input = OnnxTensor.createTensor(OnnxModel.environment(), new float[1][30]);
             OrtSession.Result result = model.run(Map.of("input", input), Set.of("probability"))) {
            return result.get("probability").isPresent();
        } catch (IllegalStateException e) {
            return false;
        } catch (OrtException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrentFirstAcquisitionsOfOneKeyLoadOnce() throws Exception {
        SessionCache cache = new SessionCache(4);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        Supplier<OnnxModel> slowLoader = () -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return loader().get();
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<SessionCache.Lease> leases;
        try {
            List<Future<SessionCache.Lease>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return cache.acquire(key("abc"), slowLoader);
                }));
            }
            start.countDown();
            leases = new ArrayList<>();
            for (Future<SessionCache.Lease> f : futures) {
                leases.add(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(loads).hasValue(1);
        assertThat(cache.sessionsCreated()).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);
        Map<OnnxModel, Boolean> distinct = new IdentityHashMap<>();
        leases.forEach(l -> distinct.put(l.model(), true));
        assertThat(distinct).hasSize(1);
        assertThat(leases).filteredOn(SessionCache.Lease::created).hasSize(1);
        leases.forEach(SessionCache.Lease::close);
        assertThat(isOpen(leases.get(0).model())).as("released, still cached").isTrue();
    }

    @Test
    void theLoadIsTimedInsideTheLoaderAndAReuseTakesNoLoadTime() {
        SessionCache cache = new SessionCache(2);
        Supplier<OnnxModel> fetchThenOpen = () -> {
            try {
                Thread.sleep(20); // the executor's fetch of the bytes belongs to the load
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return loader().get();
        };

        try (SessionCache.Lease first = cache.acquire(key("abc"), fetchThenOpen);
             SessionCache.Lease reused = cache.acquire(key("abc"), fetchThenOpen)) {
            assertThat(first.created()).isTrue();
            assertThat(first.loadNanos()).isGreaterThanOrEqualTo(20_000_000L);
            assertThat(reused.created()).isFalse();
            assertThat(reused.loadNanos()).isZero();
        }
    }

    @Test
    void sameKeyReusesTheSessionAndDifferentSettingsGetTheirOwn() {
        SessionCache cache = new SessionCache(4);
        SessionCache.Key one = new SessionCache.Key("abc", SessionSettings.cpu(1));
        SessionCache.Key two = new SessionCache.Key("abc", SessionSettings.cpu(2));

        try (SessionCache.Lease a = cache.acquire(one, loader(SessionSettings.cpu(1)));
             SessionCache.Lease again = cache.acquire(one, loader(SessionSettings.cpu(1)));
             SessionCache.Lease b = cache.acquire(two, loader(SessionSettings.cpu(2)))) {
            assertThat(again.model()).isSameAs(a.model());
            assertThat(again.created()).isFalse();
            assertThat(b.model()).isNotSameAs(a.model());
            assertThat(b.created()).isTrue();
            assertThat(b.model().settings()).isEqualTo(SessionSettings.cpu(2));
        }
        assertThat(loads).hasValue(2);
        assertThat(cache.sessionsCreated()).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void leastRecentlyUsedIdleSessionIsClosedBeyondCapacity() {
        SessionCache cache = new SessionCache(2);
        OnnxModel a;
        OnnxModel b;
        try (SessionCache.Lease lease = cache.acquire(key("a"), loader())) {
            a = lease.model();
        }
        try (SessionCache.Lease lease = cache.acquire(key("b"), loader())) {
            b = lease.model();
        }
        cache.acquire(key("a"), loader()).close(); // a is now more recent than b

        OnnxModel c;
        try (SessionCache.Lease lease = cache.acquire(key("c"), loader())) {
            c = lease.model();
        }

        assertThat(cache.size()).isEqualTo(2);
        assertThat(isOpen(b)).as("b, least recently used, is closed").isFalse();
        assertThat(isOpen(a)).isTrue();
        assertThat(isOpen(c)).isTrue();
        try (SessionCache.Lease lease = cache.acquire(key("b"), loader())) {
            assertThat(lease.created()).as("b is loaded again").isTrue();
            assertThat(lease.model()).isNotSameAs(b);
        }
        assertThat(cache.sessionsCreated()).isEqualTo(4);
    }

    @Test
    void heldSessionIsNotEvictedEvenWhenLeastRecentlyUsed() {
        SessionCache cache = new SessionCache(1);
        SessionCache.Lease held = cache.acquire(key("a"), loader());
        OnnxModel b;
        try (SessionCache.Lease lease = cache.acquire(key("b"), loader())) {
            b = lease.model();
            assertThat(cache.size()).as("both held: over capacity for now").isEqualTo(2);
        }

        assertThat(cache.size()).isEqualTo(1);
        assertThat(isOpen(held.model())).isTrue();
        assertThat(isOpen(b)).isFalse();
        try (SessionCache.Lease again = cache.acquire(key("a"), loader())) {
            assertThat(again.created()).isFalse();
            assertThat(again.model()).isSameAs(held.model());
        }
        held.close();
    }

    @Test
    void closingALeaseTwiceReleasesItOnce() {
        SessionCache cache = new SessionCache(1);
        SessionCache.Lease first = cache.acquire(key("a"), loader());
        SessionCache.Lease second = cache.acquire(key("a"), loader());
        first.close();
        first.close();

        cache.acquire(key("b"), loader()).close();

        assertThat(isOpen(second.model())).as("still held by the second lease").isTrue();
        second.close();
    }

    @Test
    void resetClosesIdleSessionsKeepsHeldOnesAndZeroesTheCounter() {
        SessionCache cache = new SessionCache(4);
        OnnxModel idle;
        try (SessionCache.Lease lease = cache.acquire(key("a"), loader())) {
            idle = lease.model();
        }
        SessionCache.Lease held = cache.acquire(key("b"), loader());
        assertThat(cache.sessionsCreated()).isEqualTo(2);

        cache.reset();

        assertThat(cache.sessionsCreated()).isZero();
        assertThat(cache.size()).isEqualTo(1);
        assertThat(isOpen(idle)).isFalse();
        assertThat(isOpen(held.model())).isTrue();
        held.close();
        try (SessionCache.Lease lease = cache.acquire(key("a"), loader())) {
            assertThat(lease.created()).isTrue();
        }
        assertThat(cache.sessionsCreated()).isEqualTo(1);
    }

    @Test
    void capacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new SessionCache(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be >= 1: 0");
        assertThatThrownBy(() -> new SessionCache(2).capacity(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be >= 1: 0");
    }

    @Test
    void loweringTheCapacityClosesIdleSessionsBeyondItLeastRecentlyUsedFirstAndKeepsHeldOnes() {
        SessionCache cache = new SessionCache(4);
        OnnxModel a;
        OnnxModel b;
        try (SessionCache.Lease lease = cache.acquire(key("a"), loader())) {
            a = lease.model();
        }
        try (SessionCache.Lease lease = cache.acquire(key("b"), loader())) {
            b = lease.model();
        }
        SessionCache.Lease held = cache.acquire(key("c"), loader());

        cache.capacity(1);

        assertThat(cache.size()).isEqualTo(1);
        assertThat(isOpen(a)).isFalse();
        assertThat(isOpen(b)).isFalse();
        assertThat(isOpen(held.model())).as("a held session stays").isTrue();
        held.close();
        cache.capacity(3);
        cache.acquire(key("a"), loader()).close();
        cache.acquire(key("b"), loader()).close();
        assertThat(cache.size()).as("raised again, it keeps more").isEqualTo(3);
    }

    @Test
    void loaderReturningNullIsRefused() {
        SessionCache cache = new SessionCache(1);

        assertThatThrownBy(() -> cache.acquire(key("a"), () -> null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("loader returned null");
        assertThat(cache.size()).isZero();
        assertThat(cache.sessionsCreated()).isZero();
    }
}
