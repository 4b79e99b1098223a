// Placeholder host; the agent issue builds the real one.
return 0;
