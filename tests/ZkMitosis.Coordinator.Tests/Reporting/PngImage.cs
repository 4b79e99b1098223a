using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ZkMitosis.Coordinator.Tests.Reporting;

/// <summary>
/// A minimal PNG decoder for what Chromium's <c>--screenshot</c> writes: 8-bit RGB or RGBA, not interlaced
/// (PNG spec, ISO/IEC 15948: IHDR, IDAT zlib stream, per-row filters 0–4). Enough to tell a drawn page from a blank one.
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    private PngImage(int width, int height, uint[] pixels)
    {
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Each pixel as 0xRRGGBB (alpha dropped), row by row.</summary>
    public uint[] Pixels { get; }

    /// <exception cref="InvalidDataException">not a PNG, or a kind this decoder does not read.</exception>
    public static PngImage Decode(byte[] png)
    {
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG (bad signature)");
        }

        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (var offset = 8; offset + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            if (type == "IHDR")
            {
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                var (depth, colour, interlace) = (data[8], data[9], data[12]);
                channels = colour switch { 2 => 3, 6 => 4, _ => 0 };
                if (depth != 8 || channels == 0 || interlace != 0)
                {
                    throw new InvalidDataException($"PNG kind not read here: bit depth {depth}, colour type {colour}, interlace {interlace}");
                }
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }

            offset += 12 + length;
        }

        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        return new PngImage(width, height, Unfilter(inflated.ToArray(), width, height, channels));
    }

    /// <summary>How many different colours the image holds.</summary>
    public int DistinctColours() => Pixels.Distinct().Count();

    /// <summary>The share (0–1) of pixels that differ from the most common colour (the background).</summary>
    public double DrawnShare()
    {
        var background = Pixels.GroupBy(p => p).MaxBy(g => g.Count())!.Count();
        return 1 - ((double)background / Pixels.Length);
    }

    private static uint[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        if (raw.Length < height * (stride + 1))
        {
            throw new InvalidDataException($"PNG image data too short: {raw.Length} bytes for {width}x{height}");
        }

        var previous = new byte[stride];
        var row = new byte[stride];
        var pixels = new uint[width * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                row[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"PNG row {y} has filter type {filter}"),
                });
            }

            for (var x = 0; x < width; x++)
            {
                var p = x * channels;
                pixels[(y * width) + x] = ((uint)row[p] << 16) | ((uint)row[p + 1] << 8) | row[p + 2];
            }

            (previous, row) = (row, previous);
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
