using AavaeMlNet.Data.Readers;
using Microsoft.ML.Data;

namespace AavaeMlNet.Data.Tests.Readers;

public class ImageFolderSourceTests
{
    private static void SavePng(string path, int width, int height, Func<int, int, (byte R, byte G, byte B)> color)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = color(x, y);
                int p = 4 * (y * width + x);
                (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]) = (r, g, b, 255);
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, rgba);
        image.Save(path);
    }

    private static (byte, byte, byte) Pattern(int x, int y) => ((byte)(10 * x + y), (byte)(100 + y), (byte)(200 + x));

    [Fact]
    public void Class_subfolders_give_sorted_labels_and_rgb_planes()
    {
        using var dir = new TestDirectory();
        SavePng(dir.File("dog/1.png"), 4, 3, Pattern);
        SavePng(dir.File("cat/a.png"), 4, 3, Pattern);

        var source = new ImageFolderSource(dir.Path, new ImageFolderOptions { Width = 4, Height = 3 });
        var records = source.Read().ToList();

        Assert.Equal(new[] { "cat", "dog" }, source.Info.ClassNames);
        Assert.Equal(new[] { 0, 1 }, records.Select(r => r.Label));
        var pixels = records[0].PixelsChw;
        Assert.Equal(10 * 3 + 2, pixels[2 * 4 + 3]);          // R at row 2, column 3
        Assert.Equal(100 + 2, pixels[12 + 2 * 4 + 3]);        // G
        Assert.Equal(200 + 3, pixels[24 + 2 * 4 + 3]);        // B
    }

    [Fact]
    public void Flat_folder_is_unlabeled_and_mixed_sizes_are_resized()
    {
        using var dir = new TestDirectory();
        SavePng(dir.File("a.png"), 2, 2, (_, _) => (50, 50, 50));
        SavePng(dir.File("b.png"), 8, 6, (_, _) => (90, 90, 90));

        var source = new ImageFolderSource(dir.Path, new ImageFolderOptions { Width = 4, Height = 4, Channels = 1 });
        var records = source.Read().ToList();

        Assert.False(source.Info.HasLabels);
        Assert.All(records, r => Assert.Equal(16, r.PixelsChw.Length));
        Assert.All(records[0].PixelsChw, v => Assert.Equal(50, v));
        Assert.All(records[1].PixelsChw, v => Assert.Equal(90, v));
    }

    [Fact]
    public void Grayscale_output_uses_the_luma_of_mlnet_convert_to_grayscale()
    {
        using var dir = new TestDirectory();
        SavePng(dir.File("blue.png"), 1, 1, (_, _) => (0, 0, 255));

        var record = new ImageFolderSource(dir.Path, new ImageFolderOptions { Width = 1, Height = 1, Channels = 1 })
            .Read().Single();

        Assert.Equal(28, record.PixelsChw[0]); // 0.11 * 255 = 28.05 (BT.601's 0.114 would give 29)
    }

    [Fact]
    public void Undecodable_file_throws_naming_file_and_record()
    {
        using var dir = new TestDirectory();
        SavePng(dir.File("a.png"), 2, 2, Pattern);
        File.WriteAllText(dir.File("b.png"), "not an image");

        var ex = Assert.Throws<InvalidDataException>(() => new ImageFolderSource(dir.Path).Read().ToList());

        Assert.Contains(dir.File("b.png"), ex.Message);
        Assert.Contains("record 1", ex.Message);
    }

    [Fact]
    public void Undecodable_file_can_be_skipped_with_a_count_and_a_warning()
    {
        using var dir = new TestDirectory();
        SavePng(dir.File("a.png"), 2, 2, Pattern);
        File.WriteAllText(dir.File("b.jpg"), "not an image");
        var rejects = new RejectsFile();

        var source = new ImageFolderSource(dir.Path,
            new ImageFolderOptions { OnUndecodable = UndecodableImagePolicy.Skip, OnSkipped = rejects.Add });
        var records = source.Read().ToList();
        source.Read().ToList(); // a second pass records the file once

        Assert.Single(records);
        Assert.Equal(2, source.SkippedCount);
        var rejected = Assert.Single(rejects.Images);
        Assert.Equal((1, dir.File("b.jpg")), (rejected.Index, rejected.Path));
        Assert.Equal("not a PNG or JPEG file (it starts with bytes 6E6F7420)", rejected.Reason);
        Assert.False(source.IsCountExact);
    }

    [Fact]
    public void Truncated_png_and_jpeg_files_are_rejected_although_the_decoder_would_fill_them_in()
    {
        using var dir = new TestDirectory();
        SavePng(dir.File("a.png"), 8, 8, Pattern);
        byte[] png = File.ReadAllBytes(dir.File("a.png"));
        File.WriteAllBytes(dir.File("b.png"), png[..(png.Length - 20)]);
        using (var image = MLImage.CreateFromFile(dir.File("a.png"))) image.Save(dir.File("c.jpg"));
        byte[] jpeg = File.ReadAllBytes(dir.File("c.jpg"));
        File.WriteAllBytes(dir.File("d.jpg"), jpeg[..(jpeg.Length / 2)]);
        var rejects = new RejectsFile();

        var source = new ImageFolderSource(dir.Path,
            new ImageFolderOptions { OnUndecodable = UndecodableImagePolicy.Skip, OnSkipped = rejects.Add });

        Assert.Equal([0, 2], source.Read().Select(r => r.Index));
        Assert.Equal([$"the PNG ends at byte {png.Length - 20} before its IEND chunk (a truncated file)",
            $"the JPEG ends at byte {jpeg.Length / 2} before its end-of-image marker (a truncated file)"],
            rejects.Images.Select(r => r.Reason));
    }

    [Fact]
    public void Rejects_file_is_csv_with_a_header_and_quoted_fields()
    {
        using var dir = new TestDirectory();
        var rejects = new RejectsFile();
        rejects.Add(new RejectedImage(3, "b,c.png", "the file is empty"));
        rejects.Add(new RejectedImage(1, "a.jpg", "not a \"JPEG\""));
        rejects.Write(dir.File("rejects.csv"));
        Assert.Equal("path,reason\na.jpg,\"not a \"\"JPEG\"\"\"\n\"b,c.png\",the file is empty\n",
            File.ReadAllText(dir.File("rejects.csv")));
    }
}
