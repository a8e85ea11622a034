using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Data.Tests.Readers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Data.Tests.DataView;

public class ImageDataViewTests
{
    private sealed class Row
    {
        [VectorType(3072)]
        public float[] Image { get; set; } = [];

        public float Label { get; set; }
    }

    [Fact]
    public void Schema_has_a_known_size_float_vector_and_a_single_label()
    {
        using var dir = new TestDirectory();
        OfficialFormatWriter.WriteCifar(dir.File("a.bin"), 0, 4, 2);
        var view = new Cifar10BinarySource([dir.File("a.bin")]).ToDataView();

        var image = view.Schema["Image"].Type as VectorDataViewType;
        Assert.NotNull(image);
        Assert.Equal(NumberDataViewType.Single, image.ItemType);
        Assert.Equal(3072, image.Size);
        Assert.Equal(NumberDataViewType.Single, view.Schema["Label"].Type);
        Assert.Equal(2, view.GetRowCount());
    }

    [Fact]
    public void Ml_net_reads_pixels_scaled_to_unit_range_in_chw_order()
    {
        using var dir = new TestDirectory();
        OfficialFormatWriter.WriteCifar(dir.File("a.bin"), 0, 4, 2, 7);
        var view = new Cifar10BinarySource([dir.File("a.bin")]).Subset([0, 2]).ToDataView();

        var rows = new MLContext(seed: 1).Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToList();

        Assert.Equal(new[] { 4f, 7f }, rows.Select(r => r.Label));
        // ExtractPixels' arithmetic, byte * (1f / 255), so readers and image columns agree bit for bit.
        Assert.Equal(OfficialFormatWriter.Pixel(2, 1, 3, 5) * (1f / 255), rows[1].Image[1024 + 3 * 32 + 5]);
        Assert.All(rows[0].Image, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Unlabeled_source_has_only_the_image_column_with_a_custom_name()
    {
        using var dir = new TestDirectory();
        OfficialFormatWriter.WriteIdxImages(dir.File("images"), 2, 2, 2, false);
        var view = new IdxSource(dir.File("images"))
            .ToDataView(new ImageDataViewOptions { ImageColumnName = "Pixels" });

        Assert.Single(view.Schema);
        Assert.Equal(4, ((VectorDataViewType)view.Schema["Pixels"].Type).Size);
        var column = view.GetColumn<VBuffer<float>>("Pixels").ToList();
        Assert.Equal(2, column.Count);
        Assert.Equal(OfficialFormatWriter.Pixel(1, 0, 1, 1) * (1f / 255), column[1].GetValues()[3]);
    }
}
