package dev.coldpath.cli;

import dev.coldpath.spark.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Files to and from a test S3 server through s3a, as the tests' own client (the product runs in a child). Its file
 * systems bypass Hadoop's cache, which keys them by bucket alone: the CLI's in-process tests share this JVM and
 * another S3 server may have served a bucket of the same name.
 */
final class S3Objects {
    private final Configuration conf = new Configuration();

    S3Objects(S3ProxyServer server) {
        server.configure(conf);
        conf.setBoolean("fs.s3a.impl.disable.cache", true);
    }

    /** Copies a local file or folder to {@code uri}. */
    void upload(Path file, String uri) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(uri);
        try (FileSystem fs = target.getFileSystem(conf)) {
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(file.toUri()), target);
        }
    }

    /** Every object under {@code uri}, read back into {@code local}; returns how many there were. */
    int download(String uri, Path local) throws IOException {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(uri);
        try (FileSystem fs = root.getFileSystem(conf)) {
            RemoteIterator<LocatedFileStatus> objects = fs.listFiles(root, true);
            int count = 0;
            while (objects.hasNext()) {
                org.apache.hadoop.fs.Path object = objects.next().getPath();
                String relative = object.toUri().getPath().substring(root.toUri().getPath().length() + 1);
                fs.copyToLocalFile(object, new org.apache.hadoop.fs.Path(local.resolve(relative).toUri()));
                count++;
            }
            return count;
        }
    }
}
