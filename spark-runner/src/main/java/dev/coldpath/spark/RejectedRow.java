package dev.coldpath.spark;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.encode.Encoder;
import dev.coldpath.core.encode.ImageColumn;
import dev.coldpath.core.plan.ModelBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A rejected input row as the partition function emits it among the accepted rows: the input row, whole (but
 * without the bytes of encoded images: {@link #wholeRow}), then the reason ({@link ScoredRows#REASON_COLUMN}), which is the quarantine's row layout. The sink splits these off
 * ({@link ScoredRows#accepted}); Spark's writer never sees one.
 */
final class RejectedRow extends JoinedRow {
    private final String reason;

    RejectedRow(InternalRow input, String reason) {
        super(requireNonNull(input, "input is null"), new GenericInternalRow(new Object[] {
                UTF8String.fromString(requireNonNull(reason, "reason is null"))}));
        this.reason = reason;
    }

    String reason() {
        return reason;
    }

    /**
     * The expressions that copy an input row of {@code schema} into a rejected row: every column, but null in place
     * of the encoded images the bindings' {@link ImageColumn}s read, so that the quarantine holds a bad image's key
     * and reason, not its bytes.
     */
    static List<Expression> wholeRow(StructType schema, List<ModelBinding> bindings) {
        Set<String> images = bindings.stream().flatMap(b -> b.encoders().stream())
                .filter(e -> e instanceof ImageColumn).map(Encoder::columns).flatMap(List::stream)
                .collect(Collectors.toSet());
        List<Expression> exprs = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            exprs.add(images.contains(schema.fields()[i].name()) ? Literal.create(null, schema.fields()[i].dataType())
                    : new BoundReference(i, schema.fields()[i].dataType(), true));
        }
        return exprs;
    }
}
