package dev.coldpath.connectors;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.core.error.StorageException;
import java.io.IOException;
import java.net.ServerSocket;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class StorageFailuresTest {
    @Test
    void anUnreachableHdfsIsNamedByItsSchemeAndAddressWithTheSettingToCheck() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) { // a port nothing listens on once closed
            port = socket.getLocalPort();
        }
        Configuration conf = new Configuration();
        conf.setInt("ipc.client.connect.max.retries", 0); // refused at once, not after ten retries
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        HadoopFileStore store = new HadoopFileStore(conf);

        assertThatThrownBy(() -> store.exists("hdfs://127.0.0.1:" + port + "/tables/t"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("the store hdfs://127.0.0.1:" + port + " cannot be reached (")
                .hasMessageContaining("check the path's host and port (fs.defaultFS for a path without a scheme)")
                .message().doesNotContain("s3a").doesNotContain("store  ");
    }
}
