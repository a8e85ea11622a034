using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>
/// Gets the SchemaShape ML.NET itself derives from a view: SchemaShape.Create is internal, but an EstimatorChain runs
/// schema propagation on it before fitting, and a capturing estimator keeps what it is given.
/// </summary>
internal static class SchemaShapes
{
    public static SchemaShape Of(IDataView data)
    {
        var capture = new Capture();
        try { new EstimatorChain<ITransformer>().Append(capture).Fit(data); }
        catch (CapturedException) { }
        return capture.Shape ?? throw new InvalidOperationException("Schema propagation did not run.");
    }

    private sealed class CapturedException : Exception;

    private sealed class Capture : IEstimator<ITransformer>
    {
        public SchemaShape? Shape { get; private set; }
        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Shape = inputSchema;
        public ITransformer Fit(IDataView input) => throw new CapturedException();
    }
}
