package dev.coldpath.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark's command line. Flags: {@code --rows N --files F --features K --rounds R --models tiny,mlp
 * --variants raw,copy,coldpath,local,quarantine,skip,none,two-jobs,one-pass --batch-size B --alternate-batch B2 (0: none) --out DIR --svg FILE (none: no plot)
 * --profile (one extra coldpath run per model under JFR; a local one when local is measured and coldpath not) --rss (peak RSS mode) --rss-rows 1000000,10000000
 * --rss-xmx 1g --rss-rows-per-file 125000 (0: --files files at every size) --rss-variants coldpath,copy,local --keep-rss-input}.
 */
record BenchOptions(long rows, int files, int features, int rounds, List<BenchModels> models, List<String> variants,
                    int batchSize, int alternateBatch, Path out, Path svg, boolean profile, boolean rss,
                    List<Long> rssRows, String rssXmx, long rssRowsPerFile, List<String> rssVariants, boolean keepRssInput,
                    String commandLine) {
    BenchOptions {
        if (rows < 1 || files < 1 || features < 2 || rounds < 1 || batchSize < 1) {
            throw new IllegalArgumentException("rows, files and rounds must be >= 1, features >= 2: " + commandLine);
        }
        models = List.copyOf(models);
        variants = List.copyOf(variants);
        rssRows = List.copyOf(rssRows);
        rssVariants = List.copyOf(rssVariants);
        if (!List.of("coldpath", "copy", "local").containsAll(rssVariants)) {
            throw new IllegalArgumentException("--rss-variants takes coldpath, copy and local: " + commandLine);
        }
    }

    static BenchOptions parse(String[] args) {
        long rows = 2_000_000;
        int files = 8;
        int features = 32;
        int rounds = 3;
        List<BenchModels> models = List.of(BenchModels.TINY, BenchModels.MLP);
        List<String> variants = List.of("raw", "copy", "coldpath");
        int batch = 1024;
        int alternate = 4096;
        Path out = Path.of("target/bench");
        Path svg = Path.of("docs/images/throughput.svg");
        boolean profile = false;
        boolean rss = false;
        List<Long> rssRows = List.of(1_000_000L, 10_000_000L);
        String rssXmx = "1g";
        long rssRowsPerFile = 125_000;
        List<String> rssVariants = List.of("coldpath", "copy");
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--profile" -> profile = true;
                case "--rss" -> rss = true;
                case "--keep-rss-input" -> keep = true;
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("Missing value for " + flag);
                    }
                    String v = args[++i];
                    switch (flag) {
                        case "--rows" -> rows = Long.parseLong(v.replace("_", ""));
                        case "--files" -> files = Integer.parseInt(v);
                        case "--features" -> features = Integer.parseInt(v);
                        case "--rounds" -> rounds = Integer.parseInt(v);
                        case "--models" -> models = Arrays.stream(v.split(",")).map(BenchModels::of).toList();
                        case "--variants" -> variants = Arrays.stream(v.split(",")).map(String::strip).toList();
                        case "--batch-size" -> batch = Integer.parseInt(v);
                        case "--alternate-batch" -> alternate = Integer.parseInt(v);
                        case "--out" -> out = Path.of(v);
                        case "--svg" -> svg = v.equals("none") ? null : Path.of(v);
                        case "--rss-rows" -> rssRows = Arrays.stream(v.split(",")).map(s -> Long.parseLong(s.strip()))
                                .toList();
                        case "--rss-xmx" -> rssXmx = v;
                        case "--rss-rows-per-file" -> rssRowsPerFile = Long.parseLong(v);
                        case "--rss-variants" -> rssVariants = List.of(v.split(","));
                        default -> throw new IllegalArgumentException("Unknown flag " + flag + " (see BenchOptions)");
                    }
                }
            }
        }
        for (String v : variants) {
            if (!List.of("raw", "copy", "coldpath", "local", "quarantine", "skip", "none", "two-jobs", "one-pass")
                    .contains(v)) {
                throw new IllegalArgumentException("Invalid --variants: " + v
                        + " (must be raw, copy, coldpath, local, quarantine, skip, none, two-jobs or one-pass)");
            }
        }
        return new BenchOptions(rows, files, features, rounds, models, variants, batch, alternate, out, svg, profile,
                rss, rssRows, rssXmx, rssRowsPerFile, rssVariants, keep, String.join(" ", args));
    }
}
