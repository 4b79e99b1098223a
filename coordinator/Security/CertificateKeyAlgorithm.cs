namespace ZkMitosis.Coordinator.Security;

/// <summary>The key type of a <see cref="CertificateAuthority"/> and of every certificate it issues; SHA-256 signatures either way.</summary>
public enum CertificateKeyAlgorithm
{
    /// <summary>ECDSA on P-256: the agents' and coordinators' own TLS (gRPC).</summary>
    EcdsaP256,

    /// <summary>RSA 2048, PKCS#1 v1.5 signatures: the key type every ZooKeeper 3.8 PEM key store reads (its <c>PemReader</c>).</summary>
    Rsa2048,
}
