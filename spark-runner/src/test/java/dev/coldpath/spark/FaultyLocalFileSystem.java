package dev.coldpath.spark;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * Local disk with one fault, set by Hadoop keys (as {@code spark.hadoop.fs.file.impl} of a job, with
 * {@code fs.file.impl.disable.cache}): creating a file whose path contains {@value #FAIL_CREATE}'s value fails,
 * as creating a file under a path that is a file does; writing past the first {@value #WRITABLE} bytes of a file whose
 * path contains {@value #FAIL_WRITE}'s value fails, as a full disk or {@code ulimit -f} does; reading one fails as
 * {@link #open} says.
 */
public final class FaultyLocalFileSystem extends LocalFileSystem {
    static final String FAIL_CREATE = "coldpath.test.fail-create";
    static final String FAIL_WRITE = "coldpath.test.fail-write";
    static final int WRITABLE = 4; // Parquet's magic number: the file is made, its first row group fails
    static final String FAIL_READ = "coldpath.test.fail-read";

    /**
     * Reading the first half of a file whose path contains {@value #FAIL_READ}'s value fails, as a connection reset
     * does: its footer, at its end, reads.
     */
    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        FSDataInputStream in = super.open(f, bufferSize);
        String read = getConf().get(FAIL_READ);
        if (read == null || !f.toString().contains(read)) {
            return in;
        }
        long failBelow = getFileStatus(f).getLen() / 2;
        return new FSDataInputStream(new FSInputStream() {
            @Override
            public void seek(long pos) throws IOException {
                in.seek(pos);
            }

            @Override
            public long getPos() throws IOException {
                return in.getPos();
            }

            @Override
            public boolean seekToNewSource(long targetPos) {
                return false;
            }

            @Override
            public int read() throws IOException {
                check();
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                check();
                return in.read(b, off, len);
            }

            private void check() throws IOException {
                if (in.getPos() < failBelow) {
                    throw new IOException("Connection reset (test)");
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        });
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        String create = getConf().get(FAIL_CREATE);
        if (create != null && f.toString().contains(create)) {
            throw new IOException("Cannot create " + f + " (test)");
        }
        FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        String write = getConf().get(FAIL_WRITE);
        if (write == null || !f.toString().contains(write)) {
            return out;
        }
        return new FSDataOutputStream(new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > WRITABLE) {
                    throw new IOException("File too large (test)");
                }
                written += len;
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        }, null);
    }
}
