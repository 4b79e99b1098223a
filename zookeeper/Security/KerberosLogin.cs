using System.Runtime.InteropServices;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// Kerberos logins from keytabs, as Java's <c>Krb5LoginModule</c> (<c>useKeyTab=true</c>) makes them for ZooKeeper's
/// client, done with the system's MIT krb5 (libkrb5, the library under .NET's GSSAPI on Linux): the principal's
/// initial ticket is obtained with its keytab key (<c>krb5_get_init_creds_keytab</c>) into a credential cache private
/// to this process and principal (<c>MEMORY:zkmitosis-PID-N</c>), and renewed the same way when less than
/// <see cref="RenewBefore"/> of it is left. GSSAPI reads that cache because the calls that need a ticket run inside
/// <see cref="WithTicket{T}"/>, which names the cache to MIT's GSSAPI for the calling thread only
/// (<c>gss_krb5_ccache_name</c>): no environment variable is changed, the operator's own ticket cache is neither
/// read nor written, and several principals can log in from one process. <c>KRB5_CONFIG</c> (realms, KDCs) is the
/// operator's, read by krb5 as usual. A failed login carries krb5's own one-line reason (unknown principal, KDC
/// unreachable, no key in the keytab), which names the principal and never a key. Linux (MIT krb5) only.
/// </summary>
internal static partial class KerberosLogin
{
    /// <summary>A ticket with less than this left is renewed before a handshake: 5 minutes.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private const string Krb5Library = "libkrb5.so.3";
    private const string GssapiLibrary = "libgssapi_krb5.so.2";

    // krb5.h: struct _krb5_creds { magic; client; server; krb5_keyblock keyblock; krb5_ticket_times times; ... }, on
    // LP64 the times {authtime, starttime, endtime, renew_till} (32-bit each) start at byte 48. The buffer is larger
    // than the struct; krb5 fills it and krb5_free_cred_contents frees what it points to.
    private const int CredsBufferBytes = 1024;
    private const int EndTimeOffset = 56;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<(string Principal, string KeyTab), Cache> Caches = [];

    private sealed class Cache(string name)
    {
        public string Name { get; } = name;

        public DateTimeOffset Expires { get; set; } = DateTimeOffset.MinValue;
    }

    /// <summary>
    /// Runs <paramref name="gssCalls"/> with a valid ticket of <paramref name="credentials"/>' principal in the
    /// thread's GSSAPI credential cache, logging in first when needed. Calls are serialized (one KDC exchange at a
    /// time). Throws <see cref="ZooKeeperAuthenticationException"/> (<see cref="ZooKeeperAuthenticationFailure.KerberosLoginFailed"/>)
    /// naming <paramref name="server"/>, the principal and krb5's reason when no ticket can be had.
    /// </summary>
    public static T WithTicket<T>(ZooKeeperSaslCredentials credentials, string server, TimeProvider time, Func<T> gssCalls)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw Failed(server, $"Kerberos login of {credentials} from a keytab needs MIT krb5 on Linux");
        }

        var keyTab = Path.GetFullPath(credentials.KeyTabFile!);
        lock (Gate)
        {
            if (!Caches.TryGetValue((credentials.Username, keyTab), out var cache))
            {
                cache = new Cache($"MEMORY:zkmitosis-{Environment.ProcessId}-{Caches.Count + 1}");
                Caches[(credentials.Username, keyTab)] = cache;
            }

            if (cache.Expires - time.GetUtcNow() < RenewBefore)
            {
                Login(credentials, keyTab, cache, server);
            }

            ThreadCache(cache.Name);
            try
            {
                return gssCalls();
            }
            finally
            {
                ThreadCache(null);
            }
        }
    }

    private static void Login(ZooKeeperSaslCredentials credentials, string keyTab, Cache cache, string server)
    {
        try
        {
            using var _ = File.OpenRead(keyTab);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var cause = e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : "cannot be read";
            throw Failed(server, $"Kerberos login of {credentials} failed: keytab {keyTab} {cause}");
        }

        IntPtr context = 0, principal = 0, table = 0, ccache = 0, options = 0;
        var creds = Marshal.AllocHGlobal(CredsBufferBytes);
        try
        {
            Marshal.Copy(new byte[CredsBufferBytes], 0, creds, CredsBufferBytes);
            if (krb5_init_context(out context) is var init and not 0)
            {
                throw Failed(server, $"Kerberos login of {credentials} failed: krb5 configuration unusable (error {init}; KRB5_CONFIG)");
            }

            var code = krb5_parse_name(context, credentials.Username, out principal);
            code = code != 0 ? code : krb5_kt_resolve(context, "FILE:" + keyTab, out table);
            code = code != 0 ? code : krb5_cc_resolve(context, cache.Name, out ccache);
            code = code != 0 ? code : krb5_get_init_creds_opt_alloc(context, out options);
            code = code != 0 ? code : krb5_get_init_creds_opt_set_out_ccache(context, options, ccache);
            code = code != 0 ? code : krb5_get_init_creds_keytab(context, creds, principal, table, 0, 0, options);
            if (code != 0)
            {
                throw Failed(server, $"Kerberos login of {credentials} with keytab {keyTab} failed: {ErrorMessage(context, code)}");
            }

            cache.Expires = DateTimeOffset.FromUnixTimeSeconds((uint)Marshal.ReadInt32(creds, EndTimeOffset));
            krb5_free_cred_contents(context, creds);
        }
        finally
        {
            if (context != 0)
            {
                if (options != 0)
                {
                    krb5_get_init_creds_opt_free(context, options);
                }

                if (ccache != 0)
                {
                    _ = krb5_cc_close(context, ccache);
                }

                if (table != 0)
                {
                    _ = krb5_kt_close(context, table);
                }

                if (principal != 0)
                {
                    krb5_free_principal(context, principal);
                }

                krb5_free_context(context);
            }

            Marshal.FreeHGlobal(creds);
        }
    }

    /// <summary>Names the cache GSSAPI's Kerberos mechanism uses on this thread; null restores the default.</summary>
    private static void ThreadCache(string? name)
    {
        if (gss_krb5_ccache_name(out _, name, 0) != 0)
        {
            throw new InvalidOperationException("gss_krb5_ccache_name failed");
        }
    }

    private static string ErrorMessage(IntPtr context, int code)
    {
        var text = krb5_get_error_message(context, code);
        try
        {
            var message = text == 0 ? null : Marshal.PtrToStringUTF8(text);
            return string.IsNullOrWhiteSpace(message) ? $"krb5 error {code}" : message.ReplaceLineEndings(" ");
        }
        finally
        {
            if (text != 0)
            {
                krb5_free_error_message(context, text);
            }
        }
    }

    private static ZooKeeperAuthenticationException Failed(string server, string detail) =>
        new(ZooKeeperAuthenticationFailure.KerberosLoginFailed, server, detail);

#pragma warning disable SA1300, IDE1006 // the C names of krb5.h and gssapi_krb5.h
    [LibraryImport(Krb5Library)]
    private static partial int krb5_init_context(out IntPtr context);

    [LibraryImport(Krb5Library)]
    private static partial void krb5_free_context(IntPtr context);

    [LibraryImport(Krb5Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int krb5_parse_name(IntPtr context, string name, out IntPtr principal);

    [LibraryImport(Krb5Library)]
    private static partial void krb5_free_principal(IntPtr context, IntPtr principal);

    [LibraryImport(Krb5Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int krb5_kt_resolve(IntPtr context, string name, out IntPtr keyTab);

    [LibraryImport(Krb5Library)]
    private static partial int krb5_kt_close(IntPtr context, IntPtr keyTab);

    [LibraryImport(Krb5Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int krb5_cc_resolve(IntPtr context, string name, out IntPtr cache);

    [LibraryImport(Krb5Library)]
    private static partial int krb5_cc_close(IntPtr context, IntPtr cache);

    [LibraryImport(Krb5Library)]
    private static partial int krb5_get_init_creds_opt_alloc(IntPtr context, out IntPtr options);

    [LibraryImport(Krb5Library)]
    private static partial void krb5_get_init_creds_opt_free(IntPtr context, IntPtr options);

    [LibraryImport(Krb5Library)]
    private static partial int krb5_get_init_creds_opt_set_out_ccache(IntPtr context, IntPtr options, IntPtr cache);

    [LibraryImport(Krb5Library)]
    private static partial int krb5_get_init_creds_keytab(IntPtr context, IntPtr creds, IntPtr client, IntPtr keyTab, int startTime, IntPtr service, IntPtr options);

    [LibraryImport(Krb5Library)]
    private static partial void krb5_free_cred_contents(IntPtr context, IntPtr creds);

    [LibraryImport(Krb5Library)]
    private static partial IntPtr krb5_get_error_message(IntPtr context, int code);

    [LibraryImport(Krb5Library)]
    private static partial void krb5_free_error_message(IntPtr context, IntPtr message);

    [LibraryImport(GssapiLibrary, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint gss_krb5_ccache_name(out uint minor, string? name, IntPtr oldName);
#pragma warning restore SA1300, IDE1006
}
