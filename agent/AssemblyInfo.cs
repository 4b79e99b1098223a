using System.Runtime.Versioning;

// The agent manages Linux hosts: systemd, iptables/nftables, POSIX file modes.
[assembly: SupportedOSPlatform("linux")]
