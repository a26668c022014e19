package dev.coldpath.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed sample models in {@code sample-data/models}. Surefire passes {@code coldpath.sample.dir}, built
 * from {@code maven.multiModuleProjectDirectory}, which is the job-core folder itself when Maven runs there; so
 * the property is used only if it holds the models, else the folder is found by walking up from user.dir.
 */
public final class SampleModels {
    public static final String LOGREG = "breast_cancer_logreg.onnx";
    public static final String WINE = "wine_mlp.onnx";
    public static final String TREES = "breast_cancer_trees.onnx";

    private static Path dir;

    private SampleModels() {
    }

    public static synchronized Path dir() {
        if (dir == null) {
            dir = locate();
        }
        return dir;
    }

    private static Path locate() {
        String property = System.getProperty("coldpath.sample.dir");
        if (property != null && Files.isRegularFile(Path.of(property, "models", LOGREG))) {
            return Path.of(property, "models");
        }
        for (Path cur = Path.of(System.getProperty("user.dir")).toAbsolutePath(); cur != null; cur = cur.getParent()) {
            Path candidate = cur.resolve("sample-data").resolve("models");
            if (Files.isRegularFile(candidate.resolve(LOGREG))) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-data/models not found from coldpath.sample.dir=" + property
                + " or above user.dir=" + System.getProperty("user.dir"));
    }

    public static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
