package dev.coldpath.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.JobSpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoTextTest {
    @Test
    void aTritonConfigReadsWithItsListsNestedMessagesCommentsAndStrings() {
        ProtoText.Message m = ProtoText.parse("""
                name: "wine"  # the model
                platform: 'onnxruntime_onnx'
                max_batch_size: 8
                input [ { name: "x\\"1" data_type: TYPE_FP32, dims: [ -1, 13 ] } ]
                output { name: "y"; dims: 3 dims: 1 }
                output: < name: "z" >
                dynamic_batching { }
                """, "config.pbtxt");

        assertThat(m.scalar("name")).hasValue("wine");
        assertThat(m.scalar("platform")).hasValue("onnxruntime_onnx");
        assertThat(m.scalar("max_batch_size")).hasValue("8");
        ProtoText.Message input = m.messages("input").get(0);
        assertThat(input.scalar("name")).hasValue("x\"1");
        assertThat(input.scalars("dims")).containsExactly("-1", "13");
        assertThat(m.messages("output")).extracting(o -> o.scalar("name").orElseThrow()).containsExactly("y", "z");
        assertThat(m.messages("output").get(0).scalars("dims")).isEqualTo(List.of("3", "1"));
        assertThat(m.messages("dynamic_batching")).singleElement().satisfies(d -> assertThat(d.fields()).isEmpty());
        assertThat(m.scalar("missing")).isEmpty();
    }

    @Test
    void brokenTextIsAnErrorNamingTheFileAndLine() {
        assertThatThrownBy(() -> ProtoText.parse("name: \"wine\"\ninput [ { name: \"x\" ]\n", "repo/wine/config.pbtxt"))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Cannot read repo/wine/config.pbtxt: line 2: unexpected ']' (it must be in protobuf text"
                        + " format, as Triton reads it)");
        assertThatThrownBy(() -> ProtoText.parse("input { name: \"x\"", "c.pbtxt"))
                .hasMessageContaining("a '{' is not closed");
    }
}
