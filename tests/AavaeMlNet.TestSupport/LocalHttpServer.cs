using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AavaeMlNet.TestSupport;

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 serving in-memory files under /files/, one request per connection, with optional
/// Range support and faults on demand. It listens on port 0 and reads back the port the system gave it, so no other
/// process can take the port between a probe and the bind.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    public LocalHttpServer()
    {
        listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/files/");
        loop = Task.Run(AcceptAsync);
    }

    public Uri BaseUrl { get; }

    public Dictionary<string, byte[]> Files { get; } = [];

    public bool SupportsRange { get; set; } = true;

    /// <summary>What the next requests get instead of their file, first in first out.</summary>
    public Queue<Fault> Faults { get; } = new();

    /// <summary>Range headers received, in order ("" for requests without one).</summary>
    public List<string> RangeHeaders { get; } = [];

    /// <summary>When each request arrived, since the server started, in the order of <see cref="RangeHeaders"/>.
    /// </summary>
    public List<TimeSpan> RequestTimes { get; } = [];

    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>An HTTP status instead of the file, or the file's headers and only its first bytes, then a close.
    /// </summary>
    public sealed record Fault(int Status, int BytesBeforeDrop)
    {
        public static Fault Http(int status) => new(status, -1);

        /// <summary>Announces the whole file (Content-Length), sends <paramref name="bytes"/> of it and hangs up.
        /// </summary>
        public static Fault DropAfter(int bytes) => new(200, bytes);
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
            connections.Add(ServeAsync(client));
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (path, range) = await ReadRequestAsync(stream);
                lock (RangeHeaders)
                {
                    RangeHeaders.Add(range);
                    RequestTimes.Add(clock.Elapsed);
                }
                await RespondAsync(stream, path, range);
                client.Client.Shutdown(SocketShutdown.Send); // an orderly close: every byte sent arrives
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // the client went away
            }
        }
    }

    private async Task RespondAsync(NetworkStream stream, string path, string range)
    {
        Fault? fault;
        lock (Faults) fault = Faults.TryDequeue(out var next) ? next : null;
        string name = path.StartsWith("/files/", StringComparison.Ordinal)
            ? Uri.UnescapeDataString(path["/files/".Length..])
            : "";
        if (fault is { BytesBeforeDrop: < 0 })
        {
            await WriteHeadAsync(stream, fault.Status, [], 0);
            return;
        }
        if (!Files.TryGetValue(name, out var data))
        {
            await WriteHeadAsync(stream, 404, [], 0);
            return;
        }
        int start = 0;
        var headers = new List<string>();
        int status = 200;
        if (SupportsRange && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = int.Parse(range["bytes=".Length..].TrimEnd('-'));
            if (start >= data.Length)
            {
                await WriteHeadAsync(stream, 416, [$"Content-Range: bytes */{data.Length}"], 0);
                return;
            }
            status = 206;
            headers.Add($"Content-Range: bytes {start}-{data.Length - 1}/{data.Length}");
        }
        await WriteHeadAsync(stream, status, headers, data.Length - start);
        int end = fault is null ? data.Length : Math.Min(data.Length, start + fault.BytesBeforeDrop);
        await stream.WriteAsync(data.AsMemory(start, end - start), stopping.Token);
    }

    private async Task<(string Path, string Range)> ReadRequestAsync(NetworkStream stream)
    {
        // A GET has no body: the request ends at the first empty line.
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, stopping.Token) == 0) throw new IOException("request ended early");
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
        string path = lines[0].Split(' ')[1];
        string range = lines.Skip(1)
            .Where(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))
            .Select(l => l["Range:".Length..].Trim())
            .FirstOrDefault("");
        return (path, range);
    }

    private async Task WriteHeadAsync(NetworkStream stream, int status, List<string> headers, long length)
    {
        string reason = status switch
        {
            200 => "OK",
            206 => "Partial Content",
            404 => "Not Found",
            416 => "Range Not Satisfiable",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Status",
        };
        var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\n");
        foreach (string header in headers) head.Append(header).Append("\r\n");
        head.Append($"Content-Length: {length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), stopping.Token);
    }

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        loop.Wait(TimeSpan.FromSeconds(10));
        stopping.Dispose();
    }
}
