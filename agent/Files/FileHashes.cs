using System.Security.Cryptography;

namespace ZkMitosis.Agent.Files;

/// <summary>sha256 of files, lower-case hex, as the API reports and checks them.</summary>
public static class FileHashes
{
    /// <summary>The sha256 of <paramref name="path"/>, or null when it does not exist.</summary>
    public static string? Sha256OrNull(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public static string Sha256(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
