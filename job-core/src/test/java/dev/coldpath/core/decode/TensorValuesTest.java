package dev.coldpath.core.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coldpath.core.tensor.ElementType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorValuesTest {
    @Test
    void scalarValueIsTheRowsElement() {
        TensorValues column = new TensorValues("out", ElementType.FLOAT, 3, new float[] {0.25f, 0.5f, 1f}, new int[0]);

        assertThat(column.elementsPerRow()).isEqualTo(1);
        assertThat(column.valueAt(0)).isEqualTo(0.25f);
        assertThat(column.valueAt(2)).isEqualTo(1f);
    }

    @Test
    void nByKValueIsTheRowsList() {
        TensorValues column = new TensorValues("out", ElementType.INT64, 2, new long[] {1, 2, 3, 4, 5, 6},
                new int[] {3});

        assertThat(column.elementsPerRow()).isEqualTo(3);
        assertThat(column.valueAt(0)).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(column.valueAt(1)).isEqualTo(List.of(4L, 5L, 6L));
    }

    @Test
    void rank4ValueIsNestedRowMajor() {
        int[] flat = new int[2 * 2 * 3 * 2];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = i;
        }
        TensorValues column = new TensorValues("out", ElementType.INT32, 2, flat, new int[] {2, 3, 2});

        assertThat(column.elementsPerRow()).isEqualTo(12);
        assertThat(column.valueAt(1)).isEqualTo(List.of(
                List.of(List.of(12, 13), List.of(14, 15), List.of(16, 17)),
                List.of(List.of(18, 19), List.of(20, 21), List.of(22, 23))));
    }

    @Test
    void mapValueIsTheRowsMap() {
        MapValues column = new MapValues("p", List.of(Map.of(0L, 0.75f, 1L, 0.25f), Map.of(0L, 0.1f, 1L, 0.9f)));

        assertThat(column.valueAt(1)).isEqualTo(Map.of(0L, 0.1f, 1L, 0.9f));
    }
}
