package dev.coldpath.spark;

import dev.coldpath.connectors.ParquetRunFiles;
import dev.coldpath.core.compare.RunDrift;
import dev.coldpath.core.table.CommittedRun;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Measures a staged run's drift against the table's previous run ({@link RunDrift}): reads about
 * {@link RunDrift#SAMPLE_ROWS} published rows of each, from every file in proportion to its rows and only the compared
 * columns, with {@link ParquetRunFiles#sample} on the driver. Driver-only.
 */
final class RunDrifts {
    private RunDrifts() {
    }

    /**
     * @param outputs the prediction columns this run publishes; those the previous run publishes too, one value per
     *                row, are compared (floating point in both as scores, else as labels)
     */
    static RunDrift measure(Configuration conf, CommittedRun previous, String currentPath, List<String> outputs,
                            long sampleRows) {
        ParquetRunFiles before = ParquetRunFiles.of(conf, previous.path());
        ParquetRunFiles now = ParquetRunFiles.of(conf, currentPath);
        MessageType a = before.schema();
        MessageType b = now.schema();
        List<String> names = new ArrayList<>();
        List<Boolean> scores = new ArrayList<>();
        for (String o : outputs) {
            if (a.containsField(o) && b.containsField(o)) {
                Type x = a.getType(o);
                Type y = b.getType(o);
                if (ParquetRunFiles.oneValue(x) && ParquetRunFiles.oneValue(y)) {
                    names.add(o);
                    scores.add(ParquetRunFiles.floatingPoint(x) && ParquetRunFiles.floatingPoint(y));
                }
            }
        }
        RunDrift.Distribution[] was = new RunDrift.Distribution[names.size()];
        RunDrift.Distribution[] is = new RunDrift.Distribution[names.size()];
        for (int i = 0; i < was.length; i++) {
            was[i] = new RunDrift.Distribution(scores.get(i));
            is[i] = new RunDrift.Distribution(scores.get(i));
        }
        long rowsBefore = read(before, sampleRows, names, scores, was);
        long rowsNow = read(now, sampleRows, names, scores, is);
        List<RunDrift.Output> drift = new ArrayList<>();
        for (int i = 0; i < was.length; i++) {
            drift.add(RunDrift.output(names.get(i), was[i], is[i]));
        }
        return new RunDrift(previous.runId(), previous.path(), rowsBefore, rowsNow, sampleRows, drift);
    }

    private static long read(ParquetRunFiles files, long limit, List<String> names, List<Boolean> scores,
                             RunDrift.Distribution[] into) {
        return files.sample(names, limit, g -> {
            for (int i = 0; i < into.length; i++) {
                if (scores.get(i)) {
                    into[i].addScore(ParquetRunFiles.number(g, names.get(i)));
                } else {
                    into[i].addLabel(ParquetRunFiles.text(g, names.get(i)));
                }
            }
        });
    }
}
