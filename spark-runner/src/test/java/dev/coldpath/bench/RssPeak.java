package dev.coldpath.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What this JVM's resident memory is made of at its peak: a daemon thread samples VmRSS every 200 ms and, each
 * time it reaches a new high (by 4 MB), takes apart the resident memory: the Java heap's resident pages (the
 * heap's address range from {@code GC.heap_info}, summed over /proc/self/smaps), the committed memory of each
 * Native Memory Tracking category but the heap, file-backed pages, and what is left: anonymous memory that NMT
 * does not track (ONNX Runtime's allocations, other native libraries' mallocs, glibc's arenas and their
 * fragmentation). The last breakdown taken is the one at (within a sample of) the peak.
 */
final class RssPeak {
    private static final Pattern NMT_LINE = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern HEAP_RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");
    private static final Pattern SMAPS_HEADER = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) \\S+ \\S+ \\S+ (\\d+)\\s*(.*)$");

    private volatile Map<String, Long> atPeak = Map.of();
    private volatile long peakKb;
    private final Thread thread;

    private RssPeak() {
        thread = new Thread(this::sample, "rss-peak-sampler");
        thread.setDaemon(true);
    }

    static RssPeak watch() {
        RssPeak peak = new RssPeak();
        peak.thread.start();
        return peak;
    }

    /** The breakdown (kB) taken at the highest VmRSS seen so far. */
    Map<String, Long> atPeak() {
        return atPeak;
    }

    private void sample() {
        long[] heap = heapRange();
        while (true) {
            long rss = Machine.procKilobytes(Path.of("/proc/self/status"), "VmRSS:");
            if (rss > peakKb + 4096) {
                peakKb = rss;
                atPeak = breakdown(heap);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Map<String, Long> breakdown(long[] heap) {
        Map<String, Long> b = new LinkedHashMap<>();
        Path status = Path.of("/proc/self/status");
        b.put("vmrss", Machine.procKilobytes(status, "VmRSS:"));
        b.put("rss_anon", Machine.procKilobytes(status, "RssAnon:"));
        b.put("rss_file", Machine.procKilobytes(status, "RssFile:"));
        b.put("threads", Machine.procKilobytes(status, "Threads:"));
        long heapResident = 0;
        long anonOutsideHeap = 0;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
            long start = 0;
            long end = 0;
            boolean anonymous = false;
            for (String line : lines) {
                Matcher m = SMAPS_HEADER.matcher(line);
                if (m.matches()) {
                    start = Long.parseUnsignedLong(m.group(1), 16);
                    end = Long.parseUnsignedLong(m.group(2), 16);
                    anonymous = m.group(3).equals("0") && (m.group(4).isEmpty() || m.group(4).startsWith("[heap]"));
                } else if (line.startsWith("Rss:")) {
                    long kb = Long.parseLong(line.substring(4).replace("kB", "").strip());
                    if (heap != null && start >= heap[0] && end <= heap[1]) {
                        heapResident += kb;
                    } else if (anonymous) {
                        anonOutsideHeap += kb;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            heapResident = -1;
        }
        b.put("heap_resident", heapResident);
        b.put("anon_outside_heap", anonOutsideHeap);
        MemoryUsage usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        b.put("heap_used", usage.getUsed() >> 10);
        b.put("heap_committed", usage.getCommitted() >> 10);
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            b.put("buffers_" + pool.getName().replaceAll("\\W", "_"), pool.getMemoryUsed() >> 10);
        }
        long nmtNonHeap = 0;
        for (String line : diagnostic("vmNativeMemory", "summary").lines().toList()) {
            Matcher m = NMT_LINE.matcher(line.strip());
            if (m.find()) {
                String category = m.group(1).strip().toLowerCase().replaceAll("\\W+", "_");
                long committed = Long.parseLong(m.group(3));
                b.put("nmt_" + category, committed);
                if (!category.equals("java_heap") && !category.equals("shared_class_space")) { // CDS: file-backed
                    nmtNonHeap += committed;
                }
            }
        }
        b.put("nmt_non_heap_committed", nmtNonHeap);
        // anonymous memory NMT does not account for: native libraries' own allocations, malloc's overhead
        b.put("untracked_anon", b.get("rss_anon") - heapResident - nmtNonHeap);
        return b;
    }

    /** The Java heap's reserved address range, from {@code GC.heap_info}; null if it cannot be read. */
    private static long[] heapRange() {
        Matcher m = HEAP_RANGE.matcher(diagnostic("gcHeapInfo"));
        return m.find() ? new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)}
                : null;
    }

    /** A diagnostic command's output, as {@code jcmd PID <command>} prints it; empty if it cannot run. */
    static String diagnostic(String operation, String... args) {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                    new Object[] {args}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            return "";
        }
    }
}
