namespace AavaeMlNet.Training;

/// <summary>Which set of defaults fills the settings a user leaves unset.</summary>
public enum Recipe
{
    /// <summary><see cref="Cpu"/> when training on the CPU, <see cref="Paper"/> on a CUDA device.</summary>
    Auto,
    /// <summary>
    /// The recipe measured on two CPU cores (docs/results/fashion-mnist-recipe.md): a quarter-width ResNet-18 expanded
    /// to h = 1024 (512 under 10 minutes), an embedding with a 2x2 grid, batch 64, Adam 1e-3, a short warmup, a
    /// constant rate, BatchNorm recomputed on clean images, and a time budget (10 minutes unless set).
    /// </summary>
    Cpu,
    /// <summary>
    /// The paper's GPU settings (Sec. 4): ResNet-50, batch 256 (512 above 64 pixels), 10 warmup epochs.
    /// </summary>
    Paper,
}

/// <summary>One setting of a run as it was settled: its value, whether the user gave it, and why.</summary>
/// <param name="Setting">The setting's name in <c>AavaeSettings</c> (WidthMultiplier, TimeBudget, ...).</param>
/// <param name="Value">Its value, as the settings grammar writes it.</param>
/// <param name="ByUser">True when the user set it (it then wins over the recipe).</param>
/// <param name="Why">The recipe's reason, or "set by you".</param>
public sealed record RecipeChoice(string Setting, string Value, bool ByUser, string Why)
{
    /// <summary>One line for a run's header: "WidthMultiplier 0.25 (recipe: ...)".</summary>
    public override string ToString() => ByUser ? $"{Setting} {Value} (yours)" : $"{Setting} {Value} (recipe: {Why})";
}
