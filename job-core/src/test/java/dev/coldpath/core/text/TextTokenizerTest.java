package dev.coldpath.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.ModelLoadException;
import dev.coldpath.core.testing.TextModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {
    private static byte[] minilmTokenizer() throws IOException {
        return Files.readAllBytes(TextModels.minilm().resolve("tokenizer.json"));
    }

    @Test
    void truncationLengthComesFromTheTokenizerFileElse512() throws IOException {
        assertThat(TextTokenizer.declaredMaxLength(minilmTokenizer(), "t")).isEqualTo(128);
        assertThat(TextTokenizer.declaredMaxLength("{\"truncation\": null}".getBytes(StandardCharsets.UTF_8), "t"))
                .isEqualTo(512);
    }

    @Test
    void encodesWithSpecialTokensWithoutTheFilesFixedPadding() throws IOException {
        try (TextTokenizer tokenizer = TextTokenizer.load(minilmTokenizer(), "tokenizer.json", 128)) {
            TextTokenizer.Tokens tokens = tokenizer.encode("Hello world");
            // [CLS] hello world [SEP] in the BERT uncased vocabulary; the file's Fixed(128) padding is switched off
            assertThat(tokens.ids()).containsExactly(101, 7592, 2088, 102);
            assertThat(tokens.typeIds()).containsOnly(0);
            assertThat(tokens.truncated()).isFalse();
            assertThat(tokenizer.encode("").ids()).containsExactly(101, 102);
        }
    }

    @Test
    void truncatesAtMaxLengthAndSaysSo() throws IOException {
        try (TextTokenizer tokenizer = TextTokenizer.load(minilmTokenizer(), "tokenizer.json", 8)) {
            TextTokenizer.Tokens tokens = tokenizer.encode("one two three four five six seven eight nine ten");
            assertThat(tokens.length()).isEqualTo(8);
            assertThat(tokens.ids()[7]).isEqualTo(102); // the [SEP] survives truncation
            assertThat(tokens.truncated()).isTrue();
            assertThat(tokenizer.encode("one two three four five six").truncated()).isFalse(); // 8 tokens exactly
        }
    }

    @Test
    void aWindowEncodedInOneCallHasEachTextsOwnTokens() throws IOException {
        List<String> texts = new ArrayList<>(TextModels.sentences().subList(0, 40));
        texts.add("");
        texts.add(String.join(" ", TextModels.sentences().subList(0, 30))); // truncated
        try (TextTokenizer tokenizer = TextTokenizer.load(minilmTokenizer(), "tokenizer.json", 64)) {
            TextTokenizer.Tokens[] window = tokenizer.encodeAll(texts.toArray(String[]::new));
            assertThat(window).hasSameSizeAs(texts);
            for (int i = 0; i < texts.size(); i++) {
                TextTokenizer.Tokens alone = tokenizer.encode(texts.get(i));
                assertThat(window[i].ids()).as(texts.get(i)).containsExactly(alone.ids());
                assertThat(window[i].typeIds()).containsExactly(alone.typeIds());
                assertThat(window[i].truncated()).isEqualTo(alone.truncated());
            }
            assertThat(window[texts.size() - 1].truncated()).isTrue();
            assertThat(tokenizer.encodeAll(new String[0])).isEmpty();
        }
    }

    @Test
    void aFileThatIsNotATokenizerIsAOneLineError() {
        assertThatThrownBy(() -> TextTokenizer.load("{\"not\": 1}".getBytes(StandardCharsets.UTF_8), "/m/tokenizer.json",
                16)).isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot load tokenizer /m/tokenizer.json: ")
                .hasMessageEndingWith("(it must be a Hugging Face tokenizer.json)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /**
     * A fresh JVM with an empty home and temp directory and every HTTP(S) proxy pointed at a closed port loads the
     * tokenizer: the native library comes out of the jar into java.io.tmpdir/coldpath-tokenizers, and nothing is
     * written under the home directory (DJL's default ~/.djl.ai) or fetched.
     */
    @Test
    void loadsOfflineFromTheJarIntoTheTempDirectory(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path out = dir.resolve("out.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", System.getProperty("java.class.path"), "-Duser.home=" + home,
                "-Djava.io.tmpdir=" + tmp, "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9",
                "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9", OfflineLoad.class.getName(),
                TextModels.minilm().resolve("tokenizer.json").toString(), out.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log.txt").toFile());
        builder.environment().remove("ENGINE_CACHE_DIR");
        builder.environment().remove("DJL_CACHE_DIR");
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("log.txt"))).isZero();
        assertThat(Files.readString(out)).isEqualTo("101 7592 2088 102");
        try (Stream<Path> libs = Files.walk(tmp.resolve(TextTokenizer.NATIVE_DIR))) {
            assertThat(libs.map(p -> p.getFileName().toString())).contains("libtokenizers.so");
        }
        try (Stream<Path> files = Files.walk(home)) {
            assertThat(files.map(Path::toString)).containsExactly(home.toString());
        }
    }

    /** The child JVM of {@link #loadsOfflineFromTheJarIntoTheTempDirectory}: encodes one text, writes its ids. */
    public static final class OfflineLoad {
        public static void main(String[] args) throws IOException {
            try (TextTokenizer tokenizer = TextTokenizer.load(Files.readAllBytes(Path.of(args[0])), args[0], 128)) {
                long[] ids = tokenizer.encode("Hello world").ids();
                StringBuilder sb = new StringBuilder();
                for (long id : ids) {
                    sb.append(sb.length() == 0 ? "" : " ").append(id);
                }
                Files.writeString(Path.of(args[1]), sb.toString());
            }
        }
    }
}
