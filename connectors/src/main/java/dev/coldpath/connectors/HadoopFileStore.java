package dev.coldpath.connectors;

import dev.coldpath.core.error.JobSpecException;
import dev.coldpath.core.error.StorageException;
import dev.coldpath.core.io.FileStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

/**
 * {@link FileStore} over Hadoop's FileSystem: local paths, file:, hdfs:, s3a:. On object stores (s3a), where
 * rename copies, small files are written with a single PUT, which replaces an object atomically, and exclusive
 * creation is a conditional PUT (If-None-Match) where the store supports it. Error messages say what to check
 * (credentials, bucket, endpoint) and never hold a secret of the configuration (see {@link StorageFailures}).
 */
public final class HadoopFileStore implements FileStore {
    /** The create-builder option for a conditional PUT (If-None-Match: *) on S3A. */
    private static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

    private final Configuration conf;

    public HadoopFileStore(Configuration conf) {
        this.conf = conf;
    }

    /**
     * The file system of a path. On local disk the raw file system, without .crc side files: a rename then
     * replaces a file atomically (POSIX rename), and a changed model is caught by its sha256, not by a
     * checksum file. Local writes, renames and new directories go through java.nio ({@link #local}): Hadoop's
     * local file system sets each new file's permissions by running chmod, a process per file, unless Hadoop's
     * native library is installed.
     */
    private FileSystem fs(Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    /** The fully qualified form of a path (a relative local path becomes file:/abs/path). */
    public String qualify(String path) {
        Path p = new Path(path);
        try {
            return fs(p).makeQualified(p).toString();
        } catch (IOException e) {
            throw failure("resolve", path, e);
        }
    }

    /**
     * Refuses a path where a directory (a table's root) cannot be made: one that exists as a file, one under a
     * file, or one whose nearest existing directory this user cannot write (where that can be checked). The
     * user's error, naming {@code key}, before anything is read or written.
     */
    public void checkDirectoryOrAbsent(String path, String key) {
        Path p = new Path(path);
        try {
            FileSystem fs = fs(p);
            Path existing = p;
            FileStatus status = null;
            while (status == null && existing != null) {
                try {
                    status = fs.getFileStatus(existing);
                } catch (FileNotFoundException | ParentNotDirectoryException absent) {
                    existing = existing.getParent(); // a new table: its nearest existing ancestor is checked
                }
            }
            if (status == null) {
                return;
            }
            if (status.isFile()) {
                throw new JobSpecException("Invalid " + key + ": " + (existing.equals(p) ? path
                        : path + " is under " + existing + ", which") + " is a file, not a directory (a prediction"
                        + " table is a directory: name a new or existing one)");
            }
            checkWritable(fs, existing, path, key);
        } catch (IOException e) {
            throw failure("check", path, e);
        }
    }

    /**
     * Refuses a directory this user cannot write, where that can be known up front: local disk and HDFS check
     * permissions; object stores are only known to refuse at the first write.
     */
    private static void checkWritable(FileSystem fs, Path dir, String path, String key) throws IOException {
        if (isObjectStore(fs)) {
            return;
        }
        boolean writable;
        if (fs instanceof RawLocalFileSystem) {
            writable = Files.isWritable(local(fs, dir));
        } else {
            try {
                fs.access(dir, FsAction.WRITE);
                writable = true;
            } catch (AccessControlException e) {
                writable = false;
            }
        }
        if (!writable) {
            throw new JobSpecException("Invalid " + key + ": " + path + " cannot be written: " + dir + " is not"
                    + " writable by " + System.getProperty("user.name") + " (fix its permissions, or name another"
                    + " directory)");
        }
    }

    /**
     * The Hadoop configuration Spark would give a job: Hadoop's defaults and site files, then the
     * {@code spark.hadoop.*} keys of spark-submit (system properties) and of the job ({@code sparkConf}), prefix
     * removed. For what runs before, or without, a SparkSession.
     */
    public static Configuration hadoopConfiguration(Map<String, String> sparkConf) {
        Configuration conf = new Configuration();
        String prefix = "spark.hadoop.";
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).sorted()
                .forEach(k -> conf.set(k.substring(prefix.length()), System.getProperty(k)));
        sparkConf.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                conf.set(k.substring(prefix.length()), v);
            }
        });
        return conf;
    }

    @Override
    public boolean exists(String path) {
        Path p = new Path(path);
        try {
            return fs(p).exists(p);
        } catch (IOException e) {
            throw failure("check", path, e);
        }
    }

    @Override
    public Optional<byte[]> read(String path) {
        Path p = new Path(path);
        try (InputStream in = fs(p).open(p)) {
            return Optional.of(in.readAllBytes());
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", path, e);
        }
    }

    @Override
    public void writeAtomically(String path, byte[] bytes) {
        Path target = new Path(path);
        try {
            FileSystem fs = fs(target);
            if (isObjectStore(fs)) {
                write(fs, target, bytes, true);
                return;
            }
            Path temp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
            if (fs instanceof RawLocalFileSystem) {
                java.nio.file.Path file = local(fs, temp);
                Files.createDirectories(file.getParent());
                Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.move(file, local(fs, target), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                write(fs, temp, bytes, false);
                FileContext.getFileContext(target.toUri(), conf)
                        .rename(temp, target, Options.Rename.OVERWRITE);
            }
        } catch (IOException e) {
            throw failure("write", path, e);
        }
    }

    /**
     * {@inheritDoc} The file appears whole: readers never see it half written. On local disk the bytes go to a
     * temporary file that is then hard-linked to the path (link(2) refuses an existing path); on HDFS they are
     * renamed to it (a rename that refuses an existing target, atomic at the NameNode); on object stores a
     * conditional PUT (If-None-Match: *) writes it where the store supports it.
     */
    @Override
    public boolean createExclusively(String path, byte[] bytes) {
        return createExclusively(path, out -> out.write(bytes));
    }

    /** {@inheritDoc} Streams the file: as {@link #createExclusively(String, byte[])}, without its bytes in the heap. */
    @Override
    public boolean createExclusively(String path, java.nio.file.Path local) {
        return createExclusively(path, out -> Files.copy(local, out));
    }

    /** {@inheritDoc} Streams the file. */
    @Override
    public void copyFrom(java.nio.file.Path local, String path) {
        Path target = new Path(path);
        try (FSDataOutputStream out = fs(target).create(target, true)) {
            Files.copy(local, out);
        } catch (IOException e) {
            throw failure("write", path, e);
        }
    }

    @Override
    public Optional<InputStream> open(String path) {
        Path p = new Path(path);
        try {
            return Optional.of(fs(p).open(p));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", path, e);
        }
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private boolean createExclusively(String path, Content content) {
        Path target = new Path(path);
        try {
            FileSystem fs = fs(target);
            if (fs instanceof RawLocalFileSystem) {
                return createLocally(local(fs, target), content);
            }
            if (fs.exists(target)) {
                return false;
            }
            if (isObjectStore(fs)) {
                // If-None-Match: * where the store has it, so of two concurrent writers only one succeeds; a store
                // without it (or S3A with fs.s3a.create.conditional.enabled=false) leaves a small race window.
                try (FSDataOutputStream out = (FSDataOutputStream) fs.createFile(target).overwrite(false)
                        .opt(CONDITIONAL_CREATE, "true").build()) {
                    content.writeTo(out);
                }
                return true;
            }
            Path temp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(temp, false)) {
                content.writeTo(out);
            }
            try {
                FileContext.getFileContext(target.toUri(), conf).rename(temp, target); // refuses an existing target
                return true;
            } catch (FileAlreadyExistsException e) {
                fs.delete(temp, false);
                return false;
            }
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (isPreconditionFailed(e)) {
                return false;
            }
            throw failure("write", path, e);
        }
    }

    private static boolean createLocally(java.nio.file.Path file, Content content) throws IOException {
        Files.createDirectories(file.getParent());
        java.nio.file.Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            content.writeTo(out);
        }
        try {
            Files.createLink(file, temp);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) { // a file system without hard links: exclusive, not whole
            try {
                Files.move(temp, file);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException exists) {
                return false;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Whether a conditional PUT lost to an object that appeared meanwhile (HTTP 412). */
    private static boolean isPreconditionFailed(IOException e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("RemoteFileChangedException")
                    || String.valueOf(t.getMessage()).contains("PreconditionFailed")) {
                return true;
            }
        }
        return false;
    }

    private static void write(FileSystem fs, Path path, byte[] bytes, boolean overwrite) throws IOException {
        try (FSDataOutputStream out = fs.create(path, overwrite)) {
            out.write(bytes);
        }
    }

    @Override
    public List<Entry> list(String directory) {
        Path dir = new Path(directory);
        try {
            FileSystem fs = fs(dir);
            List<Entry> entries = new ArrayList<>();
            for (FileStatus status : fs.listStatus(dir)) {
                entries.add(new Entry(status.getPath().toString(), status.getPath().getName(), status.isDirectory(),
                        status.getLen(), status.getModificationTime()));
            }
            entries.sort(Comparator.comparing(Entry::name));
            return entries;
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw failure("list", directory, e);
        }
    }

    @Override
    public void rename(String from, String to) {
        Path source = new Path(from);
        Path target = new Path(to);
        try {
            FileSystem fs = fs(source);
            if (fs instanceof RawLocalFileSystem) {
                java.nio.file.Path destination = local(fs, target);
                Files.createDirectories(destination.getParent());
                Files.move(local(fs, source), destination); // a POSIX rename; fails if the target exists
                return;
            }
            fs.mkdirs(target.getParent());
            if (isObjectStore(fs)) {
                if (fs.exists(target) || !fs.rename(source, target)) {
                    throw new StorageException("Cannot rename " + from + " to " + to + " (does the target exist, or"
                            + " the source not?)", null);
                }
                return;
            }
            // FileSystem.rename would move a directory into an existing target directory; FileContext's rename
            // refuses an existing target, like the local branch, and is atomic on HDFS.
            FileContext.getFileContext(source.toUri(), conf).rename(source, target);
        } catch (java.nio.file.FileAlreadyExistsException | NoSuchFileException
                 | FileAlreadyExistsException | FileNotFoundException e) {
            throw new StorageException("Cannot rename " + from + " to " + to + " (does the target exist, or"
                    + " the source not?)", e);
        } catch (IOException e) {
            throw failure("rename", from, e);
        }
    }

    @Override
    public void delete(String path) {
        Path p = new Path(path);
        try {
            fs(p).delete(p, true);
        } catch (FileNotFoundException e) {
            // already gone
        } catch (IOException e) {
            throw failure("delete", path, e);
        }
    }

    @Override
    public void mkdirs(String path) {
        Path p = new Path(path);
        try {
            FileSystem fs = fs(p);
            if (fs instanceof RawLocalFileSystem) {
                Files.createDirectories(local(fs, p));
            } else {
                fs.mkdirs(p);
            }
        } catch (IOException e) {
            throw failure("create", path, e);
        }
    }

    @Override
    public boolean hasAtomicDirectoryRename(String path) {
        return !isObjectStore(path);
    }

    /** Whether paths under {@code path} live in an object store (no atomic rename). */
    public boolean isObjectStore(String path) {
        try {
            return isObjectStore(fs(new Path(path)));
        } catch (IOException e) {
            throw failure("resolve", path, e);
        }
    }

    /** The java.nio path of a path on the local file system {@code fs}. */
    private static java.nio.file.Path local(FileSystem fs, Path path) {
        return ((RawLocalFileSystem) fs).pathToFile(path).toPath();
    }

    private static boolean isObjectStore(FileSystem fs) {
        String scheme = fs.getUri().getScheme();
        if (scheme == null) {
            return false;
        }
        return scheme.startsWith("s3") || scheme.equals("gs") || scheme.startsWith("abfs") || scheme.equals("oss");
    }

    private StorageException failure(String action, String path, IOException e) {
        return failure(action, path, e, conf);
    }

    /**
     * "Cannot ACTION PATH: REASON" for a failed file system call over {@code conf}, in one line and without the
     * secrets the configuration or the environment hold: access denied, no credentials, no such bucket, store
     * unreachable, with what to check; else the file system's first line.
     */
    public static String describe(String action, String path, IOException e, Configuration conf) {
        return StorageFailures.describe(action, path, e, conf);
    }

    /** The storage error of a failed file system call over {@code conf}, described as {@link #describe} says. */
    public static StorageException failure(String action, String path, IOException e, Configuration conf) {
        return new StorageException(describe(action, path, e, conf), e);
    }
}
