using AavaeMlNet.Data.Readers;
using static AavaeMlNet.Data.Tests.Readers.OfficialFormatWriter;

namespace AavaeMlNet.Data.Tests.Readers;

public class Cifar10BinarySourceTests
{
    [Fact]
    public void Records_come_out_as_channel_planes_with_labels_across_batch_files()
    {
        using var dir = new TestDirectory();
        WriteCifar(dir.File("a.bin"), 0, 3, 9, 0);
        WriteCifar(dir.File("b.bin"), 3, 5, 1);
        var source = new Cifar10BinarySource([dir.File("a.bin"), dir.File("b.bin")]);

        var records = source.Read().ToList();

        Assert.Equal(5, source.Count);
        Assert.Equal(new[] { 3, 9, 0, 5, 1 }, records.Select(r => r.Label));
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, records.Select(r => r.Index));
        Assert.Equal(
            new ImageSetInfo(3, 32, 32, Cifar10BinarySource.StandardClassNames).PixelCount,
            records[0].PixelsChw.Length);
        foreach (var (r, c, y, x) in new[] { (0, 0, 0, 0), (1, 1, 5, 7), (4, 2, 31, 30), (3, 0, 2, 1) })
        {
            Assert.Equal(Pixel(r, c, y, x), records[r].PixelsChw[c * 1024 + y * 32 + x]);
        }
        Assert.Equal("truck", source.Info.ClassNames[9]);
    }

    [Fact]
    public void Subset_seeks_to_the_requested_records_in_file_order()
    {
        using var dir = new TestDirectory();
        WriteCifar(dir.File("a.bin"), 0, 0, 1, 2);
        WriteCifar(dir.File("b.bin"), 3, 3, 4);
        var source = new Cifar10BinarySource([dir.File("a.bin"), dir.File("b.bin")]);

        var records = source.Subset([4, 1, 3]).Read().ToList();

        Assert.Equal(new[] { 1, 3, 4 }, records.Select(r => r.Index));
        Assert.Equal(new[] { 1, 3, 4 }, records.Select(r => r.Label));
        Assert.Equal(Pixel(3, 2, 10, 10), records[1].PixelsChw[2 * 1024 + 10 * 32 + 10]);
    }

    [Fact]
    public void Class_names_come_from_batches_meta_txt_when_present()
    {
        using var dir = new TestDirectory();
        File.WriteAllText(dir.File("batches.meta.txt"), "alpha\nbeta\n\n");
        WriteCifar(dir.File("test_batch.bin"), 0, 1);

        var source = Cifar10BinarySource.Open(dir.Path, Cifar10Split.Test);

        Assert.Equal(new[] { "alpha", "beta" }, source.Info.ClassNames);
    }

    [Fact]
    public void Truncated_file_names_the_file_and_the_offset_of_the_incomplete_record()
    {
        using var dir = new TestDirectory();
        WriteCifar(dir.File("a.bin"), 0, 1, 2);
        var bytes = File.ReadAllBytes(dir.File("a.bin"));
        File.WriteAllBytes(dir.File("a.bin"), bytes[..(Cifar10BinarySource.RecordSize + 100)]);

        var ex = Assert.Throws<InvalidDataException>(() => new Cifar10BinarySource([dir.File("a.bin")]));

        Assert.Contains(dir.File("a.bin"), ex.Message);
        Assert.Contains("record 1 at byte offset 3073", ex.Message);
    }

    [Fact]
    public void Label_out_of_range_names_the_record_and_offset()
    {
        using var dir = new TestDirectory();
        WriteCifar(dir.File("a.bin"), 0, 1, 10);
        var source = new Cifar10BinarySource([dir.File("a.bin")]);

        var ex = Assert.Throws<InvalidDataException>(() => source.Read().ToList());

        Assert.Contains(dir.File("a.bin"), ex.Message);
        Assert.Contains("record 1 (byte offset 3073) has label 10, expected 0..9", ex.Message);
    }

    [Fact]
    public void Missing_batch_file_is_reported_by_name()
    {
        using var dir = new TestDirectory();
        var ex = Assert.Throws<FileNotFoundException>(() => Cifar10BinarySource.Open(dir.Path, Cifar10Split.Train));
        Assert.Contains("data_batch_1.bin", ex.Message);
    }
}
