package dev.coldpath.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code target/text-models}, built by {@link TextModelBuilder} on first use (about two minutes: it embeds 2,700
 * glosses) and kept: delete the folder to rebuild it after changing the builder.
 */
final class TextModelsFolder {
    private static Path built;

    private TextModelsFolder() {}

    static synchronized Path get() {
        if (built == null) {
            Path folder = SampleDirectory.resolve("target/text-models");
            if (!Files.isRegularFile(folder.resolve(TextModelBuilder.CLASSIFIER).resolve("config.json"))
                    || !Files.isRegularFile(folder.resolve(TextModelBuilder.POOLED).resolve("tokenizer.json"))) {
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                new TextModelBuilder(folder, SampleDirectory.root(), new PrintStream(log, true, StandardCharsets.UTF_8))
                        .build();
            }
            built = folder;
        }
        return built;
    }
}
