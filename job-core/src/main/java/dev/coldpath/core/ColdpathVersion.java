package dev.coldpath.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of coldpath that is running, from the build. */
public final class ColdpathVersion {
    private static final String VERSION = load();

    private ColdpathVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        Properties props = new Properties();
        try (InputStream in = ColdpathVersion.class.getResourceAsStream("/coldpath-version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return props.getProperty("version", "unknown");
    }
}
