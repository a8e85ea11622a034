using System.Diagnostics;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// Pretrains an <see cref="AavaeModel"/> (paper Sec. 4): Adam, linear warmup then constant learning rate, one
/// dispose scope per step, NaN/inf detection before the update, a rollback over loss spikes, atomic checkpoints,
/// exact resumption and cancellation that leaves a loadable checkpoint.
/// </summary>
public sealed partial class AavaeTrainer : IDisposable
{
    private readonly Adam optimizer;
    private readonly Generator generator;
    private readonly Generator samplingGenerator;
    private readonly SimClrAugmentation augmentation;
    private readonly Device device;
    private int epoch;
    private int stepInEpoch;
    private long step;
    private readonly TimeProvider time;
    private string? lastCheckpoint;
    private long lastCheckpointTimestamp;
    private RunPlan? plan;
    private TimeSpan budgetSpent;
    private DataFingerprint? dataTrained;
    private readonly HashSet<string> warned = [];
    private readonly List<LossSpike> lossSpikes = [];
    private readonly WeightAverage? average;

    /// <summary>
    /// Creates a trainer with freshly initialized weights (seeded by <see cref="TrainingOptions.Seed"/>).
    /// </summary>
    public AavaeTrainer(AavaeConfig config, AugmentationOptions augmentation, TrainingOptions options)
        : this(config, augmentation, options, CpuBf16Features.Current)
    {
    }

    /// <summary>
    /// As the public constructor, with the CPU's bf16 features given (tests run bf16 on any CPU) and the clock of the
    /// budget (tests advance one by a fixed time per step, which makes a budgeted run repeatable).
    /// </summary>
    internal AavaeTrainer(AavaeConfig config, AugmentationOptions augmentation, TrainingOptions options,
        CpuBf16Features cpu, TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        lastCheckpointTimestamp = this.time.GetTimestamp();
        config.Validate();
        options.Validate();
        if (augmentation.Normalization.Channels != config.Channels)
            throw new ArgumentException(
                $"The augmentation normalizes {augmentation.Normalization.Channels} channel(s) but the model " +
                $"takes {config.Channels}.", nameof(augmentation));
        Options = options;
        this.augmentation = new SimClrAugmentation(augmentation);
        device = ComputeDevice.Resolve(options.Device);
        if (options.Threads is { } threads) set_num_threads(threads);

        Model = new AavaeModel(config);
        PrecisionSupport.Configure(Model, options, device, cpu);
        using (var initial = new Generator((ulong)options.Seed)) WeightInitialization.Apply(Model, initial);
        Model.to(device);
        optimizer = new Adam(Model.parameters(), options.LearningRate, options.WeightDecay);
        if (options.WeightAverageDecay > 0) average = new WeightAverage(Model, options.WeightAverageDecay);
        generator = new Generator((ulong)options.Seed);
        samplingGenerator = device.type == DeviceType.CPU ? generator : new Generator((ulong)options.Seed, device);
    }

    /// <summary>The model being trained.</summary>
    public AavaeModel Model { get; }

    /// <summary>The settings of this run.</summary>
    public TrainingOptions Options { get; private set; }

    /// <summary>The device the model lives on.</summary>
    public Device Device => device;

    /// <summary>
    /// The precision the model computes in: <see cref="TrainingOptions.Precision"/> resolved for the device.
    /// </summary>
    public Precision Precision => Model.Compute.Precision;

    /// <summary>The view distribution.</summary>
    public AugmentationOptions Augmentation => augmentation.Options;

    /// <summary>Optimisation steps taken so far.</summary>
    public long Step => step;

    /// <summary>0-based epoch the next step belongs to.</summary>
    public int Epoch => epoch;

    /// <summary>
    /// True when the last <c>Fit</c> stopped at <see cref="TrainingOptions.TimeBudget"/> before its last epoch.
    /// </summary>
    public bool StoppedAtBudget { get; private set; }

    /// <summary>The run's plan (null before the first <c>Fit</c>); see <see cref="RunPlan"/>.</summary>
    public RunPlan? Plan => plan;

    /// <summary>
    /// Wall time of the budget spent before this trainer's <c>Fit</c> began (reading the data, building the model);
    /// the estimator sets it so that the whole <c>Fit</c> call stays within the budget.
    /// </summary>
    public TimeSpan SpentBeforeFit { get; set; }

    /// <summary>Adam's first and second moments of every parameter (for tests of their precision).</summary>
    internal IEnumerable<Tensor> OptimizerMoments() => optimizer.state_dict().State
        .OfType<TorchSharp.Modules.Adam.State>()
        .SelectMany(state => new[] { state.exp_avg, state.exp_avg_sq });

    /// <summary>
    /// The loss spikes this trainer rolled back over (<see cref="TrainingOptions.LossSpikeFactor"/>), in order; each
    /// is also raised as a <see cref="Warning"/>.
    /// </summary>
    public IReadOnlyList<LossSpike> LossSpikes => lossSpikes;

    /// <summary>
    /// The largest ratio of a step's loss to the running mean of the losses before it, among the steps the spike guard
    /// judged and let through (all <c>Fit</c> calls of this trainer): how close the run came to
    /// <see cref="TrainingOptions.LossSpikeFactor"/>. Null without the guard or before it armed.
    /// </summary>
    public double? LargestLossRatio { get; private set; }

    /// <summary>The weight average (<see cref="TrainingOptions.WeightAverageDecay"/>), for tests; null without one.
    /// </summary>
    internal WeightAverage? Average => average;

    /// <summary>Called with the step number before each step's forward pass (tests break the weights there).</summary>
    internal Action<long>? BeforeStep { get; set; }

    /// <summary>Path of the last checkpoint written or resumed from.</summary>
    public string? LastCheckpoint => lastCheckpoint;

    /// <summary>Raised every <see cref="TrainingOptions.LogEverySteps"/> steps and at the end of each epoch.</summary>
    public event Action<TrainingProgress>? Progress;

    /// <summary>Raised after every checkpoint written (by epoch, time, steps, time limit or cancellation).</summary>
    public event Action<CheckpointSaved>? CheckpointSaved;

    /// <summary>Raised after each epoch with the 0-based epoch number, before its checkpoint is written.</summary>
    public event Action<int>? EpochCompleted;

    /// <summary>
    /// Raised when the plan is settled: at the start, or once a budgeted run has measured its step rate.
    /// </summary>
    public event Action<RunPlan>? PlanSettled;

    /// <summary>Raised once per warning about settings that defeat the run (<see cref="RunPlan.Warnings"/>).</summary>
    public event Action<string>? Warning;

    private IReadOnlyList<Generator> Generators =>
        ReferenceEquals(generator, samplingGenerator) ? [generator] : [generator, samplingGenerator];

    /// <summary>
    /// Trains until <see cref="TrainingOptions.Epochs"/> epochs are done or the
    /// <see cref="TrainingOptions.TimeBudget"/>
    /// leaves only the time the run needs to finish. On cancellation a checkpoint of the exact
    /// position is written (when a checkpoint directory is set) and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    public void Fit(IImageBatchSource data, CancellationToken cancellationToken = default)
    {
        var shape = data.ImageShape;
        var config = Model.Config;
        if (shape != (config.Channels, config.Height, config.Width))
            throw new ArgumentException(
                $"The data holds {shape.Channels}x{shape.Height}x{shape.Width} images but the model was built for " +
                $"{config.Channels}x{config.Height}x{config.Width}.", nameof(data));
        CheckResumedData(data.Fingerprint);
        int batchSize = Options.BatchSize;
        int stepsPerEpoch = (int)(data.Count / batchSize) + (data.Count % batchSize >= 2 ? 1 : 0);
        if (stepsPerEpoch == 0)
            throw new ArgumentException(
                $"The data holds {data.Count} image(s): at least 2 are needed for one training step.", nameof(data));
        // A resumed budgeted run keeps its plan (its warmup is settled); a plan bound by epochs is laid out again, so
        // that more epochs or other data move its end.
        if (plan is null || Options.TimeBudget is null || plan.StepsPerEpoch != stepsPerEpoch)
            plan = RunPlan.Initial(Options, stepsPerEpoch);
        if (plan.Settled) PlanSettled?.Invoke(plan);
        Warn(plan.Warnings(Options, data.Count));
        double rate = Options.LearningRate;
        int epochs = Options.Epochs ?? int.MaxValue;

        HandBackAverage();
        var averaged = average is null ? null : WeightAverage.Averaged(Model);
        Model.train();
        StoppedAtBudget = false;
        long fitStart = time.GetTimestamp();
        TimeSpan spentBefore = budgetSpent + SpentBeforeFit;
        TimeSpan Elapsed() => spentBefore + time.GetElapsedTime(fitStart);
        lastCheckpointTimestamp = fitStart;
        long fitSteps = 0;
        using var guard = Options.LossSpikeFactor is { } factor
            ? new LossSpikeGuard(Model, optimizer, factor, average?.Tensors)
            : null;
        (long Step, TimeSpan At) measuredFrom = default;
        bool checkpointDue = false;
        while (epoch < epochs && !StoppedAtBudget)
        {
            var window = new ProgressWindow(Elapsed());
            var epochWindow = new ProgressWindow(Elapsed());
            var batches = data.Batches(epoch, batchSize, Options.Seed, stepInEpoch, cancellationToken);
            foreach (var batch in UntilCancelled(batches, cancellationToken))
            {
                // Written before this step's dispose scope opens (a device move inside it could hand the weights to
                // the scope); the position is the one right after the previous step.
                if (checkpointDue) WriteCheckpoint(stepsPerEpoch, numbered: false, Elapsed());
                checkpointDue = false;
                using var scope = NewDisposeScope();
                scope.Attach(batch);
                if (batch.shape[0] < 2) break; // BatchNorm needs two samples: a trailing single image is dropped
                if (cancellationToken.IsCancellationRequested) break;

                double progress = LearningRateSchedule.Progress(step, plan.WarmupSteps, plan.PlannedSteps);
                rate = LearningRateSchedule.At(step, Options.LearningRate, plan.WarmupSteps, Options.Decay, progress);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;

                BeforeStep?.Invoke(step);
                var images = batch.to(device);
                var target = augmentation.Target(images);
                var input = config.Variant.AugmentsInput() ? augmentation.View(images, generator) : target;
                var loss = Model.Loss(input, target, samplingGenerator);
                double total = loss.Total.item<float>();
                if (!double.IsFinite(total))
                    throw new TrainingDivergedException(step, epoch, total, lastCheckpoint);

                if (guard?.Judge(step, epoch, total, lastCheckpoint) is { } spike)
                {
                    // The weights went back to the guard's copy; this step's update is not applied.
                    lossSpikes.Add(spike);
                    Warn([spike.ToString()]);
                }
                else
                {
                    optimizer.zero_grad();
                    loss.Total.backward();
                    optimizer.step();
                    average?.Update(averaged!, step);
                    double reconstruction = loss.Reconstruction.item<float>(), kl = loss.Kl.item<float>();
                    double logVariance = loss.LogVariance.item<float>();
                    window.Add(total, reconstruction, kl, logVariance, batch.shape[0]);
                    epochWindow.Add(total, reconstruction, kl, logVariance, batch.shape[0]);
                }
                var now = time.GetElapsedTime(fitStart);
                step++;
                stepInEpoch++;
                fitSteps++;
                checkpointDue = MidEpochCheckpointDue();
                if (Options.TimeBudget is { } budget)
                {
                    if (fitSteps == RunPlan.CalibrationSkipSteps) measuredFrom = (step, now);
                    bool calibrated = fitSteps == RunPlan.CalibrationEndStep;
                    if (calibrated || (fitSteps > RunPlan.CalibrationEndStep && step % Options.LogEverySteps == 0))
                        Replan(data.Count, budget, Elapsed(),
                            (now - measuredFrom.At).TotalSeconds / (step - measuredFrom.Step));
                }
                // A window of rolled-back steps only has nothing to report (its means would read 0).
                if (stepInEpoch % Options.LogEverySteps == 0 && stepInEpoch < stepsPerEpoch && window.Steps > 0)
                {
                    Progress?.Invoke(window.Report(
                        epoch, step - 1, stepInEpoch, stepsPerEpoch, rate, Elapsed(), epochEnd: false, Planned));
                    window = new ProgressWindow(Elapsed());
                }
                if (Options.TimeBudget is { } limit
                    && Elapsed() >= limit - RunPlan.Reserve(Options, plan.SecondsPerStep)
                    && stepInEpoch < stepsPerEpoch)
                {
                    StoppedAtBudget = true;
                    break;
                }
            }

            if (StoppedAtBudget)
            {
                if (epochWindow.Steps > 0)
                    Progress?.Invoke(epochWindow.Report(epoch, step - 1, stepInEpoch, stepsPerEpoch,
                        rate, Elapsed(), epochEnd: true, Planned));
                EpochCompleted?.Invoke(epoch);
                WriteCheckpoint(stepsPerEpoch, numbered: false, Elapsed());
                break;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                WriteCheckpoint(stepsPerEpoch, numbered: false, Elapsed());
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (epochWindow.Steps > 0)
                Progress?.Invoke(epochWindow.Report(epoch, step - 1, stepInEpoch, stepsPerEpoch,
                    rate, Elapsed(), epochEnd: true, Planned));
            EpochCompleted?.Invoke(epoch);
            Model.train();
            epoch++;
            stepInEpoch = 0;
            bool budgetSpentUp = Options.TimeBudget is { } end
                && Elapsed() >= end - RunPlan.Reserve(Options, plan.SecondsPerStep);
            if (budgetSpentUp) StoppedAtBudget = epoch < epochs;
            if (epoch % Options.CheckpointEveryEpochs == 0 || epoch == epochs || budgetSpentUp)
            {
                WriteCheckpoint(stepsPerEpoch, numbered: Options.KeepEpochCheckpoints, Elapsed());
                checkpointDue = false; // the epoch's checkpoint is the one a time or step schedule asked for
            }
        }
        if (guard is { PeakRatio: > 0 and var peak }) LargestLossRatio = Math.Max(LargestLossRatio ?? 0, peak);
        HandOverAverage();
        if (Options.CleanBatchNormImages > 0) RecalibrateBatchNorm(data, cancellationToken);
        Model.eval();
        budgetSpent = Elapsed();
        SpentBeforeFit = TimeSpan.Zero;
    }

    // Settles the plan from the measured step time (the first time), or moves its end; the warnings that need the
    // plan are raised once it is settled.
    private void Replan(long images, TimeSpan budget, TimeSpan elapsed, double secondsPerStep)
    {
        bool settling = !plan!.Settled;
        var left = budget - RunPlan.Reserve(Options, secondsPerStep) - elapsed;
        plan = plan.Estimate(Options, step, secondsPerStep, left);
        if (!settling) return;
        PlanSettled?.Invoke(plan);
        Warn(plan.Warnings(Options, images));
    }

    private long Planned => plan is { PlannedSteps: var planned } && planned != long.MaxValue ? planned : 0;

    private void Warn(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
            if (warned.Add(warning)) Warning?.Invoke(warning);
    }

    // A source may throw on cancellation while it reads the next batch (the streaming shuffle pool reads rows as it
    // goes): that ends the epoch's loop like a cancellation seen between steps, so the checkpoint of the position is
    // still written.
    private static IEnumerable<Tensor> UntilCancelled(IEnumerable<Tensor> batches, CancellationToken cancellationToken)
    {
        using var enumerator = batches.GetEnumerator();
        while (true)
        {
            bool more;
            try
            {
                more = enumerator.MoveNext();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            if (!more) yield break;
            yield return enumerator.Current;
        }
    }

    // The statistics are recomputed after the last checkpoint of the run, so a resumed run still equals an
    // uninterrupted one; the transformer's own checkpoint (encoder.ckpt) holds the recomputed statistics.
    private void RecalibrateBatchNorm(IImageBatchSource data, CancellationToken cancellationToken)
    {
        IEnumerable<Tensor> CleanBatches()
        {
            long taken = 0;
            int batchSize = Options.BatchSize;
            foreach (var batch in data.Batches(Options.Epochs ?? epoch, batchSize, Options.Seed, 0, cancellationToken))
            {
                using var scope = NewDisposeScope();
                scope.Attach(batch);
                yield return augmentation.Target(batch.to(device));
                taken += batch.shape[0];
                if (taken >= Options.CleanBatchNormImages) yield break;
            }
        }
        BatchNormRecalibration.Run(Model, CleanBatches());
    }

    public void Dispose()
    {
        average?.Dispose();
        optimizer.Dispose();
        if (!ReferenceEquals(samplingGenerator, generator)) samplingGenerator.Dispose();
        generator.Dispose();
        Model.Dispose();
    }
}
