package dev.coldpath.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Source data that comes from a Debian package: the installed folder when the package is installed, else what
 * a {@code scripts/fetch-*-data.sh} script unpacks from the downloaded package into this module's
 * {@code target/} (kept there as a cache). Skipped only outside CI on a machine without apt-get; in CI a failure
 * fails.
 */
final class DebianPackageData {
    private DebianPackageData() {}

    /**
     * @param installed where the installed package keeps the files
     * @param script    a script under {@code scripts/} that takes a folder and prints where the files are
     * @param cache     folder name under {@code target/}
     */
    static Path folder(Path installed, String script, String cache) throws IOException, InterruptedException {
        if (Files.isDirectory(installed)) {
            return installed;
        }
        boolean aptHere = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        assumeTrue(aptHere || System.getenv("CI") != null,
                installed + " is not here and apt-get is not here to fetch it: skipping outside CI");
        Path scriptFile = SampleDirectory.root().getParent().resolve("scripts").resolve(script);
        Path log = SampleDirectory.resolve("target/" + cache + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("bash", scriptFile.toString(), SampleDirectory.resolve("target/" + cache)
                .toString()).redirectError(log.toFile()).start();
        String folder = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("scripts/%s exit code; its log: %s", script, log).isZero();
        return Path.of(folder);
    }
}
