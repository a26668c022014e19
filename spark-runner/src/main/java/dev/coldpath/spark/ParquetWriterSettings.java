package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * The Parquet writer settings a Hadoop configuration gives, read as parquet-hadoop 1.16's
 * {@code ParquetOutputFormat.getRecordWriter} reads them for Spark's writer (page and dictionary sizes, writer version,
 * row-group and page row limits, statistics, bloom filters, checksums, truncation, and their per-column
 * {@code key#column} forms), for {@link LineageParquetWriter}, which assembles the writer itself. parquet-hadoop
 * keeps some of these getters private, so their keys and defaults are repeated here; {@code LineageParquetWriterTest}
 * compares the result with the properties of the writer Spark opens.
 *
 * @param blockSize      the row-group size, {@code parquet.block.size}
 * @param maxPaddingSize the most padding to align a row group, {@code parquet.writer.max-padding}
 * @param validating     whether records are validated against the schema, {@code parquet.validation}
 */
record ParquetWriterSettings(ParquetProperties properties, long blockSize, int maxPaddingSize, boolean validating) {
    ParquetWriterSettings {
        requireNonNull(properties, "properties is null");
    }

    static ParquetWriterSettings of(Configuration conf) {
        ParquetProperties.Builder builder = ParquetProperties.builder()
                .withPageSize(ParquetOutputFormat.getPageSize(conf))
                .withDictionaryPageSize(ParquetOutputFormat.getDictionaryPageSize(conf))
                .withDictionaryEncoding(ParquetOutputFormat.getEnableDictionary(conf))
                .withWriterVersion(ParquetOutputFormat.getWriterVersion(conf))
                .estimateRowCountForPageSizeCheck(ParquetOutputFormat.getEstimatePageSizeCheck(conf))
                .withMinRowCountForPageSizeCheck(ParquetOutputFormat.getMinRowCountForPageSizeCheck(conf))
                .withMaxRowCountForPageSizeCheck(ParquetOutputFormat.getMaxRowCountForPageSizeCheck(conf))
                .withPageValueCountThreshold(ParquetOutputFormat.getValueCountThreshold(conf))
                .withColumnIndexTruncateLength(conf.getInt(ParquetOutputFormat.COLUMN_INDEX_TRUNCATE_LENGTH,
                        ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH))
                .withStatisticsTruncateLength(conf.getInt(ParquetOutputFormat.STATISTICS_TRUNCATE_LENGTH,
                        ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH))
                .withMaxBloomFilterBytes(ParquetOutputFormat.getBloomFilterMaxBytes(conf))
                .withBloomFilterEnabled(ParquetOutputFormat.getBloomFilterEnabled(conf))
                .withAdaptiveBloomFilterEnabled(ParquetOutputFormat.getAdaptiveBloomFilterEnabled(conf))
                .withRowGroupRowCountLimit(conf.getInt(ParquetOutputFormat.BLOCK_ROW_COUNT_LIMIT,
                        ParquetProperties.DEFAULT_ROW_GROUP_ROW_COUNT_LIMIT))
                .withPageRowCountLimit(conf.getInt(ParquetOutputFormat.PAGE_ROW_COUNT_LIMIT,
                        ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT))
                .withPageWriteChecksumEnabled(ParquetOutputFormat.getPageWriteChecksumEnabled(conf))
                .withStatisticsEnabled(ParquetOutputFormat.getStatisticsEnabled(conf));
        for (Map.Entry<String, String> entry : conf) { // ColumnConfigParser's per-column keys, key#column
            String key = entry.getKey();
            perColumn(key, ParquetOutputFormat.ENABLE_DICTIONARY, k -> conf.getBoolean(k, false),
                    builder::withDictionaryEncoding);
            perColumn(key, ParquetOutputFormat.BLOOM_FILTER_ENABLED, k -> conf.getBoolean(k, false),
                    builder::withBloomFilterEnabled);
            perColumn(key, ParquetOutputFormat.BLOOM_FILTER_EXPECTED_NDV, k -> conf.getLong(k, -1L),
                    builder::withBloomFilterNDV);
            perColumn(key, ParquetOutputFormat.BLOOM_FILTER_FPP,
                    k -> conf.getDouble(k, ParquetProperties.DEFAULT_BLOOM_FILTER_FPP), builder::withBloomFilterFPP);
            perColumn(key, ParquetOutputFormat.BLOOM_FILTER_CANDIDATES_NUMBER,
                    k -> conf.getInt(k, ParquetProperties.DEFAULT_BLOOM_FILTER_CANDIDATES_NUMBER),
                    builder::withBloomFilterCandidatesNumber);
            perColumn(key, ParquetOutputFormat.STATISTICS_ENABLED,
                    k -> conf.getBoolean(k, ParquetProperties.DEFAULT_STATISTICS_ENABLED),
                    builder::withStatisticsEnabled);
        }
        return new ParquetWriterSettings(builder.build(), ParquetOutputFormat.getLongBlockSize(conf),
                conf.getInt(ParquetOutputFormat.MAX_PADDING_BYTES, ParquetWriter.MAX_PADDING_SIZE_DEFAULT),
                ParquetOutputFormat.getValidation(conf));
    }

    private static <T> void perColumn(String key, String root, Function<String, T> value,
                                      BiConsumer<String, T> setting) {
        if (key.startsWith(root + '#')) {
            setting.accept(key.substring(root.length() + 1), value.apply(key));
        }
    }
}
