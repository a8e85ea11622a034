using System.Net;
using System.Net.Sockets;

namespace AavaeMlNet.Data.Tests.Download;

/// <summary>An HTTP server on 127.0.0.1 (free port) serving in-memory files, with optional Range support.</summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;

    public LocalHttpServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/files/");
        listener.Prefixes.Add(BaseUrl.ToString());
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    public Dictionary<string, byte[]> Files { get; } = [];

    public bool SupportsRange { get; set; } = true;

    /// <summary>Range headers received, in order ("" for requests without one).</summary>
    public List<string> RangeHeaders { get; } = [];

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex)
                when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var response = context.Response;
            try
            {
                string name = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath["/files/".Length..]);
                string range = context.Request.Headers["Range"] ?? "";
                lock (RangeHeaders)
                {
                    RangeHeaders.Add(range);
                }
                if (!Files.TryGetValue(name, out var data))
                {
                    response.StatusCode = 404;
                    continue;
                }
                long start = 0;
                if (SupportsRange && range.StartsWith("bytes=", StringComparison.Ordinal))
                {
                    start = long.Parse(range["bytes=".Length..].TrimEnd('-'));
                    if (start >= data.Length)
                    {
                        response.StatusCode = 416;
                        continue;
                    }
                    response.StatusCode = 206;
                    response.AddHeader("Content-Range", $"bytes {start}-{data.Length - 1}/{data.Length}");
                }
                response.ContentLength64 = data.Length - start;
                await response.OutputStream.WriteAsync(data.AsMemory((int)start));
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException)
            {
            }
            finally
            {
                response.Close();
            }
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
