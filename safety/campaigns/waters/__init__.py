"""The dangerous-waters ledger and the water-body inspection rhythm of the drowning season."""
