"""The test suite: solver, web, browser and benchmark tests, and the run's databases."""
