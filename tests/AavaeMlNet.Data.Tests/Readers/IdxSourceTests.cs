using AavaeMlNet.Data.Readers;
using static AavaeMlNet.Data.Tests.Readers.OfficialFormatWriter;

namespace AavaeMlNet.Data.Tests.Readers;

public class IdxSourceTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_raw_and_gzipped_idx_with_exact_pixels(bool gzip)
    {
        using var dir = new TestDirectory();
        WriteIdxImages(dir.File("images"), 3, 2, 3, gzip);
        WriteIdxLabels(dir.File("labels"), gzip, 7, 0, 9);

        var source = new IdxSource(dir.File("images"), dir.File("labels"));
        var records = source.Read().ToList();

        Assert.Equal(new ImageSetInfo(1, 2, 3, source.Info.ClassNames), source.Info);
        Assert.Equal(3, source.Count);
        Assert.Equal(new[] { 7, 0, 9 }, records.Select(r => r.Label));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => Pixel(2, 0, i / 3, i % 3)), records[2].PixelsChw);
        Assert.Equal(new[] { 2 }, source.Subset([2]).Read().Select(r => r.Index));
        Assert.Equal(Pixel(1, 0, 1, 2), source.Subset([1]).Read().Single().PixelsChw[5]);
    }

    [Fact]
    public void Wrong_magic_number_is_named_with_the_expected_value()
    {
        using var dir = new TestDirectory();
        WriteIdxImages(dir.File("images"), 1, 2, 2, false, magic: 0x801);

        var ex = Assert.Throws<InvalidDataException>(() => new IdxSource(dir.File("images")));

        Assert.Contains(dir.File("images"), ex.Message);
        Assert.Contains("magic number 0x00000801 at byte offset 0, expected 0x00000803", ex.Message);
    }

    [Fact]
    public void Zero_rows_is_a_wrong_dimension()
    {
        using var dir = new TestDirectory();
        WriteIdxImages(dir.File("images"), 1, 0, 2, false);

        var ex = Assert.Throws<InvalidDataException>(() => new IdxSource(dir.File("images")));

        Assert.Contains("row count 0 at byte offset 8", ex.Message);
    }

    [Fact]
    public void Truncated_raw_file_is_caught_by_its_length()
    {
        using var dir = new TestDirectory();
        WriteIdxImages(dir.File("images"), 3, 2, 2, false);
        File.WriteAllBytes(dir.File("images"), File.ReadAllBytes(dir.File("images"))[..20]);

        var ex = Assert.Throws<InvalidDataException>(() => new IdxSource(dir.File("images")));

        Assert.Contains("has 20 bytes, expected 28", ex.Message);
    }

    [Fact]
    public void Truncated_gzip_payload_names_the_image_and_offset()
    {
        using var dir = new TestDirectory();
        WriteIdxImages(dir.File("raw"), 3, 2, 2, false);
        File.WriteAllBytes(dir.File("images.gz"), Gzip(File.ReadAllBytes(dir.File("raw"))[..22]));

        var source = new IdxSource(dir.File("images.gz"));
        var ex = Assert.Throws<InvalidDataException>(() => source.Read().ToList());

        Assert.Contains("image 1 at byte offset 20 needs 4 bytes but the file ends after 2", ex.Message);
    }

    [Fact]
    public void Count_mismatch_names_both_files()
    {
        using var dir = new TestDirectory();
        WriteIdxImages(dir.File("images"), 3, 2, 2, false);
        WriteIdxLabels(dir.File("labels"), false, 1, 2);

        var ex = Assert.Throws<InvalidDataException>(() => new IdxSource(dir.File("images"), dir.File("labels")));

        Assert.Contains("holds 3 images", ex.Message);
        Assert.Contains(dir.File("labels"), ex.Message);
    }

    [Fact]
    public void Label_beyond_the_class_names_is_refused()
    {
        using var dir = new TestDirectory();
        WriteIdxImages(dir.File("images"), 2, 2, 2, true);
        WriteIdxLabels(dir.File("labels"), true, 1, 12);

        var ex = Assert.Throws<InvalidDataException>(
            () => new IdxSource(dir.File("images"), dir.File("labels")).Read().ToList());

        Assert.Contains("record 1 (byte offset 9) has label 12, expected 0..9", ex.Message);
    }
}
