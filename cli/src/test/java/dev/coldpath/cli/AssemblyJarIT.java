package dev.coldpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The coldpath-assembly.jar that {@code mvn package} built: what spark-submit gets. */
class AssemblyJarIT {
    private static final Path ASSEMBLY = Path.of(System.getProperty("coldpath.assembly"));

    @Test
    void assemblyRunsColdpathAndLeavesWhatSparkShipsToSpark() throws IOException {
        try (JarFile jar = new JarFile(ASSEMBLY.toFile())) {
            List<String> names = jar.stream().map(JarEntry::getName).toList();

            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("dev.coldpath.cli.Coldpath");
            assertThat(names).contains("dev/coldpath/cli/Coldpath.class", "picocli/CommandLine.class",
                    "ai/onnxruntime/OrtSession.class", "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                    "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so");
            // Spark's own classes stay out; the Iceberg runtime brings its SQL extensions under org/apache/spark/sql/.
            assertThat(names).doesNotContain("org/apache/spark/SparkContext.class",
                    "org/apache/spark/sql/Dataset.class", "org/apache/spark/sql/SparkSession.class");
            assertThat(names).contains("org/apache/iceberg/spark/SparkCatalog.class");
            // Jackson's YAML module and SnakeYAML are in it: Spark 4.1.3 does not ship them (job files are YAML).
            List<String> files = names.stream().filter(n -> !n.endsWith("/")).toList();
            assertThat(files).noneMatch(n -> n.startsWith("org/apache/spark/") && !n.startsWith("org/apache/spark/sql/")
                    || n.startsWith("scala/")
                    || n.startsWith("org/apache/hadoop/fs/FileSystem") || n.startsWith("io/netty/")
                    || n.startsWith("org/slf4j/") || n.startsWith("org/apache/logging/")
                    || n.startsWith("com/google/protobuf/")
                    || n.startsWith("com/fasterxml/jackson/") && !n.startsWith("com/fasterxml/jackson/dataformat/")
                    || n.startsWith("org/apache/commons/logging/")
                    || n.endsWith("module-info.class") || n.contains(".dSYM/"));
        }
        // ~110 MB today (the Iceberg runtime 48 MB, ONNX Runtime 34 MB, s3a 13 MB, the tokenizers' Linux libraries
        // 13 MB); the AWS SDK bundle (600 MB) or a Spark that slipped in would break this.
        assertThat(Files.size(ASSEMBLY)).as("assembly size in bytes").isLessThan(116L << 20);
    }
}
