using System.Text.Json;
using System.Text.Json.Nodes;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Augmentations;

public class AugmentationTests
{
    // One textured image repeated over the batch: any difference between outputs comes from per-sample draws.
    private static Tensor RepeatedImage(int n, int channels, int side)
    {
        using var g = new Generator(99);
        using var image = rand([1, channels, side, side], generator: g);
        return image.expand(n, channels, side, side).contiguous();
    }

    private static void AssertSamplesDiffer(Tensor output)
    {
        long n = output.shape[0];
        for (long i = 0; i < n; i++)
            for (long j = i + 1; j < n; j++)
                Assert.False(output[i].allclose(output[j]), $"samples {i} and {j} got the same augmentation");
    }

    public static TheoryData<string> Ops() => new() { "crop", "jitter", "grayscale", "blur", "erasing", "pipeline" };

    private static Tensor Run(string op, Tensor images, Generator g) => op switch
    {
        "crop" => RandomResizedCrop.Apply(images,
            RandomResizedCrop.Draw(images.shape[0], 16, 16, (0.08, 1), (0.75, 4.0 / 3), 0.5, g), 16, 16),
        "jitter" => ColorJitter.Apply(images, 1.0, 1.0, chroma: true, g),
        "grayscale" => RandomGrayscale.Apply(images, 0.5, g),
        "blur" => GaussianBlur.Apply(images, 1.0, (0.1, 2.0), 0.2, g),
        "erasing" => RandomErasing.Apply(images,
            RandomErasing.Draw(images.shape[0], 16, 16, (0.02, 0.33), (0.3, 3.3), 1.0, g)),
        _ => new SimClrAugmentation(AugmentationOptions.Stl10).View(images, g),
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Each_op_draws_independently_per_sample(string op)
    {
        // Grayscale has only two outcomes per sample, so it is checked over a batch of two whose draws differ.
        int n = op == "grayscale" ? 2 : 6;
        using var images = RepeatedImage(n, 3, 16);
        using var g = new Generator(op == "grayscale" ? 5UL : 1UL);
        using var output = Run(op, images, g);
        if (op == "grayscale")
        {
            bool first = output[0].allclose(images[0]), second = output[1].allclose(images[1]);
            Assert.NotEqual(first, second);
        }
        else AssertSamplesDiffer(output);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Each_op_is_reproducible_for_a_seed_and_changes_with_it(string op)
    {
        using var images = RepeatedImage(8, 3, 16);
        using var g1 = new Generator(11);
        using var g2 = new Generator(11);
        using var g3 = new Generator(12);
        using var a = Run(op, images, g1);
        using var b = Run(op, images, g2);
        using var c = Run(op, images, g3);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.allclose(c));
    }

    [Fact]
    public void Full_box_crop_is_the_identity_and_flip_mirrors()
    {
        using var images = arange(16f).view(1, 1, 4, 4) / 16;
        using var same = RandomResizedCrop.Apply(images, [new(0, 0, 4, 4, false)], 4, 4);
        using var mirrored = RandomResizedCrop.Apply(images, [new(0, 0, 4, 4, true)], 4, 4);
        Assert.True(same.allclose(images, atol: 1e-6));
        Assert.True(mirrored.allclose(images.flip(3), atol: 1e-6));
    }

    [Fact]
    public void Crop_of_the_right_half_upsamples_that_half()
    {
        // Columns 2 and 3 of a 4x4 image stretched to 4 columns. The sampling grid spans the crop's outer edges, so the
        // samples fall at pixel coordinates 1.75, 2.25, 2.75, 3.25 (the last clamped to the border): bilinear values.
        using var row = tensor(new float[] { 0, 1, 2, 3 });
        using var images = row.view(1, 1, 1, 4).expand(1, 1, 4, 4).contiguous();
        using var output = RandomResizedCrop.Apply(images, [new(2, 0, 2, 4, false)], 4, 4);
        var firstRow = output[0, 0, 0].data<float>().ToArray();
        Assert.Equal(new[] { 1.75f, 2.25f, 2.75f, 3.0f }, firstRow.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void Draw_respects_the_scale_and_ratio_ranges()
    {
        using var g = new Generator(4);
        var boxes = RandomResizedCrop.Draw(500, 64, 64, (0.2, 0.5), (0.75, 4.0 / 3), 0.5, g);
        foreach (var box in boxes)
        {
            Assert.InRange(box.Width * box.Height / (64.0 * 64), 0.17, 0.53); // rounding of sides
            Assert.InRange(box.Width / box.Height, 0.7, 1.43);
            Assert.True(box.Left >= 0 && box.Left + box.Width <= 64 && box.Top >= 0 && box.Top + box.Height <= 64);
        }
        Assert.InRange(boxes.Count(b => b.Flip), 200, 300);
    }

    [Fact]
    public void Colour_ops_match_their_definitions()
    {
        using var red = tensor(new float[] { 1, 0, 0 }).view(1, 3, 1, 1);
        using var half = full(1, 1, 1, 1, 0.5f);
        using var third = full(1, 1, 1, 1, 1f / 3);
        using var zero = zeros(1, 1, 1, 1);
        Assert.Equal(new[] { 0.5f, 0f, 0f }, ColorOps.AdjustBrightness(red, half).data<float>().ToArray());
        Assert.Equal(0.2989f, ColorOps.Grayscale(red).item<float>(), 5);
        var green = ColorOps.AdjustHue(red, third).data<float>().ToArray(); // a third of a turn: red -> green
        Assert.Equal(new[] { 0f, 1f, 0f }, green.Select(v => MathF.Round(v, 4)));
        using var image = tensor(new float[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }).view(1, 3, 2, 2);
        var flat = ColorOps.AdjustContrast(image, zero).data<float>().ToArray(); // factor 0: the mean grey everywhere
        Assert.All(flat, v => Assert.Equal(0.5f, v, 4));
    }

    [Fact]
    public void Blur_kernel_is_normalized_and_symmetric_and_keeps_constant_images()
    {
        Assert.Equal(9, GaussianBlur.KernelSize(96, 0.1));
        Assert.Equal(3, GaussianBlur.KernelSize(32, 0.1));
        var kernel = GaussianBlur.Kernel(9, 1.5);
        Assert.Equal(1.0, kernel.Sum(), 5);
        Assert.Equal(kernel, kernel.Reverse());
        using var constant = full(3, 3, 20, 20, 0.3f);
        using var g = new Generator(1);
        using var blurred = GaussianBlur.Apply(constant, 1.0, (0.1, 2.0), 0.1, g);
        Assert.True(blurred.allclose(constant, atol: 1e-6));
    }

    [Fact]
    public void Grayscale_preset_works_on_one_channel_and_none_preset_only_normalizes()
    {
        using var images = RepeatedImage(4, 1, 28);
        using var g = new Generator(1);
        using var view = new SimClrAugmentation(AugmentationOptions.Grayscale).View(images, g);
        Assert.Equal(images.shape, view.shape);
        var none = new SimClrAugmentation(AugmentationOptions.None(Normalization.FashionMnist));
        using var plain = none.View(images, g);
        using var target = none.Target(images);
        Assert.True(plain.allclose(target, atol: 1e-6));
        using var expected = (images - 0.2860f) / 0.3530f;
        Assert.True(target.allclose(expected, atol: 1e-5));
    }

    [Fact]
    public void Wrong_channel_count_is_reported_with_the_expected_shape()
    {
        using var images = rand(2, 3, 8, 8);
        using var g = new Generator(1);
        var error = Assert.Throws<ArgumentException>(
            () => new SimClrAugmentation(AugmentationOptions.Grayscale).View(images, g));
        Assert.Contains("(N, 1, H, W)", error.Message);
    }

    [Fact]
    public void Erasing_a_quarter_square_sets_exactly_one_four_by_four_block_of_every_channel()
    {
        // Area 0.25 of 8x8 at ratio 1: sqrt(16) = 4 pixels a side, placed anywhere it fits.
        using var images = rand(6, 3, 8, 8) + 1; // no pixel is 0 before erasing
        using var g = new Generator(3);
        var boxes = RandomErasing.Draw(6, 8, 8, (0.25, 0.25), (1, 1), 1.0, g);
        using var erased = RandomErasing.Apply(images, boxes);
        for (int i = 0; i < 6; i++)
        {
            var box = Assert.NotNull(boxes[i]);
            Assert.Equal((4, 4), (box.Height, box.Width));
            Assert.True(box.Top is >= 0 and <= 4 && box.Left is >= 0 and <= 4);
            using var zero = erased[i].eq(0);
            Assert.Equal(3 * 16, zero.sum().item<long>());
            Assert.True(erased[i, .., box.Top..(box.Top + 4), box.Left..(box.Left + 4)].eq(0).all().item<bool>());
            using var kept = erased[i].ne(0);
            Assert.True(erased[i].masked_select(kept).eq(images[i].masked_select(kept)).all().item<bool>());
        }
    }

    [Fact]
    public void Erasing_draws_respect_the_area_and_probability_and_favour_no_orientation()
    {
        using var g = new Generator(8);
        var boxes = RandomErasing.Draw(1000, 32, 32, (0.02, 0.33), (0.3, 3.3), 0.5, g);
        var drawn = boxes.OfType<RandomErasing.EraseBox>().ToArray();
        Assert.InRange(drawn.Length, 440, 560);
        foreach (var box in drawn)
        {
            Assert.InRange(box.Height * box.Width / (32.0 * 32), 0.01, 0.36); // rounding of sides
            Assert.True(box.Top >= 0 && box.Top + box.Height <= 32 && box.Left >= 0 && box.Left + box.Width <= 32);
        }
        // The ratio is log-uniform over 0.3..3.3, symmetric around 1: as many tall rectangles as wide ones.
        int tall = drawn.Count(b => b.Height > b.Width), wide = drawn.Count(b => b.Width > b.Height);
        Assert.InRange(tall / (double)(tall + wide), 0.4, 0.6);
    }

    [Fact]
    public void An_erased_rectangle_too_tall_for_the_image_is_clipped_not_redrawn()
    {
        // Area 0.33 of 32x32 (337.92 pixels) at ratio 3.3: sqrt(337.92 * 3.3) = 33.4 rows, clipped to 32;
        // sqrt(337.92 / 3.3) = 10.1 columns, rounded to 10; only top 0 fits.
        using var g = new Generator(2);
        var boxes = RandomErasing.Draw(20, 32, 32, (0.33, 0.33), (3.3, 3.3), 1.0, g);
        Assert.All(boxes, b => Assert.Equal(new RandomErasing.EraseBox(0, b!.Value.Left, 32, 10), b));
        Assert.All(boxes, b => Assert.InRange(b!.Value.Left, 0, 22));
        Assert.True(boxes.Select(b => b!.Value.Left).Distinct().Count() > 1);
    }

    [Fact]
    public void The_view_erases_last_and_without_erasing_takes_the_same_draws()
    {
        using var images = RepeatedImage(8, 1, 8);
        var plain = AugmentationOptions.Grayscale;
        var square = plain with { ErasingScale = (0.25, 0.25), ErasingRatio = (1, 1) };
        using var g1 = new Generator(21);
        using var g2 = new Generator(21);
        using var g3 = new Generator(21);
        using var a = new SimClrAugmentation(plain).View(images, g1);
        using var b = new SimClrAugmentation(square).View(images, g2); // probability 0: the same view, same draws
        using var c = new SimClrAugmentation(square with { ErasingProbability = 1 }).View(images, g3);
        Assert.True(a.eq(b).all().item<bool>());
        // Off, the view takes exactly the draws of the four ops before it; on, 5 more per sample.
        using var g4 = new Generator(21);
        var boxes = RandomResizedCrop.Draw(8, 8, 8, plain.CropScale, plain.CropRatio, plain.FlipProbability, g4);
        using var cropped = RandomResizedCrop.Apply(images, boxes, 8, 8);
        using var jittered = ColorJitter.Apply(cropped, plain.JitterProbability, plain.JitterStrength, false, g4);
        using var gray = RandomGrayscale.Apply(jittered, plain.GrayscaleProbability, g4);
        using var blurred = GaussianBlur.Apply(gray, plain.BlurProbability, plain.BlurSigma, plain.BlurKernelFraction,
            g4);
        Assert.Equal(g4.get_state().data<byte>().ToArray(), g2.get_state().data<byte>().ToArray());
        using var erasingDraws = rand([5 * 8], generator: g4);
        Assert.Equal(g4.get_state().data<byte>().ToArray(), g3.get_state().data<byte>().ToArray());
        using var changed = a.ne(c);
        for (int i = 0; i < 8; i++)
        {
            Assert.InRange(changed[i].sum().item<long>(), 12, 16); // the 4x4 block, less pixels already at the mean
            Assert.True(c[i].masked_select(changed[i]).eq(0).all().item<bool>());
        }
    }

    [Theory]
    [InlineData(1.5, 0.02, 0.33, 0.3, "ErasingProbability")]
    [InlineData(0.5, 0.0, 0.33, 0.3, "ErasingScale")]
    [InlineData(0.5, 0.4, 0.2, 0.3, "ErasingScale")]
    [InlineData(0.5, 0.1, 1.5, 0.3, "ErasingScale")]
    [InlineData(0.5, 0.02, 0.33, 4.0, "ErasingRatio")]
    public void An_impossible_erasing_is_refused_naming_the_setting(double p, double min, double max, double ratioMin,
        string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SimClrAugmentation(
            AugmentationOptions.Grayscale with
            {
                ErasingProbability = p, ErasingScale = (min, max), ErasingRatio = (ratioMin, 3.3),
            }));
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void Views_stored_before_erasing_existed_read_back_with_erasing_off()
    {
        var views = AugmentationOptions.Grayscale with { ErasingProbability = 0.5, ErasingScale = (0.1, 0.2) };
        string json = JsonSerializer.Serialize(views, CheckpointHeader.JsonOptions);
        Assert.Equal(views, Read(json));
        var older = JsonNode.Parse(json)!.AsObject();
        foreach (string key in new[] { "ErasingProbability", "ErasingScale", "ErasingRatio" })
            Assert.True(older.Remove(key), key);
        Assert.Equal(AugmentationOptions.Grayscale, Read(older.ToJsonString()));

        // The normalization's arrays compare by reference in the record: checked by value, then shared.
        static AugmentationOptions Read(string text)
        {
            var read = JsonSerializer.Deserialize<AugmentationOptions>(text, CheckpointHeader.JsonOptions)!;
            var expected = AugmentationOptions.Grayscale.Normalization;
            Assert.Equal(expected.Mean, read.Normalization.Mean);
            Assert.Equal(expected.Std, read.Normalization.Std);
            return read with { Normalization = expected };
        }
    }
}
