"""Running the main job for a person (the CLI) and for tests: planning what a run must rebuild,
running it in the code location, and summarising it. Sits above `definitions`."""
