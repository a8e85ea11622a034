using AavaeMlNet.Model;
using AavaeMlNet.Training;
using TorchSharp;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Training;

public class AdamTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Updates_and_saved_state_equal_TorchSharps_Adam_bit_for_bit(double weightDecay)
    {
        using var stockModel = InitializedModel();
        using var heldModel = InitializedModel();
        using var stock = optim.Adam(stockModel.parameters(), lr: 2e-3, weight_decay: weightDecay);
        using var held = new Adam(heldModel.parameters(), 2e-3, weightDecay);
        using var images = Squares(16);
        for (int step = 0; step < 12; step++)
        {
            double rate = 2e-3 * (step + 1) / 12; // the trainer changes the rate every step during warmup
            Step(stockModel, stock, images, rate);
            Step(heldModel, held, images, rate);
        }
        AssertSameWeights(stockModel, heldModel);
        Assert.Equal(SavedState(stock), SavedState(held)); // checkpoints keep their format
    }

    [Fact]
    public void Amsgrad_is_refused_by_name_instead_of_being_ignored()
    {
        using var model = InitializedModel();
        using var held = new Adam(model.parameters(), 1e-3);
        ((TorchSharp.Modules.Adam.ParamGroup)held.ParamGroups.Single()).Options.amsgrad = true;
        using var images = Squares(4);
        var error = Assert.Throws<NotSupportedException>(() => Step(model, held, images, 1e-3));
        Assert.Contains("amsgrad", error.Message);
    }

    private static AavaeModel InitializedModel()
    {
        var model = new AavaeModel(TinyConfig(Variant.Ae));
        using var generator = new Generator(3);
        WeightInitialization.Apply(model, generator);
        model.train();
        return model;
    }

    private static void Step(AavaeModel model, TorchSharp.Modules.Adam optimizer, Tensor images, double rate)
    {
        using var scope = NewDisposeScope();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
        optimizer.zero_grad();
        model.Loss(images, images, null).Total.backward();
        optimizer.step();
    }

    private static byte[] SavedState(TorchSharp.Modules.Adam optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            optimizer.save_state_dict(writer);
        return stream.ToArray();
    }
}
