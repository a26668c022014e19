package dev.coldpath.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples ({@code jdk.ExecutionSample}, and {@code jdk.NativeMethodSample} for
 * time in native code such as ONNX Runtime) on the threads that score: Spark's task threads, or the local runner's
 * workers, writers and part-file openers ({@code coldpath-local-*}); the hottest methods by self time, the
 * innermost coldpath frame of each sample (where in coldpath the time is spent, callees included), and coarse
 * buckets by the top frame's library. {@code main(file.jfr [top])} prints it.
 */
public final class JfrHotFrames {
    private static final List<String> SCORING_THREADS = List.of("Executor task", "coldpath-local-");

    private JfrHotFrames() {
    }

    public static void main(String[] args) {
        System.out.print(summarise(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25));
    }

    static String summarise(Path file, int top) {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> coldpath = new HashMap<>();
        Map<String, Integer> buckets = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                boolean nativeSample = type.equals("jdk.NativeMethodSample");
                if (!nativeSample && !type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                var thread = event.getThread("sampledThread");
                if (thread == null || thread.getJavaName() == null
                        || SCORING_THREADS.stream().noneMatch(thread.getJavaName()::startsWith)) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                samples++;
                if (nativeSample) {
                    nativeSamples++;
                }
                String topFrame = name(frames.get(0)) + (nativeSample ? " [native]" : "");
                self.merge(topFrame, 1, Integer::sum);
                buckets.merge(bucket(frames.get(0), nativeSample), 1, Integer::sum);
                String inner = "(no coldpath frame)";
                for (RecordedFrame f : frames) {
                    if (f.getMethod() != null && f.getMethod().getType().getName().startsWith("dev.coldpath.")) {
                        inner = name(f);
                        break;
                    }
                }
                coldpath.merge(inner, 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "JFR %s: %d CPU samples on scoring threads (%d of them in native code)%n",
                file.getFileName(), samples, nativeSamples));
        append(out, "by library of the top frame", buckets, samples, top);
        append(out, "hottest methods (self)", self, samples, top);
        append(out, "innermost coldpath frame (time under it, callees included)", coldpath, samples, top);
        return out.toString();
    }

    private static void append(StringBuilder out, String title, Map<String, Integer> counts, int total, int top) {
        out.append("  ").append(title).append(":\n");
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((k, v) -> out.append(String.format(Locale.ROOT, "    %5.1f %%  %6d  %s%n",
                100.0 * v / Math.max(1, total), v, k)));
    }

    private static String name(RecordedFrame frame) {
        if (frame.getMethod() == null) {
            return "?";
        }
        String type = frame.getMethod().getType().getName();
        if (type.contains("GeneratedClass")) {
            type = "<spark codegen>." + type.substring(type.lastIndexOf('$') + 1);
        }
        return type + "." + frame.getMethod().getName() + (frame.getLineNumber() > 0 && type.startsWith("dev.coldpath")
                ? ":" + frame.getLineNumber() : "");
    }

    private static String bucket(RecordedFrame frame, boolean nativeSample) {
        if (frame.getMethod() == null) {
            return "?";
        }
        String type = frame.getMethod().getType().getName();
        String b;
        if (type.startsWith("ai.onnxruntime")) {
            b = "ONNX Runtime";
        } else if (type.startsWith("dev.coldpath")) {
            b = "coldpath";
        } else if (type.contains("GeneratedClass")) {
            b = "Spark generated code";
        } else if (type.startsWith("org.apache.parquet") || type.contains(".parquet.")) {
            b = "Parquet (" + (type.contains("spark") ? "Spark's reader" : "parquet-mr") + ")";
        } else if (type.startsWith("org.apache.spark.sql.catalyst")) {
            b = "Spark catalyst rows/expressions";
        } else if (type.startsWith("org.apache.spark")) {
            b = "Spark other";
        } else if (type.startsWith("org.xerial.snappy") || type.contains("snappy") || type.contains("compress")) {
            b = "compression";
        } else if (type.startsWith("org.HdrHistogram")) {
            b = "HdrHistogram (coldpath metrics)";
        } else if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
            b = "JDK";
        } else if (type.startsWith("scala.")) {
            b = "Scala library";
        } else {
            b = type.contains(".") ? type.substring(0, type.lastIndexOf('.')) : type;
        }
        return b + (nativeSample ? " [native]" : "");
    }
}
