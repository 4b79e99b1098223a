extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.Status;

namespace ZkMitosis.Agent.Tests.Status;

/// <summary>jute.maxbuffer as the JVM resolves it: Integer.decode's forms, the last definition wins, only the JVM's own options count.</summary>
public sealed class JuteMaxBufferTests
{
    [Theory]
    [InlineData("4194304", 4194304)]
    [InlineData("0x400000", 4194304)]
    [InlineData("0X400000", 4194304)]
    [InlineData("#400000", 4194304)]
    [InlineData("020000000", 4194304)]
    [InlineData("+4194304", 4194304)]
    [InlineData("0", 0)]
    [InlineData("2147483647", int.MaxValue)]
    public void Decode_JavaIntegerDecodeForms_Value(string text, int expected) => Assert.Equal(expected, JuteMaxBuffer.Decode(text));

    [Theory]
    [InlineData("")]
    [InlineData("4m")]
    [InlineData("2147483648")]
    [InlineData("0x")]
    [InlineData("09")]
    [InlineData("-+1")]
    [InlineData(" 4194304")]
    public void Decode_WhatIntegerDecodeRefuses_Null(string text) => Assert.Null(JuteMaxBuffer.Decode(text));

    [Fact]
    public void FromJvmOptions_SeveralDefinitions_LastWins() =>
        Assert.Equal(8388608, JuteMaxBuffer.FromJvmOptions(["-Djute.maxbuffer=4194304", "-Xmx1g", "-Djute.maxbuffer=8388608"]));

    [Fact]
    public void FromJvmOptions_UnparsableValue_DefaultAsIntegerGetInteger() =>
        Assert.Equal(JuteMaxBuffer.Default, JuteMaxBuffer.FromJvmOptions(["-Djute.maxbuffer=4MB"]));

    [Fact]
    public void FromJvmOptions_OnlyTheExtraSizeOrAPrefix_NotSet() =>
        Assert.Null(JuteMaxBuffer.FromJvmOptions(["-Dzookeeper.jute.maxbuffer.extrasize=1024", "-Djute.maxbuffer.x=5", "-Dzookeeper.jute.maxbuffer=5"]));

    [Fact]
    public void JvmOptionsOfCommandLine_StopsAtMainClass_ProgramArgumentsIgnored()
    {
        string[] argv = ["/usr/bin/java", "-Xmx512m", "-cp", "/a:/b", "-Djute.maxbuffer=4194304", "org.apache.zookeeper.server.quorum.QuorumPeerMain", "-Djute.maxbuffer=1", "/etc/zoo.cfg"];

        var options = JuteMaxBuffer.JvmOptionsOfCommandLine(argv);

        Assert.Equal(["-Xmx512m", "-cp", "-Djute.maxbuffer=4194304"], options);
        Assert.Equal(4194304, JuteMaxBuffer.FromJvmOptions(options));
    }

    [Fact]
    public void OptionsInFile_ShellFileWithCommentAndQuotes_InFileOrder()
    {
        const string text = """
            # JVMFLAGS="-Djute.maxbuffer=1"
            JVMFLAGS="-Xmx1g -Djute.maxbuffer=2097152"
            COMMAND=('/usr/bin/java' '-Djute.maxbuffer=0x400000' '-cp' '/x')
            SERVER_JVMFLAGS=-Djute.maxbuffer.extrasize=9
            """;

        Assert.Equal(["-Djute.maxbuffer=2097152", "-Djute.maxbuffer=0x400000"], JuteMaxBuffer.OptionsInFile(text));
        Assert.Equal(4194304, JuteMaxBuffer.FromJvmOptions(JuteMaxBuffer.OptionsInFile(text)));
    }
}
