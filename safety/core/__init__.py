"""Domain-free pieces every package uses: time, types, pagination, authentication, rate limits."""
