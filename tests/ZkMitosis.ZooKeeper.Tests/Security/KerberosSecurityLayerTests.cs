using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>The RFC 4752 section 3.1 security-layer messages that end SASL GSSAPI, in cleartext.</summary>
public sealed class KerberosSecurityLayerTests
{
    [Fact]
    public void Kerberos_offer_of_GssKrb5Server_with_qop_auth_reads_as_no_layer_and_its_max_size()
    {
        // Java's GssKrb5Server with qop "auth": layers 0x01, max buffer 65536 (0x010000), big-endian in 3 octets.
        var (layers, max) = GssapiSecurityLayer.ReadOffer([0x01, 0x01, 0x00, 0x00]);
        Assert.Equal(GssapiSecurityLayer.None, layers);
        Assert.Equal(65536, max);
        Assert.Equal((byte)0x07, GssapiSecurityLayer.ReadOffer([0x07, 0xff, 0xff, 0xff]).Layers);
        Assert.Equal(0xffffff, GssapiSecurityLayer.ReadOffer([0x07, 0xff, 0xff, 0xff]).MaxMessageBytes);
    }

    [Fact]
    public void Kerberos_answer_takes_no_layer_with_max_size_0_and_no_authorization_id()
    {
        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x00 }, GssapiSecurityLayer.ChooseNoLayer(0x01));
        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x00 }, GssapiSecurityLayer.ChooseNoLayer(0x07));
    }

    [Fact]
    public void Kerberos_offer_of_another_length_or_without_no_layer_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => GssapiSecurityLayer.ReadOffer([0x01, 0x00, 0x00]));
        Assert.Throws<InvalidDataException>(() => GssapiSecurityLayer.ReadOffer([0x01, 0x00, 0x00, 0x00, 0x00]));
        var e = Assert.Throws<InvalidDataException>(() => GssapiSecurityLayer.ChooseNoLayer(GssapiSecurityLayer.Integrity | GssapiSecurityLayer.Confidentiality));
        Assert.Contains("security layer", e.Message, StringComparison.Ordinal);
    }
}
