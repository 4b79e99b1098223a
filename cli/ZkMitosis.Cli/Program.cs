// Placeholder; the foundation issue builds the command tree.
Console.WriteLine("zkmitosis");
return 0;
