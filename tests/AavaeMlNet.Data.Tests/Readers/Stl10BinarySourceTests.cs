using AavaeMlNet.Data.Readers;
using static AavaeMlNet.Data.Tests.Readers.OfficialFormatWriter;

namespace AavaeMlNet.Data.Tests.Readers;

public class Stl10BinarySourceTests
{
    private const int Plane = 96 * 96;

    [Fact]
    public void Column_major_planes_are_transposed_to_row_major_chw()
    {
        using var dir = new TestDirectory();
        WriteStlImages(dir.File("train_X.bin"), 2);
        File.WriteAllBytes(dir.File("train_y.bin"), [1, 10]);

        var source = Stl10BinarySource.Open(dir.Path, Stl10Split.Train);
        var records = source.Read().ToList();

        Assert.Equal(new[] { 0, 9 }, records.Select(r => r.Label));
        // Row 0, column 1 and row 1, column 0 differ in the pattern: a missing transpose would swap them.
        Assert.Equal(Pixel(0, 0, 0, 1), records[0].PixelsChw[1]);
        Assert.Equal(Pixel(0, 0, 1, 0), records[0].PixelsChw[96]);
        Assert.NotEqual(records[0].PixelsChw[1], records[0].PixelsChw[96]);
        foreach (var (r, c, y, x) in new[] { (1, 2, 95, 3), (1, 1, 40, 77), (0, 2, 0, 95) })
        {
            Assert.Equal(Pixel(r, c, y, x), records[r].PixelsChw[c * Plane + y * 96 + x]);
        }
        Assert.Equal("monkey", source.Info.ClassNames[7]);
    }

    [Fact]
    public void Unlabeled_split_has_no_labels_and_no_class_names()
    {
        using var dir = new TestDirectory();
        Directory.CreateDirectory(dir.File("stl10_binary"));
        WriteStlImages(dir.File("stl10_binary/unlabeled_X.bin"), 3);

        var source = Stl10BinarySource.Open(dir.Path, Stl10Split.Unlabeled);

        Assert.False(source.Info.HasLabels);
        Assert.All(source.Read(), r => Assert.Equal(ImageRecord.NoLabel, r.Label));
        Assert.Equal(Pixel(2, 1, 3, 4), source.Subset([2]).Read().Single().PixelsChw[Plane + 3 * 96 + 4]);
    }

    [Fact]
    public void Label_zero_is_refused_because_stl10_labels_are_one_based()
    {
        using var dir = new TestDirectory();
        WriteStlImages(dir.File("x.bin"), 2);
        File.WriteAllBytes(dir.File("y.bin"), [3, 0]);

        var ex = Assert.Throws<InvalidDataException>(
            () => new Stl10BinarySource(dir.File("x.bin"), dir.File("y.bin")).Read().ToList());

        Assert.Contains(dir.File("y.bin"), ex.Message);
        Assert.Contains("record 1 (byte offset 1) has label 0, expected 1..10", ex.Message);
    }

    [Fact]
    public void Image_label_count_mismatch_names_both_files()
    {
        using var dir = new TestDirectory();
        WriteStlImages(dir.File("x.bin"), 2);
        File.WriteAllBytes(dir.File("y.bin"), [1, 2, 3]);

        var ex = Assert.Throws<InvalidDataException>(() => new Stl10BinarySource(dir.File("x.bin"), dir.File("y.bin")));

        Assert.Contains("holds 2 images", ex.Message);
        Assert.Contains("holds 3 labels", ex.Message);
    }

    [Fact]
    public void Truncated_image_file_names_the_offset()
    {
        using var dir = new TestDirectory();
        WriteStlImages(dir.File("x.bin"), 2);
        File.WriteAllBytes(dir.File("x.bin"), File.ReadAllBytes(dir.File("x.bin"))[..30000]);

        var ex = Assert.Throws<InvalidDataException>(() => new Stl10BinarySource(dir.File("x.bin"), null));

        Assert.Contains("record 1 at byte offset 27648 is truncated", ex.Message);
    }
}
