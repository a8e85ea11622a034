using AavaeMlNet.Evaluation.Probes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AavaeMlNet.Evaluation.Tests.Probes;

public sealed class PadCropFlipTests
{
    [Fact]
    public void EachSampleIsACropOfTheReflectPaddedImageOptionallyMirrored()
    {
        const int padding = 2;
        using var images = arange(2 * 2 * 5 * 5, dtype: ScalarType.Float32).view(2, 2, 5, 5);
        using var generator = new Generator(11);

        using var augmented = PadCropFlip.Apply(images.repeat(8, 1, 1, 1), padding, generator);

        using var padded = F.pad(images, [padding, padding, padding, padding], PaddingModes.Reflect);
        bool sawFlip = false, sawShift = false;
        for (long i = 0; i < augmented.shape[0]; i++)
        {
            using var sample = augmented[i];
            bool matched = false;
            for (int dy = 0; dy <= 2 * padding && !matched; dy++)
            for (int dx = 0; dx <= 2 * padding && !matched; dx++)
            foreach (bool flip in new[] { false, true })
            {
                using var crop = padded[i % 2, .., dy..(dy + 5), dx..(dx + 5)];
                using var candidate = flip ? crop.flip(2) : crop.alias();
                if (candidate.eq(sample).all().item<bool>())
                {
                    matched = true;
                    sawFlip |= flip;
                    sawShift |= dy != padding || dx != padding;
                    break;
                }
            }
            Assert.True(matched, $"Sample {i} is a crop of its padded source.");
        }
        Assert.True(sawFlip && sawShift, "Sixteen draws include a flip and a shift.");
    }

    [Fact]
    public void SameSeedGivesTheSameAugmentation()
    {
        using var images = rand(4, 3, 8, 8);
        using var firstGenerator = new Generator(3);
        using var secondGenerator = new Generator(3);
        using var first = PadCropFlip.Apply(images, 4, firstGenerator);
        using var second = PadCropFlip.Apply(images, 4, secondGenerator);
        Assert.True(first.eq(second).all().item<bool>());
    }
}
