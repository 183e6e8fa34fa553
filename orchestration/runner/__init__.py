"""Running the main job for a person (the CLI) and for tests: planned (operations/planning.py),
running it in the code location, and summarising it. Sits above `definitions`."""
