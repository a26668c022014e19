package dev.coldpath.spark;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference: plain ONNX Runtime on rows read by DuckDB, with none of coldpath's code in between. Returns
 * each output's value per id, as Java objects (Float, float[], Long, Map).
 */
final class DirectOnnx {
    /** {@link #readFeatures}'s query of the breast-cancer sample: id and its 30 feature columns. */
    static final String BREAST_CANCER_SQL = "SELECT id, " + String.join(", ", SampleData.BREAST_CANCER_FEATURES)
            + " FROM $FILE ORDER BY id";
    /** {@link #readFeatures}'s query of the wine sample: id and its feature array. */
    static final String WINE_SQL = "SELECT id, features FROM $FILE ORDER BY id";

    private DirectOnnx() {
    }

    /** Reads {@code id} and the feature columns (as float) of a Parquet file, ordered by id. */
    static Map<Long, float[]> readFeatures(Path parquet, String sql) throws Exception {
        Map<Long, float[]> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql.replace("$FILE", "'" + parquet + "'"))) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                float[] f;
                if (n == 2 && rs.getObject(2) instanceof Array array) {
                    Object[] values = (Object[]) array.getArray();
                    f = new float[values.length];
                    for (int i = 0; i < values.length; i++) {
                        f[i] = ((Number) values[i]).floatValue();
                    }
                } else {
                    f = new float[n - 1];
                    for (int i = 2; i <= n; i++) {
                        f[i - 2] = rs.getFloat(i);
                    }
                }
                rows.put(rs.getLong(1), f);
            }
        }
        return rows;
    }

    /** Scores every row alone (batch of one), so batching in coldpath cannot hide behind the reference. */
    static Map<Long, Map<String, Object>> score(Path model, String input, Map<Long, float[]> rows) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<Long, Map<String, Object>> out = new HashMap<>();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            for (Map.Entry<Long, float[]> row : rows.entrySet()) {
                try (OnnxTensor t = OnnxTensor.createTensor(env, new float[][] {row.getValue()});
                     OrtSession.Result result = session.run(Map.of(input, t))) {
                    Map<String, Object> values = new HashMap<>();
                    for (Map.Entry<String, OnnxValue> e : result) {
                        values.put(e.getKey(), first(e.getValue()));
                    }
                    out.put(row.getKey(), values);
                }
            }
        }
        return out;
    }

    private static Object first(OnnxValue value) throws Exception {
        if (value instanceof OnnxSequence seq) {
            OnnxMap map = (OnnxMap) seq.getValue().get(0);
            return new HashMap<Object, Object>(map.getValue());
        }
        Object v = value.getValue();
        if (v instanceof float[] f) {
            return f[0];
        } else if (v instanceof long[] l) {
            return l[0];
        } else if (v instanceof float[][] f) {
            return f[0];
        }
        throw new IllegalStateException("unexpected output " + v.getClass());
    }

    static List<String> featureSql(String... columns) {
        return new ArrayList<>(List.of(columns));
    }
}
