package dev.coldpath.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.model.OnnxModel;
import dev.coldpath.core.model.SessionSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The compute bound: ONNX Runtime alone on in-memory float tensors. One session, built exactly as coldpath builds
 * its sessions (same options, {@code threadsPerSession} intra-op threads), shared by {@code slots} threads that
 * each score their share of the rows in batches from their own reused direct buffer, as coldpath's task slots
 * do. Each batch's output is copied out to a Java array, as coldpath's decoder does.
 */
final class RawOnnxRun {
    /** Distinct rows cycled through; 64 batches of 1024 rows of 32 floats is 8 MB, more than the L2 cache. */
    private static final int POOL_ROWS = 65_536;

    private final byte[] model;
    private final int features;
    private final float[] pool;

    RawOnnxRun(byte[] model, int features, long seed) {
        this.model = model;
        this.features = features;
        this.pool = new float[POOL_ROWS * features];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (float) random.nextDouble(-1, 1);
        }
    }

    /** Scores {@code rows} rows; returns the wall time in nanoseconds, session creation excluded. */
    long run(long rows, int batchSize, int slots, int threadsPerSession) throws Exception {
        try (OnnxModel session = OnnxModel.open("bench", model, SessionSettings.cpu(threadsPerSession))) {
            Set<String> outputs = Set.of(session.signature().outputs().get(0).name());
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            for (int s = 0; s < slots; s++) {
                long share = rows / slots + (s < rows % slots ? 1 : 0);
                int slot = s;
                Thread t = new Thread(() -> {
                    try {
                        score(session, outputs, share, batchSize, slot);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "raw-slot-" + s);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            long elapsed = System.nanoTime() - start;
            if (!failures.isEmpty()) {
                throw new IllegalStateException("RAW scoring failed", failures.get(0));
            }
            return elapsed;
        }
    }

    private void score(OnnxModel session, Set<String> outputs, long rows, int batchSize, int slot)
            throws OrtException {
        OrtEnvironment env = OnnxModel.environment();
        FloatBuffer buffer = ByteBuffer.allocateDirect(batchSize * features * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        int poolBatches = POOL_ROWS / batchSize;
        int b = slot * 7;
        long done = 0;
        float checksum = 0;
        while (done < rows) {
            int n = (int) Math.min(batchSize, rows - done);
            int from = (b++ % Math.max(1, poolBatches)) * batchSize * features;
            buffer.clear();
            buffer.put(pool, from, n * features).flip();
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, new long[] {n, features});
                 OrtSession.Result result = session.run(Map.of(BenchModels.INPUT, tensor), outputs)) {
                float[] out = ((OnnxTensor) result.get(0)).getFloatBuffer().array();
                checksum += out[0];
            }
            done += n;
        }
        if (Float.isNaN(checksum)) {
            throw new IllegalStateException("NaN prediction");
        }
    }
}
