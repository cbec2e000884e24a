"""Campaign definitions as data and their runs: opening, closing, school tasks, progress and lagging."""
