using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AavaeMlNet.Evaluation.Probes;

/// <summary>
/// The outcome of <see cref="PaperProbe"/>: test accuracy, the trained linear layer and the loss per epoch.
/// </summary>
public sealed class PaperProbeResult : IDisposable
{
    internal PaperProbeResult(double accuracy, Linear classifier, IReadOnlyList<double> epochLosses)
    {
        Accuracy = accuracy;
        Classifier = classifier;
        EpochLosses = epochLosses;
    }

    /// <summary>Top-1 accuracy on the test set, in [0, 1].</summary>
    public double Accuracy { get; }

    /// <summary>The trained linear layer (features -> class logits), in eval mode.</summary>
    public Linear Classifier { get; }

    /// <summary>Mean training cross-entropy of each epoch.</summary>
    public IReadOnlyList<double> EpochLosses { get; }

    /// <inheritdoc />
    public void Dispose() => Classifier.Dispose();
}

/// <summary>
/// The paper's linear evaluation protocol (Sec. 4, "Evaluation"): one Linear layer on frozen backbone features, SGD
/// with Nesterov momentum 0.9, lr = 0.1 * batch / 256 with cosine decay over the epochs (default 90), weight decay 0;
/// for CIFAR, train-time augmentation of the images by <see cref="PadCropFlip"/>.
/// </summary>
public static class PaperProbe
{
    /// <summary>Settings of the protocol; defaults are the paper's.</summary>
    public sealed class Options
    {
        /// <summary>Training epochs. Default: 90.</summary>
        public int Epochs = 90;

        /// <summary>Mini-batch size; the learning rate scales with it. Default: 256.</summary>
        public int BatchSize = 256;

        /// <summary>
        /// Base learning rate; null means <see cref="LearningRate(int)"/> of the batch size. Default: null.
        /// </summary>
        public double? BaseLearningRate;

        /// <summary>Nesterov momentum. Default: 0.9.</summary>
        public double Momentum = 0.9;

        /// <summary>Weight decay. Default: 0 (the paper's).</summary>
        public double WeightDecay;

        /// <summary>Reflect padding of the crop augmentation (image overload only). Default: 4 (CIFAR).</summary>
        public int Padding = PadCropFlip.CifarPadding;

        /// <summary>
        /// Seed of the layer's initialisation, the epoch order and the augmentation draws. Default: 0.
        /// </summary>
        public long Seed;

        /// <summary>Where the layer trains. Default: Auto (CUDA when available).</summary>
        public DeviceKind Device = DeviceKind.Auto;
    }

    /// <summary>
    /// The protocol's base learning rate 0.1 * batchSize / 256, in floating point. The authors' public code computes
    /// 0.1 * int(batch / 256), which is 0 for batches below 256 (and 0.1 for 256..511):
    /// that is a bug, not the protocol.
    /// </summary>
    public static double LearningRate(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return 0.1 * batchSize / 256.0;
    }

    /// <summary>
    /// Cosine decay per epoch (PyTorch's CosineAnnealingLR with T_max = epochs, eta_min =
    /// 0): epoch 0 gets the base rate.
    /// </summary>
    public static double LearningRateAt(int epoch, int epochs, double baseRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        return baseRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / epochs));
    }

    /// <summary>Trains on precomputed features (no augmentation) and reports test accuracy.</summary>
    public static PaperProbeResult TrainAndEvaluate(EmbeddingMatrix train, IReadOnlyList<int> trainLabels,
        EmbeddingMatrix test, IReadOnlyList<int> testLabels, Options? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        train.CheckLabels(trainLabels, nameof(trainLabels));
        test.CheckLabels(testLabels, nameof(testLabels));
        if (test.Dimension != train.Dimension)
            throw new ArgumentException(
                $"Test embeddings have {test.Dimension} dimensions; train embeddings have {train.Dimension}.",
                nameof(test));
        options ??= new Options();
        var device = ComputeDevice.Resolve(options.Device);
        using var trainFeatures = train.ToTensor().to(device);
        using var testFeatures = test.ToTensor().to(device);
        return Run(train.Count, train.Dimension, trainLabels, testLabels,
            (indices, _) => trainFeatures.index_select(0, indices),
            indices => testFeatures.index_select(0, indices),
            device, options, cancellationToken);
    }

    /// <summary>
    /// Trains on features computed from augmented images each epoch (<see cref="PadCropFlip"/>, the CIFAR protocol) and
    /// reports accuracy on the un-augmented test images. <paramref name="features"/> maps a batch of images
    /// (N, C, H, W), already on the training device, to features (N, d); it runs under no-grad and should
    /// hold its encoder in eval mode.
    /// </summary>
    public static PaperProbeResult TrainAndEvaluate(Func<Tensor, Tensor> features, Tensor trainImages,
        IReadOnlyList<int> trainLabels, Tensor testImages, IReadOnlyList<int> testLabels, Options? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(trainImages);
        ArgumentNullException.ThrowIfNull(testImages);
        CheckImages(trainImages, trainLabels, nameof(trainImages));
        CheckImages(testImages, testLabels, nameof(testImages));
        options ??= new Options();
        var device = ComputeDevice.Resolve(options.Device);
        using var generator = new Generator((ulong)options.Seed + 1);
        Tensor Features(Tensor images)
        {
            using var _ = no_grad();
            return features(images).to(device);
        }
        long dimension;
        using (var scope = NewDisposeScope())
        {
            dimension = Features(trainImages[..1].to(device)).shape[1];
        }
        return Run((int)trainImages.shape[0], (int)dimension, trainLabels, testLabels,
            (indices, _) => Features(PadCropFlip.Apply(
                trainImages.index_select(0, indices.to(trainImages.device)).to(device),
                options.Padding,
                generator)),
            indices => Features(testImages.index_select(0, indices.to(testImages.device)).to(device)),
            device, options, cancellationToken);
    }

    private static PaperProbeResult Run(int trainCount, int dimension, IReadOnlyList<int> trainLabels,
        IReadOnlyList<int> testLabels, Func<Tensor, int, Tensor> trainBatch, Func<Tensor, Tensor> testBatch,
        Device device, Options options, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        int classes = Math.Max(trainLabels.Max(), testLabels.Count == 0 ? 0 : testLabels.Max()) + 1;
        double baseRate = options.BaseLearningRate ?? LearningRate(options.BatchSize);

        var classifier = nn.Linear(dimension, classes);
        Initialise(classifier, dimension, options.Seed);
        classifier.to(device);
        using var labels = tensor(trainLabels.Select(l => (long)l).ToArray(), dtype: ScalarType.Int64, device: device);
        using var optimizer = optim.SGD(classifier.parameters(), baseRate, options.Momentum, 0, options.WeightDecay,
            nesterov: true);
        var epochLosses = new List<double>(options.Epochs);

        classifier.train();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            double rate = LearningRateAt(epoch, options.Epochs, baseRate);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
            double lossSum = 0;
            foreach (var batch in EpochOrder.Batches(trainCount, options.Seed, epoch, options.BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int count = batch.Length;
                var indices = tensor(batch.Select(i => (long)i).ToArray(), dtype: ScalarType.Int64, device: device);
                var logits = classifier.forward(trainBatch(indices, epoch));
                var loss = F.cross_entropy(logits, labels.index_select(0, indices));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * count;
            }
            epochLosses.Add(lossSum / trainCount);
        }

        classifier.eval();
        long correct = 0;
        using (no_grad())
        {
            for (int start = 0; start < testLabels.Count; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int count = Math.Min(options.BatchSize, testLabels.Count - start);
                var indices = arange(start, start + count, dtype: ScalarType.Int64, device: device);
                var predicted = classifier.forward(testBatch(indices)).argmax(1);
                var batchLabels = Enumerable.Range(start, count).Select(i => (long)testLabels[i]).ToArray();
                var expected = tensor(batchLabels, dtype: ScalarType.Int64, device: device);
                correct += predicted.eq(expected).sum().item<long>();
            }
        }
        double accuracy = testLabels.Count == 0 ? 0 : (double)correct / testLabels.Count;
        return new PaperProbeResult(accuracy, classifier, epochLosses);
    }

    /// <summary>
    /// PyTorch's default Linear initialisation, U(-1/sqrt(d), 1/sqrt(d)), drawn from a seeded generator.
    /// </summary>
    private static void Initialise(Linear classifier, int dimension, long seed)
    {
        using var generator = new Generator((ulong)seed);
        double bound = 1 / Math.Sqrt(dimension);
        using var _ = no_grad();
        foreach (var parameter in new[] { classifier.weight!, classifier.bias! })
        {
            using var draws = rand(parameter.shape, dtype: parameter.dtype, generator: generator);
            parameter.copy_(draws * (2 * bound) - bound);
        }
    }

    private static void CheckImages(Tensor images, IReadOnlyList<int> labels, string parameterName)
    {
        if (images.dim() != 4)
            throw new ArgumentException(
                $"Expected images of shape (N, C, H, W), got [{string.Join(", ", images.shape)}].", parameterName);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != images.shape[0])
            throw new ArgumentException(
                $"Expected {images.shape[0]} labels (one per image), got {labels.Count}.", parameterName);
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] < 0)
                throw new ArgumentOutOfRangeException(
                    parameterName, labels[i], $"Label {i} is negative; classes are 0..C-1.");
    }
}
