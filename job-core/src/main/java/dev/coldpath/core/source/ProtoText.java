package dev.coldpath.core.source;

import dev.coldpath.core.error.JobSpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A message in protobuf text format (what Triton's {@code config.pbtxt} is written in), read without its schema:
 * each field name maps to its values in order, a value being a scalar's text or a nested message. Reads
 * {@code name: value}, {@code name { ... }} and {@code name: < ... >}, lists {@code [a, b]}, quoted strings with
 * escapes, {@code #} comments and optional {@code ,}/{@code ;} separators. protobuf-java's own {@code TextFormat}
 * needs the generated classes of the schema (Triton's {@code model_config.proto}), which coldpath does not carry.
 */
final class ProtoText {
    /** One message: its fields' values, in the order they appear. */
    record Message(Map<String, List<Object>> fields) {
        Message {
            fields = Map.copyOf(fields);
        }

        List<Object> values(String name) {
            return fields.getOrDefault(name, List.of());
        }

        Optional<String> scalar(String name) {
            List<Object> values = values(name);
            return values.isEmpty() || !(values.get(values.size() - 1) instanceof String s) ? Optional.empty()
                    : Optional.of(s);
        }

        List<Message> messages(String name) {
            return values(name).stream().filter(Message.class::isInstance).map(Message.class::cast).toList();
        }

        List<String> scalars(String name) {
            return values(name).stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
    }

    private final String text;
    private final String source;
    private int pos;

    private ProtoText(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses a whole text; {@code source} names it in errors. */
    static Message parse(String text, String source) {
        ProtoText parser = new ProtoText(text, source);
        Message message = parser.message(false);
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw parser.error("unexpected '" + text.charAt(parser.pos) + "'");
        }
        return message;
    }

    private Message message(boolean nested) {
        Map<String, List<Object>> fields = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (pos >= text.length()) {
                if (nested) {
                    throw error("a '{' is not closed");
                }
                return new Message(fields);
            }
            char c = text.charAt(pos);
            if (nested && (c == '}' || c == '>')) {
                pos++;
                return new Message(fields);
            }
            String name = word();
            skipSpace();
            boolean colon = peek(':');
            if (colon) {
                pos++;
                skipSpace();
            }
            List<Object> values = fields.computeIfAbsent(name, k -> new ArrayList<>());
            if (peek('[')) {
                pos++;
                skipSpace();
                while (!peek(']')) {
                    values.add(value(name));
                    skipSpace();
                    if (peek(',')) {
                        pos++;
                        skipSpace();
                    } else if (!peek(']')) {
                        throw error("expected ',' or ']' in the list of " + name);
                    }
                }
                pos++;
            } else {
                if (!colon && !peek('{') && !peek('<')) {
                    throw error("expected ':' or '{' after " + name);
                }
                values.add(value(name));
            }
            skipSpace();
            if (peek(',') || peek(';')) {
                pos++;
            }
        }
    }

    private Object value(String name) {
        skipSpace();
        if (peek('{') || peek('<')) {
            pos++;
            return message(true);
        }
        if (peek('"') || peek('\'')) {
            return string();
        }
        return word();
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder out = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != quote) {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                out.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                out.append(c);
            }
        }
        if (pos >= text.length()) {
            throw error("a string is not closed");
        }
        pos++;
        return out.toString();
    }

    private String word() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || "_.+-".indexOf(text.charAt(pos)) >= 0)) {
            pos++;
        }
        if (start == pos) {
            throw error(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "unexpected end");
        }
        return text.substring(start, pos);
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return;
            }
        }
    }

    private JobSpecException error(String what) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new JobSpecException("Cannot read " + source + ": line " + line + ": " + what
                + " (it must be in protobuf text format, as Triton reads it)");
    }
}
