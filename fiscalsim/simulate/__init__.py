"""Sampling and running: seed trees, random draws and the chunked engine."""
