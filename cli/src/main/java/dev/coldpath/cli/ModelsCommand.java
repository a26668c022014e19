package dev.coldpath.cli;

import dev.coldpath.connectors.HadoopFileStore;
import dev.coldpath.core.registry.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coldpath models}: the model registry. Parses only; each subcommand does one thing. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {
            "Register ONNX models under a name and a version, and look them up.",
            "A registered version never changes: jobs that name it (churn@1.4.0, or churn@latest for the"
                    + " highest release) always run the same bytes, and executors check their sha256."},
        subcommands = {ModelsRegisterCommand.class, ModelsListCommand.class, ModelsShowCommand.class})
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(command.commandLine(),
                "Missing subcommand: register, list or show");
    }

    /** {@code --registry}, shared by every {@code models} subcommand and {@code score}. */
    static final class RegistryOptions {
        @Option(names = "--registry", paramLabel = "PATH",
                description = "The registry's root directory: a local path, or a URI such as"
                        + " s3a://bucket/registry (default: $" + ModelRegistry.ROOT_ENV
                        + ", else ~/.coldpath/registry).")
        String root;

        /**
         * The registry on {@code store} (which carries the command's {@code --conf} storage settings), with its
         * root made absolute so that recorded model paths are full paths.
         */
        ModelRegistry open(HadoopFileStore store) {
            String path = root != null ? root : ModelRegistry.defaultRoot();
            return new ModelRegistry(store, store.qualify(path));
        }
    }
}
