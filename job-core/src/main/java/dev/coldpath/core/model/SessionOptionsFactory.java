package dev.coldpath.core.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.coldpath.core.error.Fault;
import dev.coldpath.core.error.ModelLoadException;

/** Turns {@link SessionSettings} into ONNX Runtime session options. */
final class SessionOptionsFactory {
    private SessionOptionsFactory() {
    }

    static OrtSession.SessionOptions create(SessionSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setMemoryPatternOptimization(settings.memoryPattern());
            options.setCPUArenaAllocator(settings.cpuArena());
            if (settings.device() == Device.CUDA) {
                addCuda(options, settings.gpuId());
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** Never falls back silently: a CUDA provider that cannot start is the job's error. */
    private static void addCuda(OrtSession.SessionOptions options, int gpuId) {
        try {
            options.addCUDA(gpuId);
        } catch (OrtException | RuntimeException | LinkageError e) {
            throw new ModelLoadException(Fault.EXTERNAL, "Cannot start the CUDA execution provider on GPU "
                    + gpuId + ": " + e.getMessage() + " (build with -Pgpu for onnxruntime_gpu, check the CUDA"
                    + " and cuDNN libraries, or set inference.device: cpu)", e);
        }
    }
}
