using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

// Usage: AavaeMlNet.ModelLoader <model.zip> <vector|path> <input.json> <output.json> [column ...]
// input.json: for "vector", an array of float arrays (the Image column); for "path", an array of image paths.
// output.json: { "column": [[...], ...], ... } for each requested Vector<Single> column.
if (args.Length < 5)
{
    Console.Error.WriteLine(
        "usage: AavaeMlNet.ModelLoader <model.zip> <vector|path> <input.json> <output.json> <column> [column ...]");
    return 2;
}
var ml = new MLContext(seed: 1);
var model = ml.Model.Load(args[0], out var inputSchema);
IDataView data = args[1] switch
{
    "vector" => LoadVectors(ml, inputSchema, JsonSerializer.Deserialize<float[][]>(File.ReadAllText(args[2]))!),
    "path" => ml.Data.LoadFromEnumerable(
        JsonSerializer.Deserialize<string[]>(File.ReadAllText(args[2]))!.Select(p => new PathRow { Path = p })),
    _ => throw new ArgumentException($"Unknown input kind '{args[1]}': expected vector or path."),
};
var output = model.Transform(data);
var result = args[4..].ToDictionary(c => c, c => output.GetColumn<float[]>(c).ToArray());
File.WriteAllText(args[3], JsonSerializer.Serialize(result));
Console.WriteLine($"scored {result.First().Value.Length} rows with {model.GetType().Name}");
return 0;

static IDataView LoadVectors(MLContext ml, DataViewSchema schema, float[][] rows)
{
    int size = ((VectorDataViewType)schema["Image"].Type).Size;
    var definition = SchemaDefinition.Create(typeof(VectorRow));
    definition[nameof(VectorRow.Image)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
    return ml.Data.LoadFromEnumerable(rows.Select(r => new VectorRow { Image = r }), definition);
}

sealed class VectorRow
{
    public float[] Image { get; set; } = [];
    public float Label { get; set; }
}

sealed class PathRow
{
    public string Path { get; set; } = "";
    public float Label { get; set; }
}
