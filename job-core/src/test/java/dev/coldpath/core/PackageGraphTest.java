package dev.coldpath.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * job-core's packages depend on each other in one direction (docs/architecture.md): read from the sources, every
 * {@code dev.coldpath.core.X} a package's files name, in imports or inline.
 */
class PackageGraphTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/coldpath/core");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.coldpath\\.core\\.([a-z]+)\\.");

    /** Package to the packages it names. */
    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file.getParent());
                if (relative.toString().isEmpty()) {
                    continue; // ColdpathVersion, at the root
                }
                String pkg = relative.toString();
                Set<String> deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    @Test
    void jobCorePackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> graph = graph();
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (next.equals(start)) {
                        List<String> cycle = new ArrayList<>(path);
                        cycle.add(start);
                        cycles.add(String.join(" -> ", cycle));
                    } else if (!path.contains(next)) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.push(longer);
                    }
                }
            }
        }

        assertThat(graph).containsKeys("tensor", "encode", "batch", "decode", "plan", "score", "spec");
        assertThat(cycles).as("package graph %s", graph).isEmpty();
    }

    @Test
    void theEngineFreeCoreNamesNoEngine() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                if (text.contains("org.apache.spark") || text.contains("org.apache.hadoop")) {
                    offenders.add(SOURCES.relativize(file).toString());
                }
            }
        }

        assertThat(offenders).isEmpty();
    }
}
