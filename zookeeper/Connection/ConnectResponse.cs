using ZkMitosis.ZooKeeper.Protocol;

namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>The session the server granted (or refused: <see cref="IsExpired"/>) in its answer to the connect request.</summary>
internal sealed record ConnectResponse(int ProtocolVersion, int NegotiatedTimeoutMs, long SessionId, byte[] Password, bool ReadOnly)
{
    /// <summary>The server answers a resumed session it no longer knows with a zero timeout.</summary>
    public bool IsExpired => NegotiatedTimeoutMs <= 0;

    public static void WriteRequest(JuteWriter writer, long lastZxidSeen, int timeoutMs, long sessionId, ReadOnlySpan<byte> password, bool readOnly)
    {
        var start = writer.BeginFrame();
        writer.WriteInt(0); // protocol version
        writer.WriteLong(lastZxidSeen);
        writer.WriteInt(timeoutMs);
        writer.WriteLong(sessionId);
        writer.WriteBuffer(password.Length == 0 ? stackalloc byte[16] : password);
        writer.WriteBool(readOnly);
        writer.EndFrame(start);
    }

    public static ConnectResponse Read(ReadOnlySpan<byte> frame, string server)
    {
        try
        {
            var reader = new JuteReader(frame);
            var version = reader.ReadInt();
            var timeout = reader.ReadInt();
            var sessionId = reader.ReadLong();
            var password = reader.ReadBuffer() ?? [];
            // Servers before 3.4 do not send the read-only flag.
            var readOnly = reader.Remaining >= 1 && reader.ReadBool();
            if (timeout > 0 && (sessionId == 0 || password.Length == 0))
            {
                throw new ZooKeeperProtocolException($"connect response grants timeout {timeout} ms but session 0x{sessionId:x} with a {password.Length}-byte password", server);
            }

            if (version != 0)
            {
                throw new ZooKeeperProtocolException($"connect response has protocol version {version}; expected 0", server);
            }

            return new ConnectResponse(version, timeout, sessionId, password, readOnly);
        }
        catch (ZooKeeperProtocolException e) when (e.Server is null)
        {
            throw new ZooKeeperProtocolException("bad connect response: " + e.Message, server);
        }
    }
}
