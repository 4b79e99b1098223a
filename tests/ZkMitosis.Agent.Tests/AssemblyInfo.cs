using System.Runtime.Versioning;

// The agent and these tests are Linux-only: namespaces, iptables/nftables, POSIX modes.
[assembly: SupportedOSPlatform("linux")]
