namespace ZkMitosis.ZooKeeper.Tests;

/// <summary>Null data (apart from empty data) and request sizes at the frame limit, against a real ZooKeeper 3.8.</summary>
public sealed class ZooKeeperClientNullDataAndSizeTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>
{
    [Theory]
    [InlineData(CreateMode.Persistent)]
    [InlineData(CreateMode.Container)]
    [InlineData(CreateMode.PersistentWithTtl)]
    public async Task CreateWithNullData_ReadsAsNull_WhileEmptyReadsAsEmpty(CreateMode mode)
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "null");
        var ttl = mode == CreateMode.PersistentWithTtl ? 60_000 : 0;

        (await client.MultiAsync([Op.CreateWithNullData(root + "/in-multi", mode, ttlMs: ttl), Op.Create(root + "/empty", ReadOnlyMemory<byte>.Empty, mode, ttlMs: ttl)])).EnsureCommitted();
        await client.SingleAsync(Op.CreateWithNullData(root + "/alone", mode, ttlMs: ttl));

        foreach (var path in new[] { root + "/in-multi", root + "/alone" })
        {
            var data = await client.GetDataAsync(path);
            Assert.True(data.IsNullData, path);
            Assert.Null(data.NullableData);
            Assert.Empty(data.Data);
            Assert.Equal(0, data.Stat.DataLength);
        }

        var empty = await client.GetDataAsync(root + "/empty");
        Assert.False(empty.IsNullData);
        Assert.NotNull(empty.NullableData);
        var read = await client.MultiReadAsync([ReadOp.GetData(root + "/in-multi"), ReadOp.GetData(root + "/empty")]);
        Assert.Null(read[0].Data);
        Assert.Equal(KeeperErrorCode.Ok, read[0].Error);
        Assert.NotNull(read[1].Data);
        Assert.Empty(read[1].Data!);
    }

    [Fact]
    public async Task SetDataNullable_StoresNullData_InAMultiAndAlone()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "setnull");

        Assert.False((await client.GetDataAsync(root)).IsNullData);
        await client.SingleAsync(Op.SetDataNullable(root, null));
        Assert.True((await client.GetDataAsync(root)).IsNullData, "alone");
        await client.SingleAsync(Op.SetDataNullable(root, []));
        Assert.False((await client.GetDataAsync(root)).IsNullData);
        (await client.MultiAsync([Op.SetDataNullable(root, null)])).EnsureCommitted();
        Assert.True((await client.GetDataAsync(root)).IsNullData, "in a multi");
    }

    /// <summary>The size the client computes is the size it encodes: a frame limit of exactly that size passes, one byte less is refused.</summary>
    [Fact]
    public async Task MultiOpBytes_EqualsTheEncodedFrame_ForEveryOpKindAndUnderAChroot()
    {
        await using var setup = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(setup, "sizes");
        var acl = new[] { ZooKeeperAcl.Digest("user-é", "pw", ZooKeeperPermissions.All), new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone") };
        var cases = new (string Name, Func<string, Op[]> Ops)[]
        {
            ("create", p => [Op.Create(p + "/é-a", new byte[300], acl: acl)]),
            ("null", p => [Op.CreateWithNullData(p + "/b")]),
            ("ttl", p => [Op.Create(p + "/c", new byte[3], CreateMode.PersistentWithTtl, ttlMs: 5000)]),
            ("container", p => [Op.CreateWithNullData(p + "/d", CreateMode.Container)]),
            ("mixed", p => [Op.Create(p + "/e", new byte[10]), Op.SetData(p + "/e", new byte[77]), Op.SetDataNullable(p + "/e", null), Op.Check(p + "/e", 2), Op.Delete(p + "/e")]),
        };

        foreach (var chrooted in new[] { false, true })
        {
            foreach (var (name, build) in cases)
            {
                // A fresh parent per case, so each multi creates what it sizes.
                var parent = $"{root}/{name}-{chrooted}";
                await setup.CreateAsync(parent, ReadOnlyMemory<byte>.Empty);
                var chroot = chrooted ? parent : null;
                // Padded so that every limit tried is above the client's minimum of 1024 bytes.
                Op[] ops = [Op.Create((chrooted ? string.Empty : parent) + "/pad", new byte[1100]), .. build(chrooted ? string.Empty : parent)];
                await using var sizer = await server.ConnectAsync(chroot);
                var bytes = ZooKeeperClient.MultiOverheadBytes + ops.Sum(sizer.MultiOpBytes);

                await using var tight = await server.ConnectAsync(chroot, new ZooKeeperClientOptions { MaxFrameBytes = bytes - 1, RequestTimeout = TimeSpan.FromSeconds(30) });
                var refused = await Assert.ThrowsAsync<KeeperException>(() => tight.MultiAsync(ops));
                Assert.Equal(KeeperErrorCode.MarshallingError, refused.Code);
                Assert.Contains($"request of {bytes} bytes", refused.Message, StringComparison.Ordinal);

                await using var exact = await server.ConnectAsync(chroot, new ZooKeeperClientOptions { MaxFrameBytes = bytes, RequestTimeout = TimeSpan.FromSeconds(30) });
                Assert.True((await exact.MultiAsync(ops)).Committed, $"{name}, chroot {chroot ?? "none"}");
                Assert.Equal(sizer.MultiOpBytes(ops[0]) + ZooKeeperClient.MultiOverheadBytes - 18, sizer.SingleRequestBytes(ops[0]));
            }
        }
    }

    /// <summary>
    /// ZooKeeper's limit is the frame after its length prefix, up to jute.maxbuffer (0xfffff by default): a create
    /// of exactly that size is accepted alone, while a multi carrying it is 18 bytes over and refused by the client
    /// before it is sent (the server would close the connection: "Len error").
    /// </summary>
    [Fact]
    public async Task CreateAtTheFrameLimit_FitsAlone_AMultiCarryingItIsRefusedBeforeSending()
    {
        // The reply to getData carries the data plus a header and a Stat: a few dozen bytes more than the create.
        await using var client = await server.ConnectAsync(options: new ZooKeeperClientOptions { MaxReplyFrameBytes = 2 << 20, RequestTimeout = TimeSpan.FromSeconds(30) });
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "edge");
        var probe = Op.Create(root + "/n", Array.Empty<byte>());
        var data = new byte[ZooKeeperClientOptions.DefaultMaxFrameBytes - client.SingleRequestBytes(probe)];
        var op = Op.Create(root + "/n", data);
        Assert.Equal(ZooKeeperClientOptions.DefaultMaxFrameBytes, client.SingleRequestBytes(op));

        var tooLarge = await Assert.ThrowsAsync<KeeperException>(() => client.MultiAsync([op]));
        Assert.Equal(KeeperErrorCode.MarshallingError, tooLarge.Code);
        Assert.Contains($"request of {ZooKeeperClientOptions.DefaultMaxFrameBytes + 18} bytes", tooLarge.Message, StringComparison.Ordinal);

        var created = await client.SingleAsync(op);
        Assert.Equal(root + "/n", created.CreatedPath);
        Assert.Equal(data.Length, (await client.GetDataAsync(root + "/n")).Data.Length);
    }

    [Fact]
    public async Task MultiReadOpBytes_SizesAReadRequestUnderTheLimit()
    {
        await using var client = await server.ConnectAsync();
        var root = await StandaloneServerFixture.CreateTestRootAsync(client, "readsize");
        var reads = Enumerable.Range(0, 20).Select(i => ReadOp.GetData($"{root}/{new string('r', 500)}{i}")).ToList();
        var bytes = ZooKeeperClient.MultiOverheadBytes + reads.Sum(client.MultiReadOpBytes);

        await using var tight = await server.ConnectAsync(options: new ZooKeeperClientOptions { MaxFrameBytes = bytes - 1, MaxReplyFrameBytes = 1 << 20, RequestTimeout = TimeSpan.FromSeconds(30) });
        var refused = await Assert.ThrowsAsync<KeeperException>(() => tight.MultiReadAsync(reads));
        Assert.Contains($"request of {bytes} bytes", refused.Message, StringComparison.Ordinal);
        await using var exact = await server.ConnectAsync(options: new ZooKeeperClientOptions { MaxFrameBytes = bytes, MaxReplyFrameBytes = 1 << 20, RequestTimeout = TimeSpan.FromSeconds(30) });
        Assert.All(await exact.MultiReadAsync(reads), r => Assert.Equal(KeeperErrorCode.NoNode, r.Error));
    }
}
