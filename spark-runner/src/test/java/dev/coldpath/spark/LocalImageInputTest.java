package dev.coldpath.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coldpath.connectors.ImageFilesSource;
import dev.coldpath.connectors.ParquetSource.InputFile;
import dev.coldpath.core.error.InputDataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files read as binaryFile's rows without Spark: the listed file's columns, its bytes when asked for. */
class LocalImageInputTest {
    @TempDir
    Path tmp;

    @Test
    void eachListedFileIsARowOfItsPathTimeLengthAndBytesReadWhenItsRowIsAskedFor() throws Exception {
        Files.write(tmp.resolve("a.png"), new byte[] {1, 2, 3});
        Files.createDirectories(tmp.resolve("sub"));
        Files.write(tmp.resolve("sub/b.PNG"), new byte[] {4, 5});
        List<InputFile> files = ImageFilesSource.list(new Configuration(), tmp.toString(), "*.png");

        Iterator<InternalRow> rows = LocalImageInput.rows(new Configuration(), files);
        InternalRow first = rows.next();
        Files.delete(tmp.resolve("sub/b.PNG")); // listed, then removed before its row is read

        assertThat(LocalImageInput.SCHEMA.fieldNames()).containsExactly("path", "modificationTime", "length",
                "content");
        assertThat(first.getUTF8String(0).toString()).isEqualTo(files.get(0).path()).startsWith("file:/")
                .endsWith("/a.png");
        assertThat(first.getLong(1)).isEqualTo(files.get(0).modificationTime() * 1000); // microseconds
        assertThat(first.getLong(2)).isEqualTo(3);
        assertThat(first.getBinary(3)).containsExactly(1, 2, 3);
        assertThat(rows.hasNext()).isTrue();
        assertThatThrownBy(rows::next).isInstanceOf(InputDataException.class)
                .hasMessageStartingWith("Image file " + files.get(1).path() + " was removed after the input was"
                        + " listed: ");
    }

    /** Root reads any file whatever its permissions: a folder where a listed file was stands for an unreadable one. */
    @Test
    void aListedFileThatIsThereButCannotBeOpenedIsUnreadableAndOneThatChangedIsNotReadAsListed() throws Exception {
        Files.write(tmp.resolve("a.png"), new byte[] {1, 2, 3});
        Files.write(tmp.resolve("b.png"), new byte[] {4, 5});
        List<InputFile> files = ImageFilesSource.list(new Configuration(), tmp.toString(), "*.png");
        Files.delete(tmp.resolve("a.png"));
        Files.createDirectories(tmp.resolve("a.png"));
        Files.write(tmp.resolve("b.png"), new byte[] {4, 5, 6});

        assertThatThrownBy(() -> LocalImageInput.read(new Configuration(), files.get(0)))
                .isInstanceOf(InputDataException.class)
                .hasMessageStartingWith("Cannot read image file " + files.get(0).path() + ": ")
                .hasMessageEndingWith("(the file is there but unreadable: check its permissions, or leave it out"
                        + " with input.glob)")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> LocalImageInput.read(new Configuration(), files.get(1)))
                .isInstanceOf(InputDataException.class)
                .hasMessage("Image file " + files.get(1).path() + " changed after the input was listed (2 bytes"
                        + " listed, 3 read): run the job again once its input is complete");
    }
}
