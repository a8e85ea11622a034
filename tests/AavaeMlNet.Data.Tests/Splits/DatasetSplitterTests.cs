using AavaeMlNet.Data.Splits;
using AavaeMlNet.Randomness;

namespace AavaeMlNet.Data.Tests.Splits;

public class DatasetSplitterTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_sequence()
    {
        var rng = new SplitMix64(1234567);
        Assert.Equal(6457827717110365317UL, rng.Next());
        Assert.Equal(3203168211198807973UL, rng.Next());
        Assert.Equal(9817491932198370423UL, rng.Next());
    }

    [Fact]
    public void Parts_are_disjoint_sorted_and_cover_the_records()
    {
        var parts = DatasetSplitter.Split(50000, 20210701, [45000, 5000]);

        Assert.Equal(45000, parts[0].Length);
        Assert.Equal(5000, parts[1].Length);
        Assert.Equal(Enumerable.Range(0, 50000), parts[0].Concat(parts[1]).Order());
        Assert.All(parts, p => Assert.Equal(p.Order(), p));
    }

    [Fact]
    public void Same_seed_gives_same_split_and_another_seed_differs()
    {
        var a = DatasetSplitter.Split(1000, 7, [900, 100]);
        var b = DatasetSplitter.Split(1000, 7, [900, 100]);
        var c = DatasetSplitter.Split(1000, 8, [900, 100]);

        Assert.Equal(a[1], b[1]);
        Assert.NotEqual(a[1], c[1]);
    }

    [Fact]
    public void Pinned_permutation_defines_the_split_forever()
    {
        Assert.Equal(PinnedPermutation, DatasetSplitter.Permutation(10, 42));
    }

    [Fact]
    public void Without_a_seed_parts_are_consecutive_ranges()
    {
        var parts = DatasetSplitter.Split(5, null, [3, 2]);
        Assert.Equal(new[] { 0, 1, 2 }, parts[0]);
        Assert.Equal(new[] { 3, 4 }, parts[1]);
    }

    [Fact]
    public void Sizes_beyond_the_count_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(10, 1, [8, 3]));
    }

    // Computed by an independent Python implementation of the documented algorithm.
    private static readonly int[] PinnedPermutation = [0, 9, 5, 8, 6, 4, 7, 2, 1, 3];
}
