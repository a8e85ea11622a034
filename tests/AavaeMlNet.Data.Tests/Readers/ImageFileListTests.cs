using AavaeMlNet.Data.Readers;

namespace AavaeMlNet.Data.Tests.Readers;

public class ImageFileListTests
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    private static void Touch(TestDirectory dir, params string[] relativePaths)
    {
        foreach (string relative in relativePaths)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.File(relative))!);
            File.WriteAllBytes(dir.File(relative), []);
        }
    }

    [Fact]
    public void Class_folders_give_labels_in_ordinal_order_and_files_in_ordinal_order_of_their_paths()
    {
        using var dir = new TestDirectory();
        Touch(dir, "dog/b.png", "dog/B.png", "dog/a/z.JPG", "dog/a.png", "Cat/x.jpeg", "cat/é.png", "cat/e.png",
            "cat/notes.txt", "empty/.keep.txt");

        var list = ImageFileList.List(dir.Path, Extensions);

        Assert.Equal(["Cat", "cat", "dog", "empty"], list.ClassNames);
        string[] expected = ["Cat/x.jpeg", "cat/e.png", "cat/é.png", "dog/B.png", "dog/a.png", "dog/a/z.JPG",
            "dog/b.png"];
        // The documented order is ordinal string order: the list must agree with .NET's own sort of the same paths.
        Assert.Equal(expected.Order(StringComparer.Ordinal).GroupBy(p => p.Split('/')[0]).SelectMany(g => g),
            expected);
        Assert.Equal(expected.Select(p => p.Replace('/', Path.DirectorySeparatorChar)),
            Enumerable.Range(0, list.Count).Select(list.RelativePath));
        Assert.Equal([0, 1, 1, 2, 2, 2, 2], Enumerable.Range(0, list.Count).Select(list.Label));
        Assert.Equal(Path.Join(dir.Path, expected[2]), list.FullPath(2));
    }

    [Fact]
    public void Empty_class_folders_keep_their_label_numbers()
    {
        using var dir = new TestDirectory();
        Touch(dir, "b/1.png", "e/1.png", "e/2.png");
        Directory.CreateDirectory(dir.File("a"));
        Directory.CreateDirectory(dir.File("c"));
        Directory.CreateDirectory(dir.File("d"));
        Directory.CreateDirectory(dir.File("f"));

        var list = ImageFileList.List(dir.Path, Extensions);

        Assert.Equal(["a", "b", "c", "d", "e", "f"], list.ClassNames);
        Assert.Equal([1, 4, 4], Enumerable.Range(0, list.Count).Select(list.Label));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Label(3));
    }

    [Fact]
    public void A_flat_folder_is_unlabeled()
    {
        using var dir = new TestDirectory();
        Touch(dir, "b.png", "a.jpg", "c.gif");

        var list = ImageFileList.List(dir.Path, Extensions);

        Assert.Empty(list.ClassNames);
        Assert.Equal(["a.jpg", "b.png"], Enumerable.Range(0, list.Count).Select(list.RelativePath));
        Assert.All(Enumerable.Range(0, list.Count), i => Assert.Equal(ImageRecord.NoLabel, list.Label(i)));
    }

    [Fact]
    public void Loose_images_beside_class_folders_and_a_missing_folder_are_refused_by_name()
    {
        using var dir = new TestDirectory();
        Touch(dir, "cat/a.png", "stray.png");

        var mixed = Assert.Throws<InvalidDataException>(() => ImageFileList.List(dir.Path, Extensions));
        Assert.Contains($"'{dir.File("stray.png")}'", mixed.Message);
        Assert.Contains("expected either one subfolder per class or a flat folder", mixed.Message);
        var missing = Assert.Throws<DirectoryNotFoundException>(
            () => ImageFileList.List(dir.File("nowhere"), Extensions));
        Assert.Equal($"Image folder '{dir.File("nowhere")}' does not exist.", missing.Message);
    }

    [Fact]
    public void Long_paths_beyond_the_stack_buffer_round_trip()
    {
        using var dir = new TestDirectory();
        string deep = string.Join('/', Enumerable.Repeat("ünïcödé-folder-name", 30)) + "/x.png";
        Touch(dir, "c/" + deep);

        var list = ImageFileList.List(dir.Path, Extensions);

        Assert.Equal(("c/" + deep).Replace('/', Path.DirectorySeparatorChar), list.RelativePath(0));
    }
}
