using AavaeMlNet.Augmentations;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Jobs;

/// <summary>`pretrain --data/--manifest` trains with the views and normalization the manifest declares.</summary>
public class ManifestViewsTests
{
    [Fact]
    public void Manifest_preset_names_are_the_augmentation_presets_of_the_model()
    {
        Assert.Equal(Enum.GetNames<AugmentationPreset>().Select(n => n.ToLowerInvariant()),
            DatasetManifest.AugmentationPresets);
    }

    private static DatasetManifest Manifest(string preset, string mean, string std)
    {
        string directory = TinyData.NewDirectory("manifest-views");
        string path = Path.Combine(directory, "custom.json");
        // The built-in Fashion-MNIST manifest with another preset and normalization.
        using var stream = typeof(DatasetManifest).Assembly
            .GetManifestResourceStream("AavaeMlNet.Data.Manifests.fashion-mnist.json")!;
        string json = new StreamReader(stream).ReadToEnd()
            .Replace("\"augmentationPreset\": \"grayscale\"", $"\"augmentationPreset\": \"{preset}\"")
            .Replace("\"mean\": [0.2860]", $"\"mean\": [{mean}]")
            .Replace("\"std\": [0.3530]", $"\"std\": [{std}]");
        File.WriteAllText(path, json);
        return ManifestSources.Load(path);
    }

    [Fact]
    public void The_manifest_normalization_and_preset_apply_and_the_settings_given_are_not_changed()
    {
        var manifest = Manifest("cifar10", "0.5", "0.25");
        var given = new AavaeSettings();
        var views = PretrainJob.WithManifestViews(given, manifest).Augmentation!;
        Assert.Equal(AugmentationOptions.Cifar10 with { Normalization = views.Normalization }, views);
        Assert.Equal([0.5f], views.Normalization.Mean);
        Assert.Equal([0.25f], views.Normalization.Std);
        Assert.Null(given.Augmentation);
    }

    [Fact]
    public void An_explicit_preset_wins_over_the_manifest_but_keeps_its_normalization()
    {
        var manifest = Manifest("cifar10", "0.4", "0.2");
        var views = PretrainJob.WithManifestViews(new AavaeSettings { Preset = AugmentationPreset.Grayscale }, manifest)
            .Augmentation!;
        Assert.Equal(AugmentationOptions.Grayscale with { Normalization = views.Normalization }, views);
        Assert.Equal([0.4f], views.Normalization.Mean);
        Assert.Equal([0.2f], views.Normalization.Std);
    }

    [Fact]
    public void A_whole_view_distribution_or_a_file_input_without_manifest_is_left_alone()
    {
        var whole = new AavaeSettings { Augmentation = AugmentationOptions.Stl10 };
        Assert.Same(whole, PretrainJob.WithManifestViews(whole, Manifest("grayscale", "0.5", "0.5")));
        var plain = new AavaeSettings();
        Assert.Same(plain, PretrainJob.WithManifestViews(plain, null));
    }

    [Fact]
    public void The_header_counts_the_manifest_views_as_the_data_sets_and_an_explicit_preset_as_the_users()
    {
        var manifest = ManifestSources.Load("fashion-mnist");
        RecipeChoice Views(AavaeSettings settings) => PretrainJob.WithManifestViews(settings, manifest)
            .Resolve(1, 28, 28, 60_000).Choices.Single(choice => choice.Setting == "Views");

        var declared = Views(new AavaeSettings());
        Assert.False(declared.ByUser);
        Assert.Equal("Views grayscale (recipe: declared by the fashion-mnist manifest, with its normalization)",
            declared.ToString());
        var chosen = Views(new AavaeSettings { Preset = AugmentationPreset.Cifar10 });
        Assert.True(chosen.ByUser);
        Assert.Equal("Views custom (yours)", chosen.ToString());
        var plain = new AavaeSettings().Resolve(1, 28, 28, 60_000).Choices.Single(choice => choice.Setting == "Views");
        Assert.Equal("Views grayscale preset (recipe: the preset for 1-channel 28x28 images)", plain.ToString());
        var tuned = new AavaeSettings { ErasingProbability = 0.5, CropScale = (0.2, 1) }
            .Resolve(1, 28, 28, 60_000).Choices.Single(choice => choice.Setting == "Views");
        Assert.Equal("Views grayscale preset with crop-scale 0.2,1, erasing 0.5 (yours)", tuned.ToString());
        var unused = new AavaeSettings { Variant = Variant.Vae, ErasingProbability = 0.5 }
            .Resolve(1, 28, 28, 60_000).Choices.Single(choice => choice.Setting == "Views");
        Assert.Equal("Views grayscale preset with erasing 0.5, unused: Vae encodes the original (yours)",
            unused.ToString());

        // Views replaced after the manifest declared them are the caller's: the origin names the views it came with.
        var replaced = PretrainJob.WithManifestViews(new AavaeSettings(), manifest);
        replaced.Augmentation = replaced.Augmentation! with { FlipProbability = 0 };
        var header = replaced.Resolve(1, 28, 28, 60_000).Choices.Single(choice => choice.Setting == "Views");
        Assert.True(header.ByUser);
        Assert.Equal("Views custom (yours)", header.ToString());
    }

    [Fact]
    public void The_built_in_manifests_declare_the_normalization_of_their_presets()
    {
        foreach (var (name, preset) in new[]
                 {
                     ("fashion-mnist", AugmentationOptions.Grayscale), ("cifar10", AugmentationOptions.Cifar10),
                     ("stl10", AugmentationOptions.Stl10),
                 })
        {
            var views = PretrainJob.WithManifestViews(new AavaeSettings(), ManifestSources.Load(name)).Augmentation!;
            Assert.Equal(preset.Normalization.Mean, views.Normalization.Mean);
            Assert.Equal(preset.Normalization.Std, views.Normalization.Std);
            Assert.Equal(preset with { Normalization = views.Normalization }, views);
        }
    }
}
