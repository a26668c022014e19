package dev.coldpath.cli;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.Arrays;
import java.util.Set;

/**
 * A Spark master URL and the cluster manager it names, which decides how {@code coldpath submit} asks for
 * executors.
 */
record SubmitMaster(String url, Manager manager) {
    /** The cluster managers spark-submit knows. */
    enum Manager {
        /** {@code local[N]}: driver and executor in one JVM. */
        LOCAL,
        /** {@code spark://HOST:PORT}: Spark's own standalone cluster. */
        STANDALONE,
        /** {@code yarn}: the cluster Hadoop's configuration (HADOOP_CONF_DIR) points to. */
        YARN,
        /** {@code k8s://https://HOST:PORT}: a Kubernetes API server. */
        KUBERNETES
    }

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

    SubmitMaster {
        requireNonNull(url, "url is null");
        requireNonNull(manager, "manager is null");
    }

    static SubmitMaster parse(String url) {
        String u = url.strip();
        if (u.equals("local") || u.startsWith("local[") || u.startsWith("local-cluster[")) {
            return new SubmitMaster(u, Manager.LOCAL);
        }
        if (u.startsWith("spark://") && u.length() > "spark://".length()) {
            return new SubmitMaster(u, Manager.STANDALONE);
        }
        if (u.equals("yarn")) {
            return new SubmitMaster(u, Manager.YARN);
        }
        if (u.startsWith("k8s://") && u.length() > "k8s://".length()) {
            return new SubmitMaster(u, Manager.KUBERNETES);
        }
        throw new JobSpecException("Invalid --master '" + url + "': expected local[N], spark://HOST:PORT, yarn"
                + " or k8s://https://HOST:PORT");
    }

    /** Whether the driver shares this machine with every executor, so it can stay on the loopback interface. */
    boolean onThisMachine() {
        if (manager == Manager.LOCAL) {
            return true;
        }
        if (manager != Manager.STANDALONE) {
            return false;
        }
        // spark://host1:7077,host2:7077 lists the masters of a high-availability cluster.
        return Arrays.stream(url.substring("spark://".length()).split(","))
                .map(hostPort -> hostPort.startsWith("[") ? hostPort.substring(0, hostPort.indexOf(']') + 1)
                        : hostPort.split(":")[0])
                .allMatch(LOOPBACK::contains);
    }
}
