namespace AavaeMlNet.TestSupport;

/// <summary>The eight bytes every PNG file starts with, for tests that check a written figure is one.</summary>
public static class PngSignature
{
    public static byte[] Bytes { get; } = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
}
