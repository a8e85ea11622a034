using System.Text.RegularExpressions;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>
/// Every setting's default is declared once: in <see cref="AavaeSettings"/>, or for a setting the recipe chooses, as a
/// named constant of the paper's recipe in <see cref="RecipeResolver"/>. The records the trainer consumes read those
/// declarations, so they agree with the catalogue by construction; these tests fail when a record states a value of
/// its own or drifts from the paper's recipe.
/// </summary>
public class DefaultsStatedOnceTests
{
    [Fact]
    public void A_default_record_is_the_paper_recipe_resolved_for_its_shape()
    {
        var paper = new AavaeSettings { Recipe = Recipe.Paper }.Resolve(3, 32, 32, 50_000);
        Assert.Equal(paper.Config, new AavaeConfig());
        var training = new TrainingOptions();
        Assert.Equal(paper.Training with { Recipe = training.Recipe }, training);
    }

    [Fact]
    public void Every_record_property_named_like_a_setting_has_the_settings_default_when_the_setting_has_one()
    {
        var defaults = new AavaeSettings();
        var records = new object[] { new AavaeConfig(), new TrainingOptions() };
        int compared = 0;
        foreach (var setting in AavaeSettings.All)
        {
            // A null seed is the MLContext's draw, else AavaeSettings.DefaultSeed; other nulls: the test above.
            object? stated = setting.PropertyName == nameof(AavaeSettings.Seed)
                ? AavaeSettings.DefaultSeed
                : setting.Get(defaults);
            if (stated is not { } value) continue;
            foreach (var record in records)
            {
                if (record.GetType().GetProperty(setting.PropertyName) is not { } property
                    || (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType)
                        != setting.ValueType)
                    continue; // another thing of the same name (TrainingOptions.Recipe: the choices made)
                Assert.True(Equals(value, property.GetValue(record)),
                    $"{record.GetType().Name}.{setting.PropertyName} defaults to {property.GetValue(record)}; the " +
                    $"catalogue says {value}.");
                compared++;
            }
        }
        Assert.True(compared >= 11, $"only {compared} record properties matched a setting by name");
    }

    [Theory]
    [InlineData("src/AavaeMlNet.Core/Model/AavaeConfig.cs")]
    [InlineData("src/AavaeMlNet.Core/Training/TrainingOptions.cs")]
    [InlineData("src/AavaeMlNet/MLNet/AavaeEstimator.cs")]
    [InlineData("src/AavaeMlNet.Cli/Jobs/PretrainJobOptions.cs")]
    public void No_file_but_the_catalogue_states_a_literal_default_for_a_setting(string file)
    {
        string source = File.ReadAllText(RepositoryRoot.Combine(file.Split('/')));
        var stated = AavaeSettings.All
            .Where(s => Regex.IsMatch(source, $@"\b{s.PropertyName}\s*(\{{\s*get;[^}}]*\}})?\s*=\s*" +
                @"(?!AavaeSettings\.|RecipeResolver\.)(-?[0-9]|true\b|false\b|TimeSpan\.|[A-Z][A-Za-z]*\.[A-Z])"))
            .Select(s => s.PropertyName)
            .ToList();
        Assert.Empty(stated);
    }
}
