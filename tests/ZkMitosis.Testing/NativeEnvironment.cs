using System.Runtime.InteropServices;

namespace ZkMitosis.Testing;

/// <summary>
/// Sets a variable in the test process's native environment (libc <c>setenv</c>), for native libraries that read it
/// there: krb5 reads <c>KRB5_CONFIG</c> with <c>getenv</c>, and .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not change the native environment on Unix. Only for variables no other test of the process reads.
/// </summary>
public static partial class NativeEnvironment
{
    public static void Set(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        Environment.SetEnvironmentVariable(name, value);
    }

    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
