// Placeholder host; replaced by the real one right after the proto milestone.
return 0;
