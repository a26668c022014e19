package dev.coldpath.core.image;

import java.util.Locale;

/**
 * Whether a task decodes the next batch's images on a second thread while the current batch is scored ({@code
 * image.decode-ahead}).
 */
public enum DecodeAhead {
    /** When the executor has a core free: more cores than its task slots use, and a load average below them. */
    AUTO,
    /** Always. */
    TRUE,
    /** Never: each batch's images are decoded on the task's thread, just before the batch is scored. */
    FALSE;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
