package dev.coldpath.core.model;

import java.util.Locale;

/** Where a session runs. {@code AUTO} uses a GPU when one is assigned and usable, and says so when not. */
public enum Device {
    CPU, CUDA, AUTO;

    public static Device parse(String text) {
        return Device.valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
