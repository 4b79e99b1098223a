namespace ZkMitosis.Agent.Files;

/// <summary>A request field is malformed. Maps to INVALID_ARGUMENT with a <c>google.rpc.BadRequest</c> naming <see cref="Field"/>.</summary>
public sealed class InvalidRequestException : Exception
{
    public InvalidRequestException(string field, string message)
        : base($"{field}: {message}")
    {
        Field = field;
        Description = message;
    }

    public string Field { get; }

    public string Description { get; }
}
