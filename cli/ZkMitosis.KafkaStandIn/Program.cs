// Kafka broker STAND-IN placeholder; the lab issue builds it.
return 0;
