package dev.coldpath.spark;

import dev.coldpath.connectors.InputSource;
import dev.coldpath.connectors.ParquetSource;
import dev.coldpath.core.ColdpathVersion;
import dev.coldpath.core.metrics.RunMetrics;
import dev.coldpath.core.model.ModelArtifact;
import dev.coldpath.core.model.ModelQuantization;
import dev.coldpath.core.plan.ModelBinding;
import dev.coldpath.core.spec.Role;
import dev.coldpath.core.table.RunManifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Builds a run's manifest (format 2) from what the driver planned and what the executors counted. */
final class RunManifests {
    private RunManifests() {
    }

    static RunManifest of(SparkScoringJob.Prepared prepared, String runId, String dataPath, RunOutcome outcome,
                          String applicationId, String master, List<String> budgetWarnings,
                          Optional<String> quarantinePath) {
        ModelArtifact model = prepared.plan().binding().model();
        InputSource source = prepared.source();
        long rows = outcome.rowsScored();
        long rejected = outcome.rowsRejected();
        Duration wall = outcome.wallTime();
        RunMetrics measured = outcome.metrics();
        List<RunManifest.ModelRun> models = new ArrayList<>();
        if (prepared.plan().bindings().size() == 1) {
            ModelQuantization q = prepared.quantization().get(prepared.plan().binding().name());
            models.add(new RunManifest.ModelRun(RunManifest.ModelRun.PRIMARY, model.name(),
                    model.version(), model.sha256(), model.location(), model.sizeBytes(), model.metadata(),
                    prepared.spec().model().outputPrefix(), columns(prepared.plan().binding()),
                    RunManifest.ModelMetrics.of(measured), null, null, quantization(q), batchDependent(q)));
        } else {
            for (ModelBinding b : prepared.plan().bindings()) {
                ModelArtifact m = b.model();
                boolean champion = b.role() == Role.CHAMPION;
                boolean shadow = b.role() == Role.SHADOW;
                ModelQuantization q = prepared.quantization().get(b.name());
                // the pass measures its stages as a whole: the champion's entry carries them
                models.add(new RunManifest.ModelRun(b.role().name().toLowerCase(Locale.ROOT), m.name(), m.version(),
                        m.sha256(), m.location(), m.sizeBytes(), m.metadata(), b.outputPrefix(), columns(b),
                        champion ? RunManifest.ModelMetrics.of(measured) : RunManifest.ModelMetrics.NONE, b.name(),
                        shadow ? ParquetShadows.DIRECTORY + "/" + b.name() : null, quantization(q),
                        batchDependent(q)));
            }
        }
        return new RunManifest(
                RunManifest.FORMAT_VERSION,
                runId,
                ColdpathVersion.get(),
                dataPath,
                new RunManifest.Input(source.path(), source.partitions(),
                        source.files().stream().map(f -> new RunManifest.InputFile(f.path(), f.sizeBytes(),
                                Instant.ofEpochMilli(f.modificationTime()).toString())).toList(),
                        source.files().stream().mapToLong(ParquetSource.InputFile::sizeBytes).sum(),
                        source.skipped().stream().map(f -> new RunManifest.SkippedFile(f.path(), f.sizeBytes(),
                                f.reason())).toList(),
                        source.footerRows() < 0 ? 0 : Math.max(0, source.footerRows() - outcome.rowsRead())),
                new RunManifest.Rows(rows + rejected, rows, rejected),
                outcome.started().toString(),
                outcome.ended().toString(),
                wall.toMillis(),
                prepared.spec().redacted(),
                new RunManifest.Spark(applicationId, master),
                new RunManifest.Sessions(outcome.sessionsCreated(), outcome.sessionOwners(),
                        outcome.sessionLoadTime().toMillis()),
                models,
                RunManifest.Metrics.of(measured, wall.toNanos() / 1e9, budgetWarnings, outcome.deviceFallbacks(),
                        quarantinePath.orElse(null)),
                null,
                outcome.comparisons());
    }

    private static List<RunManifest.OutputColumn> columns(ModelBinding binding) {
        return binding.decoders().stream().map(o -> new RunManifest.OutputColumn(o.column(), o.type().toString()))
                .toList();
    }

    /** What the manifest says of a model's quantization: null for a float model (the field is left out). */
    private static String quantization(ModelQuantization q) {
        return q == null || !q.quantized() ? null : q.describe();
    }

    private static Boolean batchDependent(ModelQuantization q) {
        return q == null || !q.quantized() ? null : q.batchDependent();
    }
}
